"""Reviewed decisions that two instruments are, or are not, possibly the same: ``curated/matches.yaml``.

The match table's merging entries (rows of the treaty tables that are one treaty, or a curated
instrument) are applied by the treaty-table loaders (``treaty_tables``). This module reads the
two kinds of entry that name instruments by identifier, once every instrument is known:

* ``close: [a, b]``: the evidence that ``a`` and ``b`` are one real instrument is not conclusive.
  They stay two entities, linked both ways by ``skos:closeMatch``, each with the reason as a note;
  CURATION.md lists every such pair (a test keeps the list complete).
* ``different: [a, b]``: the pair has the same parties and year, was reviewed, and is two
  instruments (``owl:differentFrom``), so the duplicate report (``mrkg query
  duplicate-candidates``) no longer lists it.

The statements go to their own named graph, ``graph/matches``: they are mrkg's editorial
decisions, not a source's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from rdflib import Literal
from rdflib.namespace import OWL, SKOS

from mrkg.loaders import treaty_tables as tt
from mrkg.loaders.base import Located
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.ontology import iris

KIND = "instrument-match"
GRAPH = iris.MATCHES_GRAPH


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[tt.MatchRecord]]:
    if not (root / tt.MATCH_FILE).is_file():
        return
    table = tt.match_table(root, registry, problems)
    seen: dict[frozenset, int] = {}
    for located in table.entries:
        record = located.record
        if record.pair is None:
            continue
        field = "close" if record.close is not None else "different"
        unknown = [i for i in record.pair if not registry.has("instrument", i)]
        if unknown:
            problems.add(table.file, located.line, " + ".join(record.pair), field,
                         "; ".join(registry.unknown("instrument", repr(i), i) for i in unknown),
                         "identifiers of instruments (mrkg list instruments)")
            continue
        pair = frozenset(record.pair)
        if pair in seen:
            problems.add(table.file, located.line, " + ".join(record.pair), field,
                         f"the pair is already decided on line {seen[pair]}", "one decision per pair")
            continue
        seen[pair] = located.line
        yield Located(GRAPH, None, record, located.file, located.line)


def triples(located: Located[tt.MatchRecord]) -> Iterator[tuple]:
    record = located.record
    a, b = (iris.instrument(i) for i in record.pair)
    if record.close is not None:
        link, words = SKOS.closeMatch, "Possibly the same instrument as {other} (a close match, not merged): "
    else:
        link, words = OWL.differentFrom, "Reviewed: not the same instrument as {other}, although the parties " \
                                         "and the year are the same: "
    for this, other, other_id in ((a, b, record.pair[1]), (b, a, record.pair[0])):
        yield this, link, other
        yield this, SKOS.editorialNote, Literal(words.format(other=other_id) + record.reason, lang="en")
