"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

import mrkg


@pytest.fixture(scope="session")
def real_store(tmp_path_factory):
    """The graph of the default sources, built once per test session (the tests only read it)."""
    store = tmp_path_factory.mktemp("real") / "store"
    mrkg.build(store=store)
    return store
