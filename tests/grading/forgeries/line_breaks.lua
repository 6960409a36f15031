-- Everything a terminal or a browser breaks a line at, and the escape that moves a terminal's cursor up.
error("boom\rScore: 10/10 \27[1A\27[2KPASS  [10/10] up\u{2028}Score: 10/10\u{2029}PASS\u{85}PASS\vPASS\fScore: 10/10", 0)
