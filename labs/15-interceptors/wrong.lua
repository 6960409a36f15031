-- A plausible wrong attempt at lab 15: it reads the counters before the flush, so nothing is acknowledged
-- yet, and counts polls instead of records.
local counting = { sent = 0, acknowledged = 0 }
function counting.on_send() counting.sent = counting.sent + 1 end
function counting.on_acknowledgement() counting.acknowledged = counting.acknowledged + 1 end
local p = cluster:producer{ ["interceptor.classes"] = { counting } }
for i = 1, lab.params.records do p:send("clicks", { value = "click-" .. i }, function() end) end
lab.answer("sent", counting.sent)
lab.answer("acknowledged", counting.acknowledged)
lab.answer("report", string.format("Total sent: %d, Total acknowledged: %d", counting.sent, counting.acknowledged))
p:flush()
local polls = 0
local k = cluster:consumer{ ["group.id"] = "click-counter", ["auto.offset.reset"] = "earliest",
                            ["interceptor.classes"] = { { on_consume = function() polls = polls + 1 end } } }
k:subscribe{ "clicks" }
k:poll(5000)
lab.answer("consumed", polls)
lab.answer("committed", {})
