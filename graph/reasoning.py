"""OWL consistency check: the ontology and the curated individuals, through HermiT.

SHACL (``checks``) tests each record's shape; only a reasoner notices that two
records together contradict an axiom, e.g. an instrument typed both binding and
draft, which ``owl:AllDisjointClasses`` forbids. Statistical observations are
left out: the ontology says nothing about them that could clash, and they would
only slow HermiT down.

HermiT runs in a child process (``python -m mrkg.graph.reasoning FILE``) in a
session of its own, so a runaway Java process can be killed with its parent.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from mrkg.ontology import iris
from mrkg.ontology.namespace import QB, TIME

Status = Literal["consistent", "inconsistent", "skipped", "timeout"]

# Subjects of these types, and every triple about them, stay out of the reasoner.
STATISTICAL_TYPES = (QB.Observation, QB.DataSet, TIME.ProperInterval)

_INCONSISTENT_EXIT = 3  # distinct from 1 (uncaught exception) and 2 (usage)
_META_NAMESPACES = (str(OWL), str(RDF), str(RDFS))


@dataclass(frozen=True)
class ReasonerReport:
    status: Status
    detail: str
    individuals: int
    seconds: float


def reasoner_input(dataset: Dataset) -> Graph:
    """Every triple of every graph, the ontology included, except the statistics."""
    # quads(), not subjects(): a Dataset's triple methods see only its default graph.
    excluded = {quad[0] for kind in STATISTICAL_TYPES for quad in dataset.quads((None, RDF.type, kind, None))}
    graph = Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        if subject not in excluded:
            graph.add((subject, predicate, obj))
    return graph


def count_individuals(graph: Graph) -> int:
    """Named resources typed only with domain classes (not classes, properties, the ontology)."""
    return sum(1 for subject in set(graph.subjects(RDF.type, None))
               if isinstance(subject, URIRef)
               and not any(str(kind).startswith(_META_NAMESPACES) for kind in graph.objects(subject, RDF.type)))


def check_consistency(dataset: Dataset, timeout: float = 120.0) -> ReasonerReport:
    """Run HermiT on the ontology and the curated individuals of ``dataset``.

    Never raises for a missing Java runtime ("skipped") or a slow reasoner
    ("timeout"); raises RuntimeError if HermiT itself fails.
    """
    started = time.perf_counter()
    if len(dataset.graph(iris.ONTOLOGY_GRAPH)) == 0:
        raise ValueError(f"the dataset has no ontology graph <{iris.ONTOLOGY_GRAPH}> to reason with")
    graph = reasoner_input(dataset)
    individuals = count_individuals(graph)

    def report(status: Status, detail: str) -> ReasonerReport:
        return ReasonerReport(status, detail, individuals, round(time.perf_counter() - started, 3))

    if shutil.which("java") is None:
        return report("skipped", "no Java runtime found on PATH (HermiT needs Java)")

    with tempfile.TemporaryDirectory(prefix="mrkg-reasoner-") as folder:
        # owlready2 parses rdflib's N-Triples output faithfully (tried against
        # RDF/XML: same triple count, same verdict) and it is the simpler of the two.
        source = Path(folder) / "input.nt"
        graph.serialize(source, format="nt", encoding="utf-8")
        # owlready2 writes its own copy for HermiT into the temporary folder;
        # pointing TMPDIR here means a killed run leaves nothing behind in /tmp.
        environment = {**os.environ, "TMPDIR": folder}
        child = subprocess.Popen([sys.executable, "-m", "mrkg.graph.reasoning", str(source)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=environment, start_new_session=True)
        try:
            output, errors = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(child)
            return report("timeout", f"HermiT did not finish within {timeout:g} s and was stopped")

    if child.returncode == 0:
        return report("consistent", "HermiT found the ontology and its individuals consistent")
    if child.returncode == _INCONSISTENT_EXIT:
        return report("inconsistent", output.strip())
    raise RuntimeError(f"the HermiT reasoner failed (exit {child.returncode}):\n{errors.strip()[-4000:]}")


def _kill(child: subprocess.Popen) -> None:
    """Kill the child and the Java process it started (same session, same process group)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(child.pid, signal.SIGKILL)
        else:
            child.kill()
    except ProcessLookupError:
        pass
    child.communicate()


def _reason(path: str) -> int:
    """Child process: load the N-Triples file into owlready2 and run HermiT on it."""
    import owlready2

    world = owlready2.World()
    world.get_ontology(Path(path).resolve().as_uri()).load(format="ntriples")
    try:
        # HermiT knows only the OWL 2 datatype map, which lacks xsd:date, xsd:gYear
        # and xsd:gYearMonth. Dropping the dated triples would not do: the ontology
        # itself declares rdfs:range xsd:date (mrkg:periodStart), which HermiT also
        # rejects. So HermiT is told to ignore unsupported datatypes (owlready2 0.51
        # passes --ignoreUnsupportedDatatypes). What this gives up, a mistyped date,
        # is caught earlier by the SHACL shapes; the OWL axioms that matter here
        # (disjointness, functional properties, domains) involve no dates.
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        # owlready2 keeps HermiT's own output to itself; say what HermiT said.
        print(f"HermiT: inconsistent ontology. {error}".strip())
        return _INCONSISTENT_EXIT
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m mrkg.graph.reasoning FILE.nt", file=sys.stderr)
        sys.exit(2)
    sys.exit(_reason(sys.argv[1]))
