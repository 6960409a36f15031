-- Lab 13: Kafka Connect. The course's FileStreamSink configuration file as given (StringConverter), then
-- JsonConverter; a malformed JSON record under errors.tolerance=none (the task fails), all (skipped), and
-- with a dead letter queue (found there with its error headers). The lab's files live in a fresh
-- temporary directory, the worker's working directory.
local SINK_PROPERTIES = [[
# User defined name for the connector instance
name=local-file-sink

# Name of the connector class to be run
connector.class=FileStreamSink

# Max number of tasks to spawn for this connector instance
tasks.max=1

# Output file name relative to worker's current working directory
file=test.sink.txt

# Comma separate input topic list
topics=news

key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
]]

local function worker(ctx) return ctx.cluster:connect() end

local function task_state(ctx, name)
  local status = worker(ctx):status(name)
  if not status then ctx.fail("there is no connector " .. name .. " (w:list() lists them)") end
  return status.tasks[1] and status.tasks[1].state, status.tasks[1] and status.tasks[1].trace
end

local function lines_of(text)
  local lines = {}
  for line in (text or ""):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  return lines
end

return {
  id = 13,
  slug = "kafka-connect",
  title = "Kafka Connect: a file sink, converters and errors",
  mirrors = "polomarcus/tp tp-kafka-api \"Kafka Connect\" (connect-file-sink.properties, StringConverter) and Kafka's errors.* docs",
  cluster = { brokers = 3, seed = 42 },
  setup = function(c, params)
    klab._connect_workdir(c, { ["connect-file-sink.properties"] = SINK_PROPERTIES })
    assert(c:create_topic("news", { partitions = 2, replication_factor = 3 }))
    assert(c:create_topic("orders", { partitions = 1, replication_factor = 3 }))
    assert(c:create_topic("customers", { partitions = 1, replication_factor = 3 }))
  end,
  variant = function(k) return { params = { news = 4 + k, good_orders = 3 + k, customers = 3 + k } } end,
  intro = [[
A standalone Connect worker runs inside the cluster: w = cluster:connect(). Its working directory holds the
course's connect-file-sink.properties (w:read_file("connect-file-sink.properties")). See help("connect").
The number of records to send is lab.params.news and lab.params.good_orders.]],
  steps = {
    {
      id = "file-sink",
      title = "The course's file sink, unchanged",
      points = 3,
      text = [[
  w = cluster:connect()
  w:create("connect-file-sink.properties")
Send lab.params.news records with values "news-1", "news-2", ... to topic news, let the simulation run
(cluster:advance(70000): the sink's consumer joins its group, and offsets are committed every
offset.flush.interval.ms = 60 s), then read test.sink.txt and report its lines and the connector's group:
  lab.answer("lines", { ... })          -- the lines of w:read_file("test.sink.txt")
  lab.answer("group", "...")            -- the consumer group the sink uses (cluster:groups())]],
      hints = { "A sink connector's tasks are consumers in group connect-<name>.",
                "Records of two partitions reach the file partition by partition: compare as sets." },
      check = function(ctx)
        local state = task_state(ctx, "local-file-sink")
        if state ~= "RUNNING" then return false, "local-file-sink's task is " .. tostring(state) end
        local file = lines_of(worker(ctx):read_file("test.sink.txt"))
        local expected = {}
        for _, r in ipairs(ctx.records("news")) do expected[r.value] = (expected[r.value] or 0) + 1 end
        if #ctx.records("news") ~= ctx.params.news then return false, "send lab.params.news records to news" end
        for _, line in ipairs(file) do expected[line] = (expected[line] or 0) - 1 end
        for value, n in pairs(expected) do
          if n ~= 0 then return false, "test.sink.txt does not hold each record of news once (" .. value .. ")" end
        end
        local reported = ctx.need("lines", "table")
        if #reported ~= #file then return false, "lines: report the lines test.sink.txt holds" end
        if ctx.need("group", "string") ~= "connect-local-file-sink" then return false, "group: not the sink's consumer group" end
        local group = ctx.cluster:describe_group("connect-local-file-sink")
        local committed = 0
        for _, p in ipairs(group and group.partitions or {}) do committed = committed + (p.current_offset or 0) end
        if committed ~= ctx.params.news then
          return false, "the group has not committed every record yet: offsets are committed every offset.flush.interval.ms (60 s)"
        end
        return true
      end,
    },
    {
      id = "malformed",
      title = "A malformed JSON record: errors.tolerance none, then all",
      points = 4,
      text = [[
Send lab.params.good_orders JSON values to orders ('{"id":1}', ...) with one malformed value ("oops") among
them. Create two FileStreamSink connectors on orders with
  ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter", ["value.converter.schemas.enable"] = false,
  ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter"
named "orders-strict" (errors.tolerance=none, file strict.txt) and "orders-tolerant" (errors.tolerance=all,
file tolerant.txt). Run the simulation, then report:
  lab.answer("strict_reason", <the first line of the failed task's trace in w:status("orders-strict")>)
  lab.answer("tolerant_lines", <number of lines in tolerant.txt>)]],
      hints = { "none: the first record that fails conversion kills the task; its status carries the trace.",
                "all: the bad record is skipped; the others reach the file." },
      check = function(ctx)
        local strict, trace = task_state(ctx, "orders-strict")
        if strict ~= "FAILED" then return false, "orders-strict should have failed on the malformed record" end
        if not (trace or ""):find("Tolerance exceeded in error handler", 1, true) then return false, "orders-strict failed for another reason" end
        if ctx.need("strict_reason", "string") ~= trace:match("^[^\n]*") then
          return false, "strict_reason: the first line of the task's trace"
        end
        local tolerant = task_state(ctx, "orders-tolerant")
        if tolerant ~= "RUNNING" then return false, "orders-tolerant should still run" end
        local lines = lines_of(worker(ctx):read_file("tolerant.txt"))
        if #lines ~= ctx.params.good_orders then return false, "tolerant.txt should hold every good order, and only those" end
        if ctx.need("tolerant_lines", "number") ~= #lines then return false, "tolerant_lines: count the lines of tolerant.txt" end
        return true
      end,
    },
    {
      id = "dlq",
      title = "A dead letter queue with the error's context",
      points = 3,
      text = [[
Create "orders-dlq", like orders-tolerant (file dlq.txt), with
  ["errors.deadletterqueue.topic.name"] = "dlq-orders", ["errors.deadletterqueue.context.headers.enable"] = true
Run the simulation, read dlq-orders from the beginning and report the bad record's value and two headers:
  lab.answer("dlq_value", r.value)
  lab.answer("stage", r.headers["__connect.errors.stage"])
  lab.answer("exception", r.headers["__connect.errors.exception.class.name"])]],
      hints = { "The dead letter queue holds the record's original bytes; its headers say where and why it failed." },
      check = function(ctx)
        local records = ctx.records("dlq-orders")
        if #records ~= 1 then return false, "dlq-orders should hold exactly the malformed record" end
        local r = records[1]
        if ctx.need("dlq_value", "string") ~= r.value then return false, "dlq_value: the value of the record in dlq-orders" end
        if ctx.need("stage", "string") ~= r.headers["__connect.errors.stage"] then return false, "stage: read the __connect.errors.stage header" end
        if ctx.need("exception", "string") ~= "org.apache.kafka.connect.errors.DataException" then
          return false, "exception: read the __connect.errors.exception.class.name header"
        end
        return true
      end,
    },
    {
      id = "sqlite",
      title = "A JDBC sink filling an SQLite table",
      points = 2,
      text = [[
Send lab.params.customers customers to topic customers, keyed by their id ("c1", "c2", ...), each value a
JsonConverter envelope with a schema:
  {"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"name"}]},"payload":{"name":"..."}}
then send a second version of customer c1 (a new name). Create "customers-db" with
  ["connector.class"] = "io.confluent.connect.jdbc.JdbcSinkConnector", ["connection.url"] = "jdbc:sqlite:shop.db",
  ["auto.create"] = true, ["insert.mode"] = "upsert", ["pk.mode"] = "record_key", ["pk.fields"] = "id",
  ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter"
Run the simulation and report what the table holds (w:sql("shop.db", "SELECT ...")):
  lab.answer("rows", <number of rows>); lab.answer("c1", <c1's name in the table>)]],
      hints = { "upsert with a primary key from the record key keeps one row per key: the latest." },
      check = function(ctx)
        local rows = worker(ctx):sql("shop.db", "SELECT id, name FROM customers ORDER BY id")
        if not rows then return false, "there is no table customers in shop.db yet" end
        if #rows ~= ctx.params.customers then return false, "the table should hold one row per customer" end
        local c1
        for _, row in ipairs(rows) do if row.id == "c1" then c1 = row.name end end
        local last
        for _, r in ipairs(ctx.records("customers")) do if r.key == "c1" then last = r.value end end
        if not last or not last:find(c1 or "\0", 1, true) then return false, "c1's row should hold its latest name" end
        if ctx.need("rows", "number") ~= #rows then return false, "rows: count the rows of the table" end
        if ctx.need("c1", "string") ~= c1 then return false, "c1: the name the table holds for c1" end
        return true
      end,
    },
  },
}
