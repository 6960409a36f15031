-- expect: klab cut [0-9]+ bytes
-- A 12 MB error message (of characters every format escapes): the report keeps --output-bytes of it.
error(("\1\"<&\n"):rep(2400 * 1000), 0)
