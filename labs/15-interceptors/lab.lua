-- Lab 15: interceptors. Count what a producer sends and what the brokers acknowledge, and what a consumer
-- receives and commits, with interceptors listed in interceptor.classes — the producing and consuming code
-- stays as it is (the course's CountingProducerInterceptor: "Total sent: N, Total acknowledged: M").
return {
  id = 15,
  slug = "interceptors",
  title = "Interceptors: counting without touching the producer code",
  mirrors = "Kafka: The Definitive Guide, CountingProducerInterceptor (interceptor.classes)",
  cluster = { brokers = 3, seed = 42 },
  setup = function(c) assert(c:create_topic("clicks", { partitions = 3, replication_factor = 3 })) end,
  variant = function(k) return { params = { records = 20 + 7 * k } } end,
  intro = [[
An interceptor is a table of functions the client calls: on_send(record) and on_acknowledgement(metadata, err)
for a producer, on_consume(records) and on_commit(offsets) for a consumer. List them in the client's config:
  cluster:producer{ ["interceptor.classes"] = { my_interceptor } }
See help("interceptors").]],
  steps = {
    {
      id = "producer",
      title = "Count sent and acknowledged records",
      points = 3,
      text = [[
Write a counting interceptor (fields sent, acknowledged), give it to a producer through interceptor.classes,
send lab.params.records records to clicks with the producer code unchanged (p:send(...) in a loop, then
p:flush()), and report:
  lab.answer("sent", n); lab.answer("acknowledged", m)
  lab.answer("report", string.format("Total sent: %d, Total acknowledged: %d", n, m))]],
      hints = { "on_send runs inside p:send; on_acknowledgement when the broker answered, so only after a flush." },
      check = function(ctx)
        local total = #ctx.records("clicks")
        if total ~= ctx.params.records then return false, "send lab.params.records records to clicks" end
        if ctx.need("sent", "number") ~= total then return false, "sent: on_send counts every record sent" end
        if ctx.need("acknowledged", "number") ~= total then return false, "acknowledged: count in on_acknowledgement, after the flush" end
        local expected = string.format("Total sent: %d, Total acknowledged: %d", total, total)
        if ctx.need("report", "string") ~= expected then return false, "report: the interceptor's line, " .. expected end
        return true
      end,
    },
    {
      id = "consumer",
      title = "Count consumed records and commits",
      points = 2,
      text = [[
A consumer in group "click-counter" (auto.offset.reset=earliest, enable.auto.commit=false) with an
interceptor whose on_consume counts records and on_commit remembers the committed offsets. Poll until every
record was read, commit once with k:commit(), and report:
  lab.answer("consumed", n); lab.answer("committed", { p0 = offset, p1 = offset, p2 = offset })]],
      check = function(ctx)
        if ctx.need("consumed", "number") ~= ctx.params.records then return false, "consumed: on_consume sees every record polled" end
        local committed = ctx.need("committed", "table")
        for _, info in ipairs(ctx.topic("clicks").partitions) do
          if committed["p" .. info.partition] ~= info.high_watermark then
            return false, "committed: the offsets on_commit received, per partition"
          end
        end
        return true
      end,
    },
  },
}
