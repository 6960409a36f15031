-- Reference solution of lab 12 (klab lab check 12 labs/12-monitoring/solution.lua): every answer is a
-- query on the inspector's recording, nothing hard-coded.
local worst = inspect.sql([[
  SELECT group_id FROM group_lag WHERE sample_id = (SELECT MAX(sample_id) FROM group_lag)
  ORDER BY lag DESC LIMIT 1]])[1].group_id
print(inspect.plot("SELECT time_ms, group_id, lag FROM group_lag"))
lab.answer("lagging_group", worst)
lab.answer("lag_over_100_since_ms",
  inspect.sql("SELECT MIN(time_ms) AS t FROM group_lag WHERE group_id = '" .. worst .. "' AND lag > 100")[1].t)

local durations = {}
for _, row in ipairs(inspect.sql([[
    SELECT partition,
           MAX(CASE WHEN kind = 'IsrExpand' THEN time_ms END) - MIN(CASE WHEN kind = 'IsrShrink' THEN time_ms END) AS ms
    FROM events WHERE topic = 'payments' AND kind IN ('IsrShrink', 'IsrExpand')
    GROUP BY partition HAVING MIN(CASE WHEN kind = 'IsrShrink' THEN time_ms END) IS NOT NULL]])) do
  durations["payments-" .. row.partition] = row.ms
end
lab.answer("under_replicated_ms", durations)

local times = {}
for _, row in ipairs(inspect.sql("SELECT time_ms FROM leader_elections WHERE topic = 'payments' ORDER BY time_ms")) do
  times[#times + 1] = row.time_ms
end
lab.answer("election_times_ms", times)
