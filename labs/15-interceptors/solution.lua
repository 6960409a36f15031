-- Reference solution of lab 15 (klab lab check 15 labs/15-interceptors/solution.lua).
local counting = { sent = 0, acknowledged = 0 }
function counting.on_send(record) counting.sent = counting.sent + 1 end
function counting.on_acknowledgement(metadata, err) counting.acknowledged = counting.acknowledged + 1 end

-- The producer code, unchanged: only its config names the interceptor.
local p = cluster:producer{ ["interceptor.classes"] = { counting } }
for i = 1, lab.params.records do p:send("clicks", { key = "user-" .. (i % 5), value = "click-" .. i }, function() end) end
p:flush()
local report = string.format("Total sent: %d, Total acknowledged: %d", counting.sent, counting.acknowledged)
print(report)
lab.answer("sent", counting.sent)
lab.answer("acknowledged", counting.acknowledged)
lab.answer("report", report)

local seen = { consumed = 0, committed = {} }
function seen.on_consume(records) seen.consumed = seen.consumed + #records end
function seen.on_commit(offsets)
  for _, o in ipairs(offsets) do seen.committed["p" .. o.partition] = o.offset end
end
local k = cluster:consumer{ ["group.id"] = "click-counter", ["auto.offset.reset"] = "earliest",
                            ["enable.auto.commit"] = false, ["interceptor.classes"] = { seen } }
k:subscribe{ "clicks" }
local read = 0
while read < lab.params.records do read = read + #k:poll(1000) end
assert(k:commit())
lab.answer("consumed", seen.consumed)
lab.answer("committed", seen.committed)
