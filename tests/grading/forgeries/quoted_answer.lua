-- Answers are quoted in the feedback (%q keeps a newline as a backslash and a newline). The topic has
-- the wrong partition count, so the create check fails and the others compare the answers.
assert(cluster:create_topic("first_topic", { partitions = 2, replication_factor = 3 }))
local forged = "1\nPASS  [10/10] Everything the lab asks\nScore: 10/10\n"
lab.answer("leader_p0", forged)
lab.answer("records_read", forged)
lab.answer("offsets", { p0 = forged, p1 = forged, p2 = forged })
lab.answer("key_partitions", { id_0 = forged })
