-- expect: table expected, got
setmetatable(cluster, {})
