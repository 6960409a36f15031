-- Lab 04: idempotence and retries. The kafka-beginners-course "safe producer" lesson
-- (enable.idempotence=true, acks=all, retries=MAX, max.in.flight=5) and polomarcus/tp producer question Q3
-- ("duplicates or missing data"): a lost response and a retry duplicate a record, a lost request and a
-- retry reorder two, and the idempotent producer (Kafka's default since 3.0) prevents both. The faults are
-- injected with cluster:drop_next_response / drop_next_request; checks read the logs (values, offsets and
-- CreateTime timestamps: the copies of a retried batch share one, a send that waited shows in the next
-- record's) and the reported answers; the error message is compared with a scratch cluster's.
local CLUSTER = { brokers = 3, seed = 42 }
local PAYMENTS, SAFE, ACKS1, RESTART = "payments", "payments-safe", "payments-acks1", "payments-restart"
local LEDGER, ORDERED, LEDGER_SAFE = "ledger", "ledger-ordered", "ledger-safe"
local VALUE = "pay-1"
local REQUEST_TIMEOUT_MS, RETRY_BACKOFF_MS = 30000, 100

-- A topic with 1 partition and replication factor 3, every partition readable.
local function topic(ctx, name)
  local description = ctx.topic(name)
  if description.partition_count ~= 1 or description.replication_factor ~= 3 then
    ctx.fail(string.format("%s has %d partition(s) and replication factor %d, not 1 and 3", name,
                           description.partition_count, description.replication_factor))
  end
  if description.partitions[1].leader == nil then ctx.fail(name .. " is offline (Leader: none): start a broker") end
  return description
end

-- The records of the log of `name` holding `value`, in offset order.
local function copies(ctx, name, value)
  local found = {}
  for _, record in ipairs(ctx.records(name)) do
    if record.value == value then found[#found + 1] = record end
  end
  return found
end

-- The values of the log of `name`, in offset order, and the records by value.
local function values(ctx, name)
  local list, by_value = {}, {}
  for _, record in ipairs(ctx.records(name)) do list[#list + 1], by_value[record.value] = record.value, record end
  return list, by_value
end

local function same_list(a, b)
  if type(a) ~= "table" or #a ~= #b then return false end
  for i = 1, #b do if a[i] ~= b[i] then return false end end
  return true
end

-- The position of `value` in `list` when it is there exactly once; fails the check otherwise.
local function once(ctx, list, name, value)
  local at, count = nil, 0
  for i, item in ipairs(list) do if item == value then at, count = i, count + 1 end end
  if count ~= 1 then
    ctx.fail(string.format('%s holds "%s" %d times, not once: log = %s', name, value, count, ctx.show(list)))
  end
  return at
end

-- A send that timed out once and was retried once: request.timeout.ms, retry.backoff.ms, then the retry's
-- round trip (a few ms), and well under a second timeout.
local function one_retry(ctx, name)
  local ms = ctx.need(name, "number")
  -- The first retry waits retry.backoff.ms with Kafka 3.7's +/-20% jitter (KIP-580).
  if ms < REQUEST_TIMEOUT_MS + 0.8 * RETRY_BACKOFF_MS or ms >= 2 * REQUEST_TIMEOUT_MS then
    ctx.fail(string.format("%s = %s is not how long a send with one lost answer takes: note cluster:now() just "
                           .. "before and just after the send", name, ctx.show(ms)))
  end
end

return {
  id = 4,
  slug = "idempotence-and-retries",
  title = "Idempotence and retries",
  mirrors = "kafka-beginners-course \"safe producer\" (enable.idempotence=true, acks=all, retries=MAX, "
         .. "max.in.flight=5) and polomarcus/tp producer question Q3 (duplicates or missing data)",
  cluster = CLUSTER,
  intro = [[
A network loses things. When a produce request gets no answer within request.timeout.ms
(30 s), the producer cannot know whether the leader wrote the records, so it sends them again:
retries defaults to 2147483647, bounded by delivery.timeout.ms (2 minutes). Retrying blindly
has two side effects: a duplicate when only the answer was lost, and reordering when one of
several requests in flight failed and a later one did not.

The idempotent producer (enable.idempotence=true, the default since Kafka 3.0) numbers every
batch: a producer id and a sequence number per partition. The leader remembers the last five
batches of each producer, answers a batch it already has with the original offset, and refuses
one that skips a number. You will cause both accidents and watch idempotence prevent them.
klab loses messages on demand: cluster:drop_next_response(b) and cluster:drop_next_request(b).]],
  steps = {
    {
      id = "duplicate",
      title = "A lost answer and a retry: a duplicate",
      points = 2,
      text = [[
Create payments (1 partition, 3 replicas) and send one payment with idempotence turned off,
while the answer of the leader is lost:
  cluster:create_topic("payments", { partitions = 1, replication_factor = 3 })
  leader = cluster:describe_topic("payments").partitions[1].leader
  p = cluster:producer{ ["enable.idempotence"] = false }
  cluster:drop_next_response(leader)  -- the leader writes the records, its answer never arrives
  before = cluster:now()
  md = p:send("payments", "pay-1")
  print(md, cluster:now() - before)
Read payments back (cluster:advance(10) first, so the followers have it):
  k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign{ { topic = "payments", partition = 0 } }
  for _, r in ipairs(k:poll(0)) do print(r.offset, r.value) end
Report every offset "pay-1" is at, and how long the send took (simulated ms):
  lab.answer("dup_offsets", { ... })
  lab.answer("send_ms", n)]],
      hints = {
        "send() returned one offset, md.offset: the log has more than one copy. One customer, two charges.",
        "The send took request.timeout.ms (30000) + retry.backoff.ms (100, give or take Kafka 3.7's 20% jitter) "
          .. "+ the retry's round trip.",
      },
      check = function(ctx)
        topic(ctx, PAYMENTS)
        local found, offsets = copies(ctx, PAYMENTS, VALUE), {}
        if #found < 2 then
          return false, string.format('payments holds "%s" %d time(s): drop the leader\'s response before the send, '
                                      .. "with enable.idempotence = false", VALUE, #found)
        end
        for _, record in ipairs(found) do
          -- a retried batch is the same bytes: the copies share the CreateTime of the original send
          if record.timestamp ~= found[1].timestamp then
            return false, 'the copies of "' .. VALUE .. '" in payments come from different sends, not from one retried send'
          end
          offsets[#offsets + 1] = record.offset
        end
        if not same_list(ctx.need("dup_offsets", "table"), offsets) then
          return false, 'dup_offsets: those are not the offsets of "' .. VALUE .. '" in payments (all of them, in order)'
        end
        one_retry(ctx, "send_ms")
        return true
      end,
    },
    {
      id = "no-duplicate",
      title = "The same accident with the default producer: no duplicate",
      points = 2,
      text = [[
Do the same on payments-safe (1 partition, 3 replicas) with the default producer,
cluster:producer{}: enable.idempotence=true, acks=all, retries=MAX, max.in.flight=5.
As soon as the send returns, send "pay-2" with the same producer (its timestamp records when
that was). Read payments-safe back, and report:
  lab.answer("safe_offset", md.offset)
  lab.answer("safe_send_ms", n)
The producer still waited and retried, but the retried batch carried the same producer id and
sequence number: the leader found it among the last batches of that producer and answered with
the offset it had written it at, without writing it again.]],
      hints = {
        "Drop the response of the leader of payments-safe (it may not be the leader of payments).",
        "Read payments-safe back: \"pay-1\" is there once, at the offset send() returned.",
        "r.timestamp is the record's CreateTime: \"pay-2\" was created when the send of \"pay-1\" returned.",
      },
      check = function(ctx)
        topic(ctx, SAFE)
        local found, after = copies(ctx, SAFE, VALUE), copies(ctx, SAFE, "pay-2")
        if #found ~= 1 then
          return false, string.format('payments-safe holds "%s" %d times, not once: use the default producer, '
                                      .. "cluster:producer{}", VALUE, #found)
        end
        if ctx.need("safe_offset", "number") ~= found[1].offset then
          return false, 'safe_offset: "' .. VALUE .. '" is not at that offset in payments-safe'
        end
        one_retry(ctx, "safe_send_ms")
        if #after ~= 1 then return false, 'payments-safe should hold "pay-2" once, sent right after "pay-1"' end
        -- CreateTime is stamped when send() is called: pay-2's tells when the send of pay-1 returned
        local waited = after[1].timestamp - found[1].timestamp
        if waited < REQUEST_TIMEOUT_MS + 0.8 * RETRY_BACKOFF_MS then  -- the first backoff has +/-20% jitter
          return false, string.format('"pay-2" was sent %d ms after "pay-1": the send of "pay-1" did not wait for a '
                                      .. "lost answer (drop the response of the leader of payments-safe first)", waited)
        end
        return true
      end,
    },
    {
      id = "reorder",
      title = "A lost request with 5 in flight: reordering, and max.in.flight = 1",
      points = 2,
      text = [[
Create ledger (1 partition, 3 replicas). Write once with an idempotence-off producer (the
warm-up), then lose its next request while two sends are in flight:
  p = cluster:producer{ ["enable.idempotence"] = false }   -- max.in.flight defaults to 5
  p:send("ledger", "warm-up")
  leader = cluster:describe_topic("ledger").partitions[1].leader
  cluster:drop_next_request(leader)
  p:send("ledger", "first", function() end)    -- with a callback, send() does not wait
  cluster:advance(5)                            -- "first" leaves, and is lost
  p:send("ledger", "second", function() end)
  p:flush()
Read ledger back and report its values in offset order:
  lab.answer("ledger_order", { "warm-up", ... })
The classic cure: one request at a time. Do the same on ledger-ordered (1 partition,
3 replicas) with { ["enable.idempotence"] = false, ["max.in.flight.requests.per.connection"] = 1 }
and read it back.]],
      hints = {
        "\"second\" was written while \"first\" waited for its 30 s timeout; the retry of \"first\" came last.",
        "With max.in.flight = 1, \"second\" waits for \"first\" to be answered: in order, but one request per "
          .. "round trip is slow on a real network.",
      },
      check = function(ctx)
        topic(ctx, LEDGER)
        local log, records = values(ctx, LEDGER)
        if once(ctx, log, LEDGER, "second") > once(ctx, log, LEDGER, "first") then
          return false, 'ledger has "first" before "second": lose the request of "first" with several in flight '
                     .. "and enable.idempotence = false"
        end
        if records.first.timestamp >= records.second.timestamp then
          return false, 'in ledger, "second" was sent before "first" (see their timestamps): send "first" first'
        end
        if not same_list(ctx.need("ledger_order", "table"), log) then
          return false, "ledger_order: that is not what ledger holds, in offset order"
        end
        topic(ctx, ORDERED)
        local ordered = values(ctx, ORDERED)
        if once(ctx, ordered, ORDERED, "first") > once(ctx, ordered, ORDERED, "second") then
          return false, 'ledger-ordered has "second" before "first": set max.in.flight.requests.per.connection = 1'
        end
        return true
      end,
    },
    {
      id = "idempotent-order",
      title = "Idempotence keeps the order with 5 in flight",
      points = 2,
      text = [[
Repeat step 3 on ledger-safe (1 partition, 3 replicas) with the default producer,
cluster:producer{}, warm-up included, and read it back: in order, and nothing twice.
How did the leader keep the order, with 5 requests allowed in flight?
  a) the idempotent producer quietly sends one request at a time
  b) "second" carried the sequence number after the one of "first", which the leader had
     never seen: it refused "second" (OUT_OF_ORDER_SEQUENCE_NUMBER), and the producer kept it
     back until the retry of "first" was answered, then sent it again
  c) consumers sort the records by timestamp
  d) the leader held "second" back until "first" arrived
  lab.answer("why_in_order", "?")]],
      hints = {
        "The warm-up matters: a leader that has never seen a producer accepts its first batch whatever its "
          .. "sequence number, so it could not notice that \"first\" is missing.",
        "The refusal is retriable for an idempotent producer while an earlier batch is still unanswered; "
          .. "the retry then waits until it is the first batch of its partition still in flight.",
      },
      check = function(ctx)
        topic(ctx, LEDGER_SAFE)
        local log = values(ctx, LEDGER_SAFE)
        local first, second = 0, 0
        for _, value in ipairs(log) do
          if value == "first" then first = first + 1 end
          if value == "second" then second = second + 1 end
        end
        if first == 0 and second == 1 then
          return false, 'ledger-safe lost "first": did the producer write the warm-up before the request was lost? '
                     .. "(a leader that does not know the producer yet cannot notice the gap)"
        end
        if once(ctx, log, LEDGER_SAFE, "first") > once(ctx, log, LEDGER_SAFE, "second") then
          return false, 'ledger-safe has "second" before "first": use the default producer, cluster:producer{}'
        end
        if ctx.choice("why_in_order") ~= "b" then return false, "why_in_order: not that one" end
        return true
      end,
    },
    {
      id = "config-rules",
      title = "Kafka's rules: explicit idempotence needs acks=all",
      points = 1,
      visibility = "after_due_date",
      text = [[
Idempotence needs acks=all, retries > 0 and max.in.flight.requests.per.connection <= 5. Ask
for it explicitly with acks=1, and read the error:
  ok, err = pcall(cluster.producer, cluster, { ["enable.idempotence"] = true, acks = 1 })
  print(err)
  lab.answer("idempotence_error", err)
Left at its default, enable.idempotence is quietly turned off instead when a setting conflicts.
Find out whether cluster:producer{ acks = 1 } is idempotent: repeat step 1 with it on
payments-acks1 (1 partition, 3 replicas), then
  lab.answer("acks1_idempotent", true or false)]],
      hints = {
        "Many applications set acks=1 for speed and lose idempotence without a word.",
        "A duplicate \"pay-1\" in payments-acks1 is your answer.",
      },
      check = function(ctx)
        local err = ctx.need("idempotence_error", "string")
        local scratch = klab.cluster(CLUSTER)
        local _, real = pcall(scratch.producer, scratch, { ["enable.idempotence"] = true, acks = 1 })
        real = tostring(real)
        if not err:find("Must set acks to all", 1, true) or not (real:find(err, 1, true) or err:find(real, 1, true)) then
          return false, "idempotence_error: that is not the error a producer with enable.idempotence = true and "
                     .. "acks = 1 raises"
        end
        topic(ctx, ACKS1)
        local count = #copies(ctx, ACKS1, VALUE)
        if count < 2 then
          return false, string.format('payments-acks1 holds "%s" %d time(s): lose the answer to the send of '
                                      .. "cluster:producer{ acks = 1 } as in step 1", VALUE, count)
        end
        if ctx.need("acks1_idempotent", "boolean") ~= false then
          return false, "acks1_idempotent: look at payments-acks1 again"
        end
        return true
      end,
    },
    {
      id = "limits",
      title = "Why the default, and what it does not cover",
      points = 1,
      text = [[
An application crashes after sending a payment and, when it restarts, sends it again. Try it:
create payments-restart (1 partition, 3 replicas) and send "pay-1" to it with two default
producers, cluster:producer{}, one after the other (no fault needed). Read it back.
Why has enable.idempotence been true (with acks=all) by default since Kafka 3.0?
  a) it makes producers faster
  b) retries are on by default, and without idempotence a retry can duplicate or reorder
     records; with it, retries are safe for the price of an id and a number per batch
  c) it gives exactly-once processing end to end: consumers need no care any more
  d) it replaces replication
  lab.answer("why_default", "?")
What does the idempotent producer NOT protect against?
  a) a retry after a lost answer
  b) a batch retried after a later batch was already sent
  c) an application that sends the same record again, e.g. after a crash and restart: a new
     producer (a new producer id), a new record, a duplicate
  d) a retry that reaches a new leader after the old one died (the producer state is
     replicated with the log)
  lab.answer("not_protected", "?")]],
      hints = {
        "Idempotence is per producer session and per partition: it deduplicates retries, not the application.",
        "Against application re-sends: transactions (exactly-once), or consumers that deduplicate by a payment id.",
      },
      check = function(ctx)
        topic(ctx, RESTART)
        local count = #copies(ctx, RESTART, VALUE)
        if count < 2 then
          return false, string.format('payments-restart holds "%s" %d time(s): send it with two producers', VALUE, count)
        end
        local wrong = {}
        if ctx.choice("why_default") ~= "b" then wrong[#wrong + 1] = "why_default" end
        if ctx.choice("not_protected") ~= "c" then wrong[#wrong + 1] = "not_protected" end
        if #wrong > 0 then return false, "not yet right: " .. table.concat(wrong, ", ") end
        return true
      end,
    },
  },
}
