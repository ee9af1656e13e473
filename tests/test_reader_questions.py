"""A reader's questions about each source document, answered through the named queries.

Each ``tests/reader_questions/<document>.yaml`` lists questions a reader of that document
would ask, the named query and parameters that answer it, and the rows the document says the
answer must contain::

    questions:
      - ask: Who signed the Joint Declaration on Mobility Partnership, and when?
        query: parties
        params: {agreement: eu-belarus-mobility-partnership-2016}
        expect:                      # rows that must be in the answer; only these columns are compared
          - {party: BLR, signed: "2016-10-13"}
        rows: 9                      # optional: the exact number of rows

IRIs minted by mrkg compare by their identifier (``.../id/country/BLR`` is ``BLR``), ontology
terms by their local name (``mrkg:Programme`` is ``Programme``), numbers by value (``17790``
equals ``17790.0``), the list columns of ``instrument`` in any order (``LVA POL`` equals
``POL LVA``), and an expected ``null`` matches an empty cell. Every question states rows it
expects, or their number, or both.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

import mrkg
from mrkg.loaders import documents, read_sources
from mrkg.loaders.strict import Problems, read_yaml
from mrkg.ontology import iris

QUESTIONS_DIR = Path(__file__).resolve().parent / "reader_questions"
MIN_QUESTIONS = 5
ID_BASE = f"{iris.BASE}id/"
ONTOLOGY = "https://w3id.org/mrkg/ontology#"
LIST_COLUMNS = {"responsible", "funded_by", "covers", "policy_areas"}  # identifiers joined by spaces


def _load() -> dict[str, list[dict]]:
    # The loaders' strict YAML: `on:` and `no` stay strings, dates stay text, duplicate keys fail.
    out = {}
    for path in sorted(QUESTIONS_DIR.glob("*.yaml")):
        problems = Problems()
        data = read_yaml(path, problems)
        problems.raise_if_any()
        out[path.stem] = data["questions"]
    return out


QUESTIONS = _load()
CASES = [pytest.param(stem, q, id=f"{stem[:3]}-{i + 1}-{q['query']}")
         for stem, qs in QUESTIONS.items() for i, q in enumerate(qs)]


@pytest.fixture(scope="module")
def store(real_store):
    return real_store


def _cell(value: str | None) -> str | None:
    if value is not None and value.startswith(ID_BASE):
        return value.rsplit("/", 1)[1]
    if value is not None and value.startswith(ONTOLOGY):
        return value[len(ONTOLOGY):]
    return value


def _same(column: str, expected, actual: str | None) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    expected = str(expected)
    if expected == actual:
        return True
    if column in LIST_COLUMNS and sorted(expected.split()) == sorted(actual.split()):
        return True
    try:
        return Decimal(expected) == Decimal(actual)
    except InvalidOperation:
        return False


def test_every_document_has_enough_questions():
    texts = {d.record.stem for d in read_sources().of(documents) if d.record.kind == "document"}
    short = {d: len(QUESTIONS.get(d, [])) for d in sorted(texts) if len(QUESTIONS.get(d, [])) < MIN_QUESTIONS}
    assert not short, f"documents with fewer than {MIN_QUESTIONS} reader questions: {short}"


@pytest.mark.parametrize("stem,question", CASES)
def test_reader_question(store, stem, question):
    assert question.get("expect") or "rows" in question, f"{question['ask']}: states no expected answer"
    result = mrkg.query(question["query"], store=store, **question.get("params", {}))
    answer = [{k: _cell(v) for k, v in row.items()} for row in result.strings()]
    for expected in question.get("expect", []):
        unknown = set(expected) - set(result.variables)
        assert not unknown, f"{question['ask']}: columns {sorted(unknown)} are not in {question['query']}"
        assert any(all(_same(k, v, row[k]) for k, v in expected.items()) for row in answer), (
            f"{question['ask']}\nexpected a row {expected}\nin the answer of {question['query']}:\n"
            + "\n".join(str({k: row[k] for k in expected}) for row in answer)
        )
    if "rows" in question:
        assert len(answer) == question["rows"], f"{question['ask']}: {len(answer)} rows, expected {question['rows']}"
