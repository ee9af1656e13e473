"""``mrkg export --out DIR``: a release a linked-data catalogue can harvest.

Written from the embedded store's current generation (its sorted ``graph.nq`` and its database):

    mrkg.nq             N-Quads, sorted: one named graph per source (the build's own dump)
    mrkg.trig           TriG, the same quads, one named graph per source
    mrkg.nt             N-Triples of the union of the graphs, sorted and de-duplicated
    mrkg.nq.gz, mrkg.nt.gz  the same, gzip-compressed (no file name, mtime 0: reproducible)
    mrkg.ttl            Turtle of the union of the graphs
    mrkg.jsonld         JSON-LD of the dataset (named graphs kept)
    observations.csv    one row per observation, safe to open in a spreadsheet (see tidy.py)
    datapackage.json    Frictionless Data Package: the CSV's columns, types, licence, sources
    mrkg-ontology.ttl   the ontology;  mrkg-shapes.ttl  the SHACL shapes
    ontology.html       ontology documentation (pyLODE);  vocabularies.html  its concept schemes
    void.ttl            VoID with counts computed on the store
    dataset.jsonld      schema.org Dataset;  index.html  a landing page carrying it
    dcat.ttl            DCAT-AP 3 catalog record: every file above with media type, EU file type,
                        size, SHA-256; validated against SEMIC's official shapes (conformance.py)
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
from mrkg.publish.conformance import OFFICIAL_SHAPES, violations
from mrkg.publish.datapackage import statistical_sources, write_data_package
from mrkg.publish.describe import (DEFAULT_ENDPOINT, LICENCE, TITLE, Distribution, coverage, dataset_jsonld,
                                   dcat_graph, void_graph)
from mrkg.publish.dumps import read_dump, write_dumps, write_gzip
from mrkg.publish.ontology_docs import ontology_graph, ontology_html, vocabularies_html
from mrkg.publish.tidy import write_observations
from mrkg.queries.execute import OxigraphEngine

SHAPES_FILE = ONTOLOGY_FILE.parent / "shapes.ttl"
DEFAULT_BASE = "https://w3id.org/mrkg/release/"
GZIP = "application/gzip"

# file, media type, title, conformsTo, compression
FILES = (
    ("mrkg.nq", "application/n-quads", "N-Quads, one named graph per source", "https://www.w3.org/TR/n-quads/", None),
    ("mrkg.nq.gz", "application/n-quads", "N-Quads, one named graph per source (gzip)",
     "https://www.w3.org/TR/n-quads/", GZIP),
    ("mrkg.trig", "application/trig", "TriG, one named graph per source", "https://www.w3.org/TR/trig/", None),
    ("mrkg.nt", "application/n-triples", "N-Triples of all graphs, sorted", "https://www.w3.org/TR/n-triples/", None),
    ("mrkg.nt.gz", "application/n-triples", "N-Triples of all graphs, sorted (gzip)",
     "https://www.w3.org/TR/n-triples/", GZIP),
    ("mrkg.ttl", "text/turtle", "Turtle of all graphs", "https://www.w3.org/TR/turtle/", None),
    ("mrkg.jsonld", "application/ld+json", "JSON-LD, named graphs kept", "https://www.w3.org/TR/json-ld11/", None),
    ("observations.csv", "text/csv", "Observations, one row each (tidy CSV)", "https://www.rfc-editor.org/rfc/rfc4180",
     None),
    ("datapackage.json", "application/json", "Frictionless Data Package describing observations.csv",
     "https://specs.frictionlessdata.io/tabular-data-package/", None),
    ("mrkg-ontology.ttl", "text/turtle", "The mrkg OWL ontology", "https://www.w3.org/TR/owl2-overview/", None),
    ("mrkg-shapes.ttl", "text/turtle", "SHACL shapes of the mrkg graph", "https://www.w3.org/TR/shacl/", None),
    ("ontology.html", "text/html", "Ontology documentation: classes and properties (pyLODE)", None, None),
    ("vocabularies.html", "text/html", "Ontology documentation: controlled vocabularies and their concepts",
     None, None),
    ("void.ttl", "text/turtle", "VoID description", "https://www.w3.org/TR/void/", None),
    ("dataset.jsonld", "application/ld+json", "schema.org Dataset description", "https://schema.org/Dataset", None),
    ("index.html", "text/html", "Landing page", None, None),
)
RDF_DUMPS = ("mrkg.nq", "mrkg.nq.gz", "mrkg.trig", "mrkg.nt", "mrkg.nt.gz", "mrkg.ttl", "mrkg.jsonld")
DATA_FILES = RDF_DUMPS + ("observations.csv",)


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
    progress("Writing the graph: N-Quads, TriG, N-Triples, Turtle, JSON-LD, and gzip copies …")
    shutil.copyfile(generation.dump, out / "mrkg.nq")
    write_dumps(read_dump(generation.dump), out, dict(PREFIXES))
    for name in ("mrkg.nq", "mrkg.nt"):
        write_gzip(out / name, out / (name + ".gz"))

    progress("Writing the observations CSV and its data package …")
    observations = write_observations(database, out / "observations.csv")
    write_data_package(out / "datapackage.json", (out / "observations.csv").stat().st_size,
                       file_sha256(out / "observations.csv"), statistical_sources(engine), str(LICENCE))
    shutil.copyfile(ONTOLOGY_FILE, out / "mrkg-ontology.ttl")
    shutil.copyfile(SHAPES_FILE, out / "mrkg-shapes.ttl")
    progress("Documenting the ontology with pyLODE, and its vocabularies …")
    (out / "ontology.html").write_text(ontology_html(), encoding="utf-8")
    (out / "vocabularies.html").write_text(vocabularies_html(ontology_graph()), encoding="utf-8")

    progress("Computing VoID counts and coverage …")
    (out / "void.ttl").write_text(void_graph(engine, endpoint, dumps=[base + name for name in RDF_DUMPS])
                                  .serialize(format="turtle"), encoding="utf-8")
    downloads = [{"contentUrl": base + name, "encodingFormat": media}
                 for name, media, *_ in FILES if name in DATA_FILES]
    described = dataset_jsonld(engine, endpoint, downloads)
    (out / "dataset.jsonld").write_text(json.dumps(described, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "index.html").write_text(landing_page(described, [(name, title) for name, _, title, *_ in FILES]),
                                    encoding="utf-8")

    progress("Writing the DCAT-AP record, checking it against SEMIC's shapes, and checksums …")
    files = tuple(Distribution(name, base + name, media, title, (out / name).stat().st_size, file_sha256(out / name),
                               conforms, compressed) for name, media, title, conforms, compressed in FILES)
    catalog = dcat_graph(engine, list(files), endpoint, issued=issued)
    problems = validate_dcat(catalog)
    if problems:
        raise ExportError("the DCAT record does not conform to SEMIC's DCAT-AP 3 shapes "
                          "(publish/standards/dcat-ap-3/):\n" + problems)
    (out / "dcat.ttl").write_text(catalog.serialize(format="turtle"), encoding="utf-8")
    (out / "SHA256SUMS").write_text("".join(f"{item.sha256}  {item.file}\n" for item in files) +
                                    f"{file_sha256(out / 'dcat.ttl')}  dcat.ttl\n", encoding="utf-8")
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def validate_dcat(catalog: Graph, shapes: tuple[Path, ...] = OFFICIAL_SHAPES) -> str:
    """'' when ``catalog`` has no violation of SEMIC's DCAT-AP 3 shapes, else one line per violation
    (shapes file, shape, node, property, value, message). Warnings do not fail an export."""
    return "\n".join(f"  {finding}" for finding in violations(catalog, shapes))
