"""Search by name (queries/search.py): normalisation, the ranking on hand-made entries, the ranking on
the real curated graph, the bounds, and `mrkg search` on the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest

import mrkg.cli
from mrkg.queries.execute import OxigraphEngine
from mrkg.queries.library import QueryError
from mrkg.queries.search import (DEFAULT_LIMIT, KINDS, MATCHES, MAX_LIMIT, MAX_TEXT, Entry, Name, SearchIndex,
                                 build_index, normalise)

ID = "https://w3id.org/mrkg/id/"


# -- normalisation --------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Kazakhstan", "kazakhstan"),
    ("  KAZ ", "kaz"),
    ("Côte d’Ivoire", "cote d ivoire"),
    ("Åland Islands", "aland islands"),
    ("Straße", "strasse"),
    ("Pole’s Card", "pole s card"),
    ("cu-ces-treaty-1999", "cu ces treaty 1999"),
    ("“Kazakhstan-2030”", "kazakhstan 2030"),
    ("Содружество Независимых Государств", "содружество независимых государств"),
    ("Ёлка", "елка"),
    ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ("snake_case", "snake case"),
    ("?!*…", ""),
    ("", ""),
])
def test_normalise_folds_case_accents_and_punctuation(text, expected):
    assert normalise(text) == expected


# -- ranking on hand-made entries ---------------------------------------------------------

def entry(kind, identifier, label, *others):
    """An entry named by its identifier, its label and other (text, type) names."""
    names = [(identifier, "identifier"), (label, "label"), *others]
    return Entry(f"{ID}{kind}/{identifier}", kind, identifier, label,
                 tuple(Name(text, type_, normalise(text)) for text, type_ in names))


INDEX = SearchIndex([
    entry("programme", "kaz-programme", "Programme of the Republic of Kazakhstan"),
    entry("instrument", "treaty-b", "Treaty on Borders", ("Borders Treaty", "alternative label")),
    entry("instrument", "treaty-a", "Agreement on the Kazakh steppe"),
    entry("country", "KAZ", "Kazakhstan", ("KZ", "code"), ("398", "code"),
          ("Республика Казахстан", "alternative label")),
    entry("organisation", "kaz-mfa", "Ministry of Foreign Affairs of Kazakhstan"),
    entry("instrument", "desta-1", "Trade agreement", ("DESTA 104", "code")),
    entry("instrument", "desta-2", "Another trade agreement", ("DESTA 1040", "code")),
    entry("measure", "net-migration", "net migration"),
    entry("instrument", "subkaz", "Treaty of Nakazakh"),
])


def ranked(text, **options):
    return [(hit.id, hit.match) for hit in INDEX.search(text, **options).hits]


def test_exact_code_comes_first_then_prefixes_of_identifiers():
    assert ranked("KAZ") == [("KAZ", "identifier"), ("kaz-mfa", "prefix"), ("kaz-programme", "prefix"),
                             ("treaty-a", "word prefix"), ("subkaz", "substring")]
    assert ranked("kz")[0] == ("KAZ", "identifier")
    assert ranked("398") == [("KAZ", "identifier")]


def test_label_prefix_before_word_prefix_before_substring():
    assert ranked("kazakh") == [("KAZ", "prefix"), ("kaz-mfa", "word prefix"), ("treaty-a", "word prefix"),
                                ("kaz-programme", "word prefix"), ("subkaz", "substring")]


def test_exact_label_and_alternative_label():
    assert ranked("kazakhstan")[0] == ("KAZ", "label")
    assert ranked("borders treaty") == [("treaty-b", "label")]
    hit = INDEX.search("Borders Treaty").hits[0]
    assert (hit.label, hit.matched) == ("Treaty on Borders", "Borders Treaty")


def test_a_code_with_a_space_and_a_longer_code_beginning_alike():
    assert ranked("desta 104") == [("desta-1", "identifier"), ("desta-2", "prefix")]
    assert ranked("DESTA-104") == ranked("desta 104")


def test_all_words_of_a_text_in_any_order():
    assert ranked("borders on treaty") == [("treaty-b", "all words")]
    assert ranked("migration net") == [("net-migration", "all words")]


def test_cyrillic_names_are_found_in_any_case_and_without_diacritics():
    assert ranked("казахстан") == [("KAZ", "word prefix")]
    assert ranked("РЕСПУБЛИКА КАЗАХСТАН") == [("KAZ", "label")]


def test_ties_are_ordered_by_kind_then_label_then_identifier():
    order = [hit.kind for hit in INDEX.search("a", limit=MAX_LIMIT).hits if hit.match == "prefix"]
    assert order == sorted(order, key=KINDS.index)
    labels = [hit.label for hit in INDEX.search("treaty").hits if hit.match == "prefix"]
    assert labels == sorted(labels, key=normalise)
    shuffled = SearchIndex(list(reversed(INDEX.entries)))
    assert [h.id for h in shuffled.search("a", limit=MAX_LIMIT).hits] == [
        h.id for h in INDEX.search("a", limit=MAX_LIMIT).hits]


def test_kind_filter_limit_and_total():
    found = INDEX.search("kaz", kind="organisation")
    assert [hit.id for hit in found.hits] == ["kaz-mfa"] and found.total == 1
    found = INDEX.search("a", limit=2)
    assert len(found.hits) == 2 and found.total > 2 and found.limit == 2


def test_no_letters_or_digits_finds_nothing_without_error():
    for text in ("", "   ", "?!", "<>\"'&", "…—"):
        found = INDEX.search(text)
        assert found.hits == () and found.total == 0


@pytest.mark.parametrize("text,options,message", [
    ("x" * (MAX_TEXT + 1), {}, f"at most {MAX_TEXT}"),
    ("kaz", {"kind": "treaty"}, "not a kind"),
    ("kaz", {"limit": 0}, f"from 1 to {MAX_LIMIT}"),
    ("kaz", {"limit": MAX_LIMIT + 1}, f"from 1 to {MAX_LIMIT}"),
])
def test_bounds_are_refused_with_what_is_expected(text, options, message):
    with pytest.raises(QueryError, match=message):
        INDEX.search(text, **options)


def test_a_text_of_the_longest_length_is_searched():
    assert INDEX.search("k" * MAX_TEXT).total == 0


def test_every_match_kind_is_documented_in_rank_order():
    assert MATCHES == ("identifier", "label", "prefix", "word prefix", "substring", "all words")


# -- the real curated graph --------------------------------------------------------------

@pytest.fixture(scope="module")
def index(real_store):
    return build_index(OxigraphEngine.open(real_store))


def first(index, text, **options):
    hit = index.search(text, **options).hits[0]
    return hit.kind, hit.id, hit.match


def test_real_kaz_is_kazakhstan_first(index):
    assert first(index, "KAZ") == ("country", "KAZ", "identifier")
    assert first(index, "kz") == ("country", "KAZ", "identifier")


def test_real_kazakh_finds_the_country_before_programmes_and_instruments_mentioning_it(index):
    hits = index.search("kazakh", limit=MAX_LIMIT).hits
    assert (hits[0].kind, hits[0].id, hits[0].iri) == ("country", "KAZ", ID + "country/KAZ")
    programmes = [i for i, hit in enumerate(hits) if hit.kind == "programme"]
    assert programmes and min(programmes) > 0
    assert first(index, "Kazakhstan") == ("country", "KAZ", "label")


def test_real_instrument_identifier_first(index):
    assert first(index, "cu-ces-treaty-1999") == ("instrument", "cu-ces-treaty-1999", "identifier")
    assert first(index, "CU CES treaty 1999") == ("instrument", "cu-ces-treaty-1999", "identifier")


def test_real_alternative_and_hidden_labels_are_found(index):
    hit = index.search("1951 Convention").hits[0]
    assert (hit.id, hit.match, hit.matched) == ("refugee-convention-1951", "label", "1951 Convention")
    assert hit.label == "Convention relating to the Status of Refugees"
    assert first(index, "Bahamas, The") == ("country", "BHS", "label")
    assert first(index, "Republic of Kazakhstan") == ("country", "KAZ", "label")


def test_real_accents_do_not_matter(index):
    assert first(index, "cote d'ivoire") == ("country", "CIV", "label")
    assert first(index, "ALAND ISLANDS") == ("country", "ALA", "label")


def test_real_organisation_and_measure(index):
    assert first(index, "eaeu") == ("organisation", "eaeu", "identifier")
    assert first(index, "net migration") == ("measure", "net-migration", "identifier")
    assert first(index, "migrant stock", kind="measure")[1] == "migrant-stock"


def test_real_index_holds_each_kind(index):
    counts = index.counts()
    assert list(counts) == list(KINDS)
    assert all(counts[kind] > 0 for kind in KINDS)
    assert counts["country"] >= 249


# -- the command line ------------------------------------------------------------------------

def run_cli(store, *args):
    return mrkg.cli.main(["--store", str(store), "search", *args])


def test_cli_table_json_and_csv_agree(real_store, capsys):
    assert run_cli(real_store, "kazakh", "--limit", "3") == 0
    table = capsys.readouterr()
    lines = table.out.splitlines()
    assert lines[0].split() == ["kind", "id", "label", "match", "matched"]
    assert lines[2].split()[:2] == ["country", "KAZ"]
    assert "entities match; the first 3 are shown" in table.err

    assert run_cli(real_store, "kazakh", "--limit", "3", "--format", "json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {"query", "kind", "limit", "total", "results"}
    assert (answer["query"], answer["kind"], answer["limit"]) == ("kazakh", None, 3)
    assert answer["total"] > 3 and len(answer["results"]) == 3
    assert answer["results"][0] == {"kind": "country", "id": "KAZ", "label": "Kazakhstan",
                                    "iri": ID + "country/KAZ", "match": "prefix", "matched": "Kazakhstan"}

    assert run_cli(real_store, "kazakh", "--limit", "3", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["kind"], r["id"], r["iri"]) for r in rows] == [
        (r["kind"], r["id"], r["iri"]) for r in answer["results"]]


def test_cli_kind_filter(real_store, capsys):
    assert run_cli(real_store, "kazakh", "--kind", "programme", "--format", "json") == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and {r["kind"] for r in results} == {"programme"}


@pytest.mark.parametrize("args,message", [
    (["?!"], "nothing to search for"),
    (["   "], "nothing to search for"),
    (["x" * (MAX_TEXT + 1)], f"at most {MAX_TEXT}"),
    (["kaz", "--limit", str(MAX_LIMIT + 1)], f"from 1 to {MAX_LIMIT}"),
])
def test_cli_refuses_with_one_line(real_store, capsys, args, message):
    assert run_cli(real_store, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_default_limit(real_store, capsys):
    assert run_cli(real_store, "a", "--format", "json") == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == DEFAULT_LIMIT
