"""Stage 9 of the build (graph/build.py, "rank"): a place's partner countries ranked per measure, year,
source and document.

``top-partners`` ranks the partners of one country for one measure and year, ``group-total`` adds up
some of them, and ``partner-years`` counts them per measure and source. Each had to start from all of
the country's figures (about 1,400 into Russia, every measure and year) and test each one's measure
and period: for ``top-partners`` some 4,500 index lookups, 30 ms on the on-disk store, for a ranking
of 148 figures. So the build writes each ranking as a resource (``mrkg:PartnerRanking``) that names
its place, the partners' role, the measure, the year, the document and the statistical source, and
lists its figures as an ``rdf:Seq`` does, largest first (``rdf:_1``, ``rdf:_2``, ...). The queries
find the rankings of their parameters from the place and read a figure's rank from the property that
lists it, so ``top-partners`` reads the rest of a row only for the first ``n``.

A ranking holds what the query ranks, and only that: figures with an origin and a destination whose
other end is a country, grouped by the place, the partners' role, the measure, the year in which the
reference period starts, the statistical source (or none) and the document; ordered by value, largest
first, then by the partner's code, then by the figure's IRI (which the query left open before).
``tests/test_partner_rankings.py`` checks every ranking against the figures on the whole graph.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mrkg.graph.compare import Comparable
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

RANKINGS_GRAPH = iris.graph("rankings")
_STATISTICAL_SOURCE = str(iris.entity("statistical-source", ""))
_ROLES = {str(MRKG.origin): "origins", str(MRKG.destination): "destinations"}


class Ranking(NamedTuple):
    place: str
    role: str  # the partners' property: mrkg:origin or mrkg:destination
    measure: str
    year: int
    source: str  # the statistical source, or the document where none is named
    dataset: str  # the document's identifier
    document: str
    figures: tuple[str, ...]  # largest first

    @property
    def node(self) -> URIRef:
        source = self.source[len(_STATISTICAL_SOURCE):] if self.source.startswith(_STATISTICAL_SOURCE) else "unattributed"
        return iris.entity("ranking", _tail(self.place), _ROLES[self.role], _tail(self.measure), str(self.year),
                           self.dataset, source)


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def rankings(dataset: Dataset, figures: Iterable[Comparable]) -> list[Ranking]:
    """Every partner ranking of ``figures`` (``compare.all_figures``), in IRI order."""
    dataset = Dataset(store=dataset.store, default_union=True)  # types and identifiers live in named graphs

    @lru_cache(maxsize=None)
    def country_code(place: str) -> str | None:
        node = URIRef(place)
        if (node, RDF.type, MRKG.Country) not in dataset:
            return None
        code = dataset.value(node, DCTERMS.identifier)
        return None if code is None else str(code)

    @lru_cache(maxsize=None)
    def start_year(period: str) -> int | None:
        start = dataset.value(URIRef(period), MRKG.periodStart)
        return None if start is None else int(str(start)[:4])

    @lru_cache(maxsize=None)
    def identifier(node: str) -> str | None:
        value = dataset.value(URIRef(node), DCTERMS.identifier)
        return None if value is None else str(value)

    groups: dict[tuple, list[tuple]] = defaultdict(list)
    origin_role, destination_role = str(MRKG.origin), str(MRKG.destination)
    for figure in figures:
        origin, destination = figure.places[0], figure.places[1]
        if origin is None or destination is None or not figure.document:
            continue
        year = figure.year if figure.year is not None else start_year(figure.period)
        name = identifier(figure.document)
        if year is None or name is None:
            continue
        value = Decimal(figure.shown_value)
        for place, role, partner in ((destination, origin_role, origin), (origin, destination_role, destination)):
            code = country_code(partner)
            if code is not None:
                groups[(place, role, figure.measure, year, figure.source, name, figure.document)].append(
                    (-value, code, figure.node))
    found = [Ranking(*key, tuple(node for *_, node in sorted(members))) for key, members in groups.items()]
    return sorted(found, key=lambda ranking: str(ranking.node))


def nquads(found: Iterable[Ranking]) -> Iterator[str]:
    """N-Quads lines (without newline) of the rankings, in no particular order."""
    found = list(found)
    if found:
        yield _LABEL
    for ranking in found:
        yield from _lines(ranking)


def sorted_blocks(found: Iterable[Ranking]) -> Iterator[tuple[str, list[str]]]:
    """The lines of ``nquads`` subject by subject in the dump's order (``"<subject> "``, sorted lines),
    each ranking's made when it is reached: the dump merges them in without holding 260,000 lines."""
    keyed = [(f"<{ranking.node}> ", ranking) for ranking in found]
    if keyed:
        keyed.append((_LABEL[: _LABEL.index(" ") + 1], None))
    for key, ranking in sorted(keyed, key=lambda item: item[0]):
        yield key, sorted(_lines(ranking)) if ranking is not None else [_LABEL]


_GRAPH = f"<{RANKINGS_GRAPH}>"
_LABEL = (f'{_GRAPH} <{RDFS.label}> "Partner countries ranked per place, measure, year and source, written by '
          f'mrkg build from the figures"@en <{iris.REFERENCE_GRAPH}> .')
_HEAD = (f"<{RDF.type}> <{MRKG.PartnerRanking}>", f"<{MRKG.rankedPlace}>", f"<{MRKG.partnerRole}>",
         f"<{MRKG.rankedMeasure}>", f"<{MRKG.rankingYear}>", f"<{MRKG.rankedDocument}>", f"<{MRKG.rankedSource}>")


def _lines(ranking: Ranking) -> Iterator[str]:
    """Every IRI comes from iris.py: none needs escaping."""
    node, graph, head = f"<{ranking.node}>", _GRAPH, _HEAD
    yield f"{node} {head[0]} {graph} ."
    yield f"{node} {head[1]} <{ranking.place}> {graph} ."
    yield f"{node} {head[2]} <{ranking.role}> {graph} ."
    yield f"{node} {head[3]} <{ranking.measure}> {graph} ."
    yield f'{node} {head[4]} "{ranking.year}"^^<{XSD.integer}> {graph} .'
    yield f"{node} {head[5]} <{ranking.document}> {graph} ."
    if ranking.source.startswith(_STATISTICAL_SOURCE):
        yield f"{node} {head[6]} <{ranking.source}> {graph} ."
    member = str(RDF)
    for rank, figure in enumerate(ranking.figures, start=1):
        yield f"{node} <{member}_{rank}> <{figure}> {graph} ."
