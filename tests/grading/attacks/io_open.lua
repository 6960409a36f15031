-- expect: global .io.
local f = io.open("/etc/passwd")
lab.answer("passwd", f:read("a"))
