-- expect: at most 16 clusters
local keep = {}
for i = 1, 100 do keep[i] = klab.cluster{} end
