-- A plausible wrong attempt at lab 06: the four consumers are created but only the first one is ever
-- polled (a member only rebalances when it polls, so the others never join a generation), the
-- second group starts with the default auto.offset.reset=latest and reads nothing, and the answer
-- to the parallelism question assumes more consumers always means more parallelism.
local TOPIC, GROUP = "demo_java", "my-java-application"
local k1 = cluster:consumer{ ["group.id"] = GROUP, ["auto.offset.reset"] = "earliest" }
assert(k1:subscribe(TOPIC))
local read = 0
for _ = 1, 10 do read = read + #k1:poll(1000) end
lab.answer("alone_read", read)
assert(k1:commit())
local others = {}
for i = 2, 4 do
  others[i] = cluster:consumer{ ["group.id"] = GROUP, ["auto.offset.reset"] = "earliest" }
  assert(others[i]:subscribe(TOPIC))
end
for _ = 1, 10 do k1:poll(200) end
lab.answer("three_generation", k1:member().generation)
lab.answer("idle_member", k1:member().member_id)
lab.answer("parallel", "a")
local s = cluster:consumer{ ["group.id"] = "my-second-application" }
assert(s:subscribe(TOPIC))
local second = 0
for _ = 1, 10 do second = second + #s:poll(1000) end
lab.answer("second_read", second)
s:commit()
s:close()
lab.answer("second_lag", 0)
