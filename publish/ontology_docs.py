"""The ontology's documentation in a release: ``ontology.html`` (pyLODE) for its classes and
properties, ``vocabularies.html`` for its controlled vocabularies (SKOS concept schemes).

pyLODE takes every ``skos:ConceptScheme`` of the graph for the ontology itself: it glued the
schemes' labels into the page's title and gave the last scheme's IRI as the ontology's. It is
given the ontology without its schemes' ``rdf:type skos:ConceptScheme`` (a view for the
documentation only; the released ``mrkg-ontology.ttl`` is unchanged), and it documents classes
and properties but not individuals, so the concepts get their own page, written here with every
piece of data escaped.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from mrkg.ontology import ONTOLOGY_FILE
from mrkg.ontology.namespace import ONTOLOGY_IRI, ONTOLOGY_NS


def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def ontology_html() -> str:
    import logging

    # pyLODE configures the root logger to DEBUG when imported; keep the caller's logging as it was.
    level, handlers = logging.root.level, list(logging.root.handlers)
    from pylode import OntPub
    logging.root.setLevel(level)
    for handler in logging.root.handlers[:]:
        if handler not in handlers:
            logging.root.removeHandler(handler)

    class ReproducibleOntPub(OntPub):
        # pyLODE writes its schema.org block with rdflib's JSON-LD serialiser, which walks the
        # subjects as a set: their order changes with every process's string hash seed.
        def _make_schema_org(self):
            block = _SortedJsonLdGraph()
            for triple in super()._make_schema_org():
                block.add(triple)
            return block

    # Removed from a freshly parsed graph, not copied into a new one: pyLODE lists terms in the
    # graph's order, and a copy would take the order of a set walk (different in every process).
    view = ontology_graph()
    for scheme in [s for s in view.subjects(RDF.type, SKOS.ConceptScheme) if s != ONTOLOGY_IRI]:
        view.remove((scheme, RDF.type, SKOS.ConceptScheme))
    # A parsed graph, never a URL: pyLODE would fetch a URL.
    page = ReproducibleOntPub(ontology=view).make_html(include_css=True)
    pointer = ('<p>The controlled vocabularies (instrument types, consent types, policy areas, ...) and '
               'their concepts: <a href="vocabularies.html">vocabularies.html</a>.</p>')
    return page.replace("<h2>Metadata</h2>", pointer + "\n        <h2>Metadata</h2>", 1)


class _SortedJsonLdGraph(Graph):
    """A graph whose JSON-LD is written in a fixed order: nodes by ``@id``, values by their text."""

    def serialize(self, destination=None, format: str = "turtle", **kwargs):
        if format != "json-ld" or destination is not None:
            return super().serialize(destination, format, **kwargs)
        nodes = json.loads(super().serialize(format="json-ld", **kwargs))

        def ordered(value, in_sequence: bool = False):
            if isinstance(value, dict):
                return {key: ordered(value[key], key == "@list") for key in sorted(value)}
            if isinstance(value, list):
                items = [ordered(item) for item in value]
                # an RDF list's order is data; any other array is a set of values
                return items if in_sequence else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
            return value

        return json.dumps(ordered(nodes), indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class Term:
    iri: str
    label: str
    definition: str
    notation: str = ""


def _english(graph: Graph, node, term) -> str:
    values = sorted(graph.objects(node, term), key=lambda v: (getattr(v, "language", None) not in ("en", None), str(v)))
    return str(values[0]) if values else ""


def _term(graph: Graph, node) -> Term:
    return Term(str(node), _english(graph, node, RDFS.label) or _english(graph, node, SKOS.prefLabel),
                _english(graph, node, SKOS.definition) or _english(graph, node, RDFS.comment),
                _english(graph, node, SKOS.notation))


def vocabularies(graph: Graph) -> list[tuple[Term, list[Term]]]:
    """Each concept scheme of the ontology with its concepts, sorted by label."""
    schemes = sorted({s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if s != ONTOLOGY_IRI})
    found = []
    for scheme in schemes:
        concepts = sorted((_term(graph, c) for c in set(graph.subjects(SKOS.inScheme, scheme))),
                          key=lambda t: (t.label.casefold(), t.iri))
        found.append((_term(graph, scheme), concepts))
    return sorted(found, key=lambda item: (item[0].label.casefold(), item[0].iri))


def documented_terms(graph: Graph) -> dict[str, Term]:
    """Every class, property and concept the ontology defines in its own namespace."""
    kinds = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    nodes = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    nodes |= set(graph.subjects(SKOS.inScheme, None)) | set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    return {str(n): _term(graph, n) for n in nodes
            if isinstance(n, URIRef) and str(n).startswith(ONTOLOGY_NS)}


def _anchor(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def vocabularies_html(graph: Graph | None = None) -> str:
    graph = graph if graph is not None else ontology_graph()
    title = _english(graph, ONTOLOGY_IRI, DCTERMS.title) or _english(graph, ONTOLOGY_IRI, RDFS.label)
    e = html.escape
    contents, sections = [], []
    for scheme, concepts in vocabularies(graph):
        contents.append(f'    <li><a href="#{e(_anchor(scheme.iri))}">{e(scheme.label)}</a></li>')
        rows = "\n".join(
            f'      <tr id="{e(_anchor(c.iri))}"><td><code>{e(c.notation)}</code></td><td>{e(c.label)}</td>'
            f'<td>{e(c.definition)}</td><td><code>{e(c.iri)}</code></td></tr>' for c in concepts)
        sections.append(f"""  <section id="{e(_anchor(scheme.iri))}">
    <h2>{e(scheme.label)}</h2>
    <p><code>{e(scheme.iri)}</code></p>
    <p>{e(scheme.definition)}</p>
    <table>
      <tr><th>notation</th><th>label</th><th>definition</th><th>IRI</th></tr>
{rows}
    </table>
  </section>""")
    contents_list = "\n".join(contents)
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(title)}: controlled vocabularies</title>
  <style>body {{ font-family: sans-serif; max-width: 72em; margin: 1em auto; }}
  table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 0.3em; vertical-align: top; }}</style>
</head>
<body>
  <h1>{e(title)}: controlled vocabularies</h1>
  <p>Ontology <code>{e(str(ONTOLOGY_IRI))}</code>; its classes and properties are documented in
     <a href="ontology.html">ontology.html</a>. Each concept scheme below lists its concepts with their
     notation (the value used in the source files and query parameters), label and definition.</p>
  <ul>
{contents_list}
  </ul>
{body}
</body>
</html>
"""
