-- A plausible wrong attempt at lab 12: it takes the group with the largest lag at the first sample
-- (not the latest), counts under-replication as the whole run, and reports every election in the
-- cluster (the __consumer_offsets partitions too).
local first = inspect.sql([[
  SELECT group_id FROM group_lag WHERE sample_id = (SELECT MIN(sample_id) FROM group_lag)
  ORDER BY lag DESC LIMIT 1]])[1].group_id
lab.answer("lagging_group", first)
lab.answer("lag_over_100_since_ms", 0)
local durations = {}
for p = 0, 2 do durations["payments-" .. p] = cluster:now() end
lab.answer("under_replicated_ms", durations)
local times = {}
for _, row in ipairs(inspect.sql("SELECT time_ms FROM leader_elections ORDER BY time_ms")) do times[#times + 1] = row.time_ms end
lab.answer("election_times_ms", times)
