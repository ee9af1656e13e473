"""Loaders: curated and reference source files -> validated records -> RDF triples.

``LOADERS`` lists one module per kind of source, in dependency order (a record
may refer only to kinds read before it). To add a kind of source, write a
module with ``KIND``, ``read(root, registry, problems)`` and
``triples(located)``, and append its name to ``_LOADER_NAMES`` here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mrkg.loaders.registry import Registry

if TYPE_CHECKING:
    from mrkg.loaders.base import Located
    from mrkg.loaders.strict import InputError, InputProblem

# The loader modules are imported when the sources are read (``LOADERS``), not with this package: the
# query side imports a few types from here and need not pay for every loader (docs/benchmarks.md, "start-up").
_LOADER_NAMES = ("countries", "vocabularies", "place_names", "documents", "organisations", "instruments", "memberships",
                 "huggo_treaties", "desta_treaties", "gptad_treaties", "labour_agreements", "icmw_status",
                 "treaty_provisions", "instrument_matches", "roles", "zones", "observations")


def loader_modules() -> tuple:
    """The loader modules in dependency order (``LOADERS``), imported now."""
    return tuple(importlib.import_module(f"{__name__}.{module}") for module in _LOADER_NAMES)


def __getattr__(name: str):
    if name == "LOADERS":
        return loader_modules()
    if name in ("InputError", "InputProblem"):
        return getattr(importlib.import_module(f"{__name__}.strict"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DEFAULT_SOURCES = Path(__file__).resolve().parent.parent / "sources"


def default_sources() -> Path:
    """The curated sources shipped with mrkg (the repository's ``sources/``)."""
    from importlib import resources

    try:
        packaged = Path(str(resources.files("mrkg.sources")))
        if (packaged / "documents.yaml").exists():
            return packaged
    except ModuleNotFoundError:
        pass
    return DEFAULT_SOURCES


@dataclass
class Sources:
    """Every validated record, by loader module, plus the registry of identifiers."""

    root: Path
    records: dict[str, list[Located]] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)

    def of(self, module) -> list[Located]:
        return self.records.get(module.__name__, [])

    def count(self) -> int:
        return sum(len(items) for items in self.records.values())


def read_sources(root: Path | str | None = None) -> Sources:
    """Read and validate every source file; raise InputError listing all problems."""
    from mrkg.loaders import plausibility
    from mrkg.loaders.strict import InputError, InputProblem, Problems

    root = Path(root) if root is not None else default_sources()
    if not (root / "documents.yaml").is_file():
        raise InputError([InputProblem(str(root), None, None, None,
                                       "is not a sources folder", "a folder with documents.yaml")])
    sources = Sources(root)
    problems = Problems()
    for module in loader_modules():
        sources.records[module.__name__] = list(module.read(root, sources.registry, problems))
    plausibility.future_date_problems(sources.records, problems, plausibility.build_date())
    problems.raise_if_any()
    return sources


__all__ = ["InputError", "InputProblem", "LOADERS", "Sources", "read_sources", "default_sources"]
