-- expect: the inspector database is read-only
inspect.open(cluster)
cluster:advance(3000)
inspect.sql("DELETE FROM samples")
