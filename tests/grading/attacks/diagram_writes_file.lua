-- expect: a graded script cannot write files
cluster:create_topic("first_topic", { partitions = 3 })
klab.diagram(cluster, "first_topic", "/tmp/klab-graded-script-wrote-this.svg")
