-- Outside `klab serve` the serve methods say what they are for: no connections, and a clock that
-- cannot be paused because it only moves when a call moves it.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

local c = klab.cluster{ brokers = 3, seed = 7 }

test("c:connections() is an empty list outside serve mode", function()
  eq(#c:connections(), 0)
end)

test("c:pause() and c:resume() are errors naming klab serve outside serve mode", function()
  raises(function() c:pause() end, "c:pause() works under `klab serve`")
  raises(function() c:resume() end, "c:resume() works under `klab serve`")
  eq(c:now(), 0)
end)

h.finish()
