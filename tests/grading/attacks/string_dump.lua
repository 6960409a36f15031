-- expect: field .dump.
string.dump(function() end)
