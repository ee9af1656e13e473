"""``mrkg export --out DIR``: a release a linked-data catalogue can harvest.

Written from the embedded store's current generation (its sorted ``graph.nq`` and its database):

    mrkg.nq             N-Quads, sorted: one named graph per source (the build's own dump)
    mrkg.trig           TriG, the same quads, one named graph per source
    mrkg.nt             N-Triples of the union of the graphs, sorted and de-duplicated
    mrkg.ttl            Turtle of the union of the graphs
    mrkg.jsonld         JSON-LD of the dataset (named graphs kept)
    observations.csv    one row per observation, safe to open in a spreadsheet (see tidy.py)
    mrkg-ontology.ttl   the ontology;  mrkg-shapes.ttl  the SHACL shapes
    ontology.html       ontology documentation (pyLODE)
    void.ttl            VoID with counts computed on the store
    dataset.jsonld      schema.org Dataset;  index.html  a landing page carrying it
    dcat.ttl            DCAT-AP 3 catalog record: every file above with media type, size, SHA-256
    SHA256SUMS          checksums in the format `sha256sum -c` reads

Reproducible: two exports of one store, or of two builds of the same sources, are byte-identical.
The dumps keep the build's blank-node labels (see dumps.py); VoID and DCAT blank nodes are
labelled from their content (describe.py); pyLODE's JSON-LD block is written sorted; and no
file carries the time of the export: the DCAT ``dcterms:issued`` is ``$SOURCE_DATE_EPOCH``
(reproducible-builds.org) when it is set, else the newest date the data cover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from mrkg.graph.store import current, write_failure_reason
from mrkg.ontology import ONTOLOGY_FILE
from mrkg.ontology.namespace import PREFIXES
from mrkg.publish.describe import (DEFAULT_ENDPOINT, TITLE, Distribution, coverage, dataset_jsonld, dcat_graph,
                                   void_graph)
from mrkg.publish.dumps import read_dump, write_dumps
from mrkg.publish.tidy import write_observations
from mrkg.queries.execute import OxigraphEngine

SHAPES_FILE = ONTOLOGY_FILE.parent / "shapes.ttl"
DCAT_SHAPES = Path(__file__).resolve().parent / "dcat-ap-core-shapes.ttl"
DEFAULT_BASE = "https://w3id.org/mrkg/release/"

# file, media type, title, conformsTo
FILES = (
    ("mrkg.nq", "application/n-quads", "N-Quads, one named graph per source", "https://www.w3.org/TR/n-quads/"),
    ("mrkg.trig", "application/trig", "TriG, one named graph per source", "https://www.w3.org/TR/trig/"),
    ("mrkg.nt", "application/n-triples", "N-Triples of all graphs, sorted", "https://www.w3.org/TR/n-triples/"),
    ("mrkg.ttl", "text/turtle", "Turtle of all graphs", "https://www.w3.org/TR/turtle/"),
    ("mrkg.jsonld", "application/ld+json", "JSON-LD, named graphs kept", "https://www.w3.org/TR/json-ld11/"),
    ("observations.csv", "text/csv", "Observations, one row each (tidy CSV)", "https://www.rfc-editor.org/rfc/rfc4180"),
    ("mrkg-ontology.ttl", "text/turtle", "The mrkg OWL ontology", None),
    ("mrkg-shapes.ttl", "text/turtle", "SHACL shapes of the mrkg graph", "https://www.w3.org/TR/shacl/"),
    ("ontology.html", "text/html", "Ontology documentation (pyLODE)", None),
    ("void.ttl", "text/turtle", "VoID description", "https://www.w3.org/TR/void/"),
    ("dataset.jsonld", "application/ld+json", "schema.org Dataset description", "https://schema.org/Dataset"),
    ("index.html", "text/html", "Landing page", None),
)


class ExportError(Exception):
    """The export cannot run as asked (remote store, output folder is a file, …)."""


@dataclass(frozen=True)
class ExportReport:
    out: Path
    files: tuple[Distribution, ...]
    observations: int
    quads: int


def export(store: Path, out: Path, base_url: str | None = None, endpoint: str | None = DEFAULT_ENDPOINT,
           progress: Callable[[str], None] = lambda message: None) -> ExportReport:
    from mrkg import __version__

    store, out = Path(store), Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file; give a folder (it is created when missing)")
    base = (base_url or f"{DEFAULT_BASE}{__version__}/").rstrip("/") + "/"
    if not base.startswith(("http://", "https://")):
        raise ExportError(f"--base-url {base_url!r} must be an http(s) URL where the files will be published")
    generation = current(store)
    database = ox.Store.read_only(str(generation.database))
    engine = OxigraphEngine(database)
    issued = release_date(engine)
    try:
        out.mkdir(parents=True, exist_ok=True)
        files, observations = _write_release(generation, database, engine, out, base, endpoint, issued, progress)
    except OSError as error:
        raise ExportError(f"cannot write the release into {out}: {write_failure_reason(error)}") from error
    return ExportReport(out, files, observations, len(database))


def _write_release(generation, database, engine, out: Path, base: str, endpoint: str | None, issued: str | None,
                   progress: Callable[[str], None]) -> tuple[tuple[Distribution, ...], int]:
    progress("Writing the graph: N-Quads, TriG, N-Triples, Turtle, JSON-LD …")
    shutil.copyfile(generation.dump, out / "mrkg.nq")
    write_dumps(read_dump(generation.dump), out, dict(PREFIXES))

    progress("Writing the observations CSV …")
    observations = write_observations(database, out / "observations.csv")
    shutil.copyfile(ONTOLOGY_FILE, out / "mrkg-ontology.ttl")
    shutil.copyfile(SHAPES_FILE, out / "mrkg-shapes.ttl")
    progress("Documenting the ontology with pyLODE …")
    (out / "ontology.html").write_text(ontology_html(), encoding="utf-8")

    progress("Computing VoID counts and coverage …")
    urls = [base + name for name, *_ in FILES]
    (out / "void.ttl").write_text(void_graph(engine, endpoint, dumps=urls[:5]).serialize(format="turtle"),
                                  encoding="utf-8")
    downloads = [{"contentUrl": base + name, "encodingFormat": media}
                 for name, media, *_ in FILES[:6]]
    described = dataset_jsonld(engine, endpoint, downloads)
    (out / "dataset.jsonld").write_text(json.dumps(described, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "index.html").write_text(landing_page(described, [(n, t) for n, _, t, _ in FILES]), encoding="utf-8")

    progress("Writing the DCAT-AP record and checksums …")
    files = tuple(Distribution(name, base + name, media, title, (out / name).stat().st_size, _sha256(out / name),
                               conforms) for name, media, title, conforms in FILES)
    catalog = dcat_graph(engine, list(files), endpoint, issued=issued)
    problems = validate_dcat(catalog)
    if problems:
        raise ExportError("the DCAT record does not conform to the DCAT-AP shapes:\n" + problems)
    (out / "dcat.ttl").write_text(catalog.serialize(format="turtle"), encoding="utf-8")
    (out / "SHA256SUMS").write_text("".join(f"{item.sha256}  {item.file}\n" for item in files) +
                                    f"{_sha256(out / 'dcat.ttl')}  dcat.ttl\n", encoding="utf-8")
    return files, observations


def release_date(engine) -> str | None:
    """The release's ``dcterms:issued``: the UTC day of ``$SOURCE_DATE_EPOCH`` when it is set, else
    the newest day the data cover (the same in every export of the same graph); never today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not (epoch.isascii() and epoch.isdigit()) or len(epoch) > 12:
            raise ExportError(f"SOURCE_DATE_EPOCH={epoch!r} is not a count of seconds since 1970-01-01 "
                              "(whole, non-negative, e.g. the last commit's `git log -1 --format=%ct`)")
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date().isoformat()
    return coverage(engine)[1]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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

    # A parsed graph, never a URL: pyLODE would fetch a URL.
    return ReproducibleOntPub(ontology=Graph().parse(ONTOLOGY_FILE, format="turtle")).make_html(include_css=True)


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


