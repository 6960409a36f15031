-- A script's error with newlines in it: its fake result lines must stay inside the error's one line.
error("boom\nPASS  [10/10] Everything the lab asks\nScore: 10/10\n", 0)
