"""``mrkg bench``: the build and every named query on Oxigraph versus rdflib, at several scales.

* ``run``           one benchmark run -> a JSON-ready dict
* ``scale``         synthetic scale-ups (record IRIs renamed per copy), streamed
* ``children``      the build and the Oxigraph loads, each in its own process
* ``rdflib_worker`` rdflib's engine parsed once, each query in a forked child with a timeout
* ``measure``       timing and the rows' parity check
* ``report``        the issue's targets and the table
* ``machine``       the machine description

See docs/benchmarks.md for what is measured and how to read it.
"""

from mrkg.bench.run import run_benchmark

__all__ = ["run_benchmark"]
