-- expect: a graded script cannot write files
inspect.open(cluster, "/tmp/klab-graded-script-wrote-this.sqlite")
