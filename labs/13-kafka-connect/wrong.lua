-- A plausible wrong attempt at lab 13: it reads the file before the sink's group even joined (no time
-- passes), and expects the malformed record to be written anyway and errors.tolerance=none to skip it.
local w = cluster:connect()
w:create("connect-file-sink.properties")
local p = cluster:producer{}
for i = 1, lab.params.news do p:send("news", { value = "news-" .. i }) end
p:flush()
lab.answer("lines", {})
lab.answer("group", "local-file-sink")
p:send("orders", { value = "oops" })
w:create{ name = "orders-strict", ["connector.class"] = "FileStreamSink", topics = "orders", file = "strict.txt" }
lab.answer("strict_reason", "org.apache.kafka.connect.errors.DataException")
lab.answer("tolerant_lines", lab.params.good_orders + 1)
lab.answer("dlq_value", "oops")
lab.answer("stage", "TASK_PUT")
lab.answer("exception", "java.lang.Exception")
-- and it expects insert mode to keep both versions of c1.
lab.answer("rows", lab.params.customers + 1)
lab.answer("c1", "customer-1")
