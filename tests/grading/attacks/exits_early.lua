-- expect: there is no topic first_topic
do return end
lab.answer("leader_p0", 1)
