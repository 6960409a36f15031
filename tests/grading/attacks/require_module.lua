-- expect: global .require.
local os_module = require("os")
os_module.execute("true")
