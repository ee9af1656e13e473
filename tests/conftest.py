"""Fixtures shared by test modules: builds of the real sources, once per test session.

``real_store`` is the curated graph without the statistical tables: the named
queries' answers on the curated records. ``full_store`` adds the ~140,000
figures of the statistical tables and their comparisons (about half a minute
to build).
"""

from __future__ import annotations

import pytest

import mrkg

# The browser tests' fixtures (`browser`, `server`): tests/browser.py; a Virtuoso server for a test
# module (`virtuoso`): tests/virtuoso_server.py.
pytest_plugins = ("browser", "virtuoso_server")


@pytest.fixture(scope="session")
def real_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("real") / "store"
    mrkg.build(store=store, tables=False)
    return store


@pytest.fixture(scope="session")
def full_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("full") / "store"
    mrkg.build(store=store)
    return store


@pytest.fixture(scope="session")
def shipped_store(real_store):
    """The store the query examples run on: the curated graph (see real_store)."""
    return real_store
