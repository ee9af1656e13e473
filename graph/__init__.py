"""Building the graph: assembling triples, checking them, loading the store."""
