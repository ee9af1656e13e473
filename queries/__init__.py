"""Named SPARQL queries (.rq files) and the library that loads and runs them."""
