"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

import mrkg


@pytest.fixture(scope="session")
def shipped_store(tmp_path_factory):
    """One build of the shipped sources for the whole test session (tests only read it)."""
    store = tmp_path_factory.mktemp("shipped") / "store"
    mrkg.build(store=store)
    return store
