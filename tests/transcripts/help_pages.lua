-- help_topics.lua must load: a syntax error there once emptied every concept page silently.
help("time")