def landing_page(described: dict, files: list[tuple[str, str]]) -> str:
    """A static landing page with the schema.org JSON-LD block; data is escaped for HTML."""
    # "</" inside the script element would end it; JSON allows "<\/".
    block = json.dumps(described, indent=2, ensure_ascii=False).replace("</", "<\\/")
    items = "\n".join(f'    <li><a href="{html.escape(name)}">{html.escape(name)}</a>: {html.escape(title)}</li>'
                      for name, title in files + [("dcat.ttl", "DCAT-AP catalog record"),
                                                  ("SHA256SUMS", "SHA-256 checksums")])
    coverage = html.escape(str(described.get("temporalCoverage", "")))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{html.escape(TITLE)}</title>
  <script type="application/ld+json">
{block}
  </script>
</head>
<body>
  <h1>{html.escape(TITLE)}</h1>
  <p>{html.escape(described["description"])}</p>
  <p>Version {html.escape(str(described["version"]))}; temporal coverage {coverage};
     licence <a href="{html.escape(described["license"])}">{html.escape(described["license"])}</a>.</p>
  <ul>
{items}
  </ul>
</body>
</html>
"""


def validate_dcat(catalog: Graph, shapes: Path = DCAT_SHAPES) -> str:
    """'' when ``catalog`` conforms to ``shapes``, else pyshacl's report text."""
    from pyshacl import validate

    conforms, _graph, text = validate(catalog, shacl_graph=Graph().parse(shapes, format="turtle"),
                                      inference="none", allow_warnings=True)
    return "" if conforms else text
