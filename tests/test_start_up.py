"""A query does not import the build pipeline.

``mrkg query`` spent 0.5 of its 0.8 s importing the loaders and their record models (pydantic, YAML),
rdflib's SPARQL parser and networkx, none of which a query on the embedded store uses
(docs/benchmarks.md, "start-up"). These tests run the command and the Python API in a fresh
interpreter and check which modules it imported: the cause of the slow start, not its time, so that
they pass or fail the same way on any machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import mrkg

# Modules of the build (reading and validating records, checking, loading) and of validation, views
# and the server, that a query must not import.
PIPELINE = ("mrkg.graph.build", "mrkg.graph.assemble", "mrkg.graph.checks", "mrkg.graph.consolidate",
            "mrkg.loaders.strict", "mrkg.loaders.types", "mrkg.loaders.instruments", "mrkg.loaders.countries",
            "mrkg.loaders.datasets", "pydantic", "yaml", "pyshacl", "networkx", "owlready2", "pyvis",
            "rdflib.plugins.sparql", "pyparsing", "starlette", "uvicorn")


def imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (its stdout is not read)."""
    script = ("import contextlib, io, json, sys\n"
              "with contextlib.redirect_stdout(io.StringIO()):\n"
              + "".join(f"    {line}\n" for line in code.splitlines())
              + "print(json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def pipeline_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in PIPELINE))


def test_a_command_line_query_imports_no_part_of_the_build(real_store):
    modules = imported_after("import mrkg.cli\n"
                             f"assert mrkg.cli.main(['--store', {str(real_store)!r}, 'query', 'memberships', "
                             "'country=KAZ']) == 0")
    assert "pyoxigraph" in modules and "mrkg.queries.execute" in modules  # it did run the query
    assert pipeline_in(modules) == []


def test_a_query_from_python_imports_no_part_of_the_build(real_store):
    modules = imported_after("import mrkg\n"
                             f"assert mrkg.query('memberships', store={str(real_store)!r}, country='KAZ').rows")
    assert pipeline_in(modules) == []


def test_the_build_is_still_reachable_from_the_package():
    """What the package exports for building is found when asked for (imported then)."""
    from mrkg.graph.build import BuildReport
    from mrkg.loaders import LOADERS, countries, observations

    assert mrkg.BuildReport is BuildReport
    # Every loader, in dependency order: countries first (everything refers to them), observations last.
    assert LOADERS[0] is countries and LOADERS[-1] is observations and len(set(LOADERS)) == 17
    assert all(callable(module.read) and callable(module.triples) for module in LOADERS)
    with pytest.raises(AttributeError):
        mrkg.no_such_name  # noqa: B018 - the lookup is the test
