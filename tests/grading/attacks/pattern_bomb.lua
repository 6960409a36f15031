-- expect: stopped: wall-clock limit
-- Exponential backtracking inside string.find runs in C, out of reach of the instruction hook:
-- the grader ends the whole run.
string.find(("a"):rep(60), ("a?"):rep(60) .. ("a"):rep(60))
