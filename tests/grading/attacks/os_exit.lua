-- expect: field .exit.
os.exit(0)
