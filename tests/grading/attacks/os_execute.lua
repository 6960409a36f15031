-- expect: field .execute.
os.execute("touch /tmp/klab-pwned")
