-- expect: klab cut [0-9]+ bytes
-- A 10 MB answer, quoted back in the feedback of the checks that compare it.
assert(cluster:create_topic("first_topic", { partitions = 2, replication_factor = 3 }))
local huge = ("\"<&\n"):rep(2500 * 1000)
lab.answer("leader_p0", huge)
lab.answer("records_read", huge)
