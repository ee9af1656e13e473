"""Bad input is refused with a precise InputError, and the store is left untouched.

A good graph is built once into a store. Each case copies the good sources,
applies one mutation to one file, builds into the same store and checks:

* ``mrkg.loaders.InputError`` is raised;
* one of its ``.problems`` is in the expected file, on the expected line, for
  the expected field, with the expected phrase in its message (and in
  ``expected`` where the case gives one), and ``str()`` shows all of that;
* the store still serves the good graph: same digest, same quad count, same
  generations on disk.

How to read the table
---------------------
``old`` is replaced by ``new`` exactly once (``None`` writes ``new`` as the
whole file, creating it if needed). ``line`` is either a number or an anchor:
a text that occurs exactly once in the *mutated* file; the expected line is
the line on which the anchor starts. Anchors keep the cases valid while the
curated files grow above the mutated spot.

Problems about a single field name that field and its line. Problems about
how two fields relate (dates out of order, a unit that does not fit the
measure, ...) are reported by the loader for the enclosing record: the line
where the record (or CSV row) starts and the record's path as the field
(``None`` for a top-level record, ``parties.N`` for a party); the message
names the values involved.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from mrkg.graph.build import build
from mrkg.graph.store import open_read_only, store_digest
from mrkg.loaders import InputError, InputProblem

SOURCES = Path(__file__).resolve().parent.parent / "sources"

I000 = "curated/000_e132173a8f0337db/instruments.yaml"
M000 = "curated/000_e132173a8f0337db/memberships.yaml"
O000 = "curated/000_e132173a8f0337db/observations.csv"
I003 = "curated/003_7758bc43b281afd9/instruments.yaml"
O003 = "curated/003_7758bc43b281afd9/observations.csv"
MEASURES = "reference/measures.yaml"
HUGGO = "datasets/manytrade-treaties/HUGGO_MEM_additional.csv"
DESTA = "datasets/manytrade-treaties/DESTA.csv"
GPTAD = "datasets/manytrade-treaties/GPTAD_MEM.csv"
MATCHES = "curated/matches.yaml"
ICMW = "datasets/un-icmw-ratification/hr_status_icmw.csv"
KGZ_EAEU = "ERSNEU_2014O,ERSNEU_2014O,Eurasian Economic Union (EAEU),29.05.2014,KGZ,"  # HUGGO: Kyrgyzstan in the EAEU

COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

APPEND = "<append>"  # as `old`: append `new` at the end of the file


class Case(NamedTuple):
    id: str
    file: str  # mutated file, relative to the sources folder
    old: str | bytes | None  # text replaced exactly once; None: `new` is the whole file; APPEND: add `new` at the end
    new: str | bytes
    problem_file: str  # the problem's file ends with this
    line: int | str | None  # line number, or an anchor text found once in the mutated file
    field: str | None
    message: str  # phrase in the problem's message
    expected: str | None = None  # phrase in the problem's `expected`, where the loader gives one
    bug: str | None = None  # known loader bug: the case is a strict xfail documenting the right behaviour


def _line_of(file: str, text: str) -> int:
    """The line of the real source file that holds ``text`` (for a problem in a file the case does not change)."""
    lines = (SOURCES / file).read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, 1) if text in line]
    assert len(found) == 1, f"{text!r} is on {len(found)} lines of {file}"
    return found[0]


CASES = [
    # --- files and YAML syntax ---------------------------------------------------------------------
    Case("yaml-duplicate-key", I000,
         "    place: Moscow\n    locator: Table 1, row 1\n", "    date: 1999-02-27\n    locator: Table 1, row 1\n",
         I000, "    date: 1999-02-27", None, "duplicate key 'date' (first on line", "without duplicate keys"),
    Case("yaml-NO-stays-a-string", I000, "      - party: BLR\n", "      - party: NO\n",
         I000, "      - party: NO", "parties.0.party", "unknown party 'NO'"),
    Case("invalid-utf8-byte", I000, b"on 26.02.1999", b"on 26.02.1999\xff",
         I000, "on 26.02.1999", None, "invalid UTF-8 byte 0xff", "UTF-8 text"),
    Case("byte-order-mark", M000, "# Memberships named", "\ufeff# Memberships named",
         M000, 1, None, "byte-order mark", "UTF-8 without BOM"),
    Case("empty-yaml-file", M000, None, "",
         M000, 1, None, "empty", "'memberships'",),
    # --- references to unknown things ---------------------------------------------------------------
    Case("reference-to-a-refused-record", I000, "    class: international-agreement\n    type: treaty\n    title: Treaty on Customs Union",
         "    class: international-agreement\n    type: trety\n    title: Treaty on Customs Union",
         MATCHES, _line_of(MATCHES, "close: [cu-ces-treaty-1999, desta-434]"), "close",
         "instrument 'cu-ces-treaty-1999' is refused for its own problems (see "),
    Case("unknown-country-as-party", I000, "{party: UZB,", "{party: XYZ,",
         I000, "{party: XYZ,", "parties.6.party", "unknown party 'XYZ'"),
    Case("unknown-country-as-origin", O003, "dyk-net-arm-kaz-2013,net-migration,ARM,KAZ",
         "dyk-net-arm-kaz-2013,net-migration,ZZZ,KAZ",
         O003, "dyk-net-arm-kaz-2013,", "origin", "unknown country code or area 'ZZZ'"),
    Case("unknown-unit", O000, ",2012,14500,,,person,", ",2012,14500,,,people,",
         O000, "mia-belarus-rules-of-stay-violations-2012,", "unit", "unknown unit 'people'"),
    Case("curated-folder-names-no-document", "curated/005_aaaaaaaaaaaaaaaa/memberships.yaml", None,
         "memberships:\n  - {organisation: ces, member: BLR, locator: Abstract}\n",
         "curated/005_aaaaaaaaaaaaaaaa/memberships.yaml", None, None,
         "folder '005_aaaaaaaaaaaaaaaa' is not a document listed in documents.yaml", "a folder named after"),
    # --- dates ----------------------------------------------------------------------------------------
    Case("impossible-date-feb-30", I003, "    date: 2011-07-22", "    date: 2011-02-30",
         I003, "    date: 2011-02-30", "date", "'2011-02-30' is an impossible date"),
    Case("month-13", I000, "    date: 1998-11-24", "    date: 1998-13-24",
         I000, "    date: 1998-13-24", "date", "month 13"),
    Case("party-in-force-before-signature", I000,
         "{party: KAZ, signed: 1998-11-24, in_force: 1999-09-15", "{party: KAZ, signed: 1998-11-24, in_force: 1997-09-15",
         I000, "{party: KAZ, signed: 1998-11-24, in_force: 1997-09-15", "parties.1",
         "entry into force 1997-09-15 is before signature 1998-11-24"),
    Case("party-in-force-before-instrument-date", I000, "{party: RUS, in_force: 1996-06-22", "{party: RUS, in_force: 1995-06-22",
         I000, "  - id: union-supreme-council-decision-4-1996", None,
         "entry into force 1995-06-22 for RUS is before signature 1996-06-22"),
    Case("instrument-in-force-before-its-date", I003,
         "    date: 2011-07-22\n    jurisdiction", "    date: 2011-07-22\n    entry_into_force: 2010-01-01\n    jurisdiction",
         I003, "  - id: kaz-law-on-migration-2011", None,
         "entry into force 2010-01-01 is before signature or adoption 2011-07-22"),
    Case("withdrawal-before-entry-into-force", I000,
         "{party: RUS, signed: 2006-01-24, in_force: 2006-06-29,",
         "{party: RUS, signed: 2006-01-24, in_force: 2006-06-29, withdrawn: 2006-01-01,",
         I000, "withdrawn: 2006-01-01", "parties.1", "withdrawal 2006-01-01 is before entry into force 2006-06-29"),
    Case("membership-ends-before-it-starts", M000,
         "{organisation: ces, member: BLR, from: 2012-01-01,", "{organisation: ces, member: BLR, from: 2012-01-01, to: 2011-01-01,",
         M000, "to: 2011-01-01", None, "membership ends (2011-01-01) before it starts (2012-01-01)"),
    Case("period-range-ends-before-start", O000, "1991/2011,710000", "2011/1991,710000",
         O000, "2011/1991,710000", "period", "the range ends before it starts"),
    # --- values and units -----------------------------------------------------------------------------
    Case("negative-count", O000, "1991/2011,470000,,,person", "1991/2011,-470000,,,person",
         O000, "belstat-arrivals-blr-rus-1991-2011,", None, "negative value -470000 for the count 'migration-arrivals'"),
    Case("unit-does-not-fit-measure", O003, "75000,,,family", "75000,,,person",
         O003, "nurly-kosh-resettlement-target,", None,
         "unit 'person' does not fit measure 'programme-resettlement-target'"),
    Case("thousands-separator", O000, ",2012,14500,,,person,", ',2012,"14,500",,,person,',
         O000, "mia-belarus-rules-of-stay-violations-2012,", "value", "'14,500' is not a number"),
    Case("exponent-notation", O000, ",2012,14500,,,person,", ",2012,1.45e4,,,person,",
         O000, "mia-belarus-rules-of-stay-violations-2012,", "value", "is not a number",),
    Case("range-without-upper-bound", O000, ",2012,14500,,,person,", ",2012,14500,range,,person,",
         O000, "mia-belarus-rules-of-stay-violations-2012,", None, "a range needs both qualifier 'range' and its upper bound"),
    Case("upper-bound-below-value", O000, ",2012,14500,,,person,", ",2012,14500,range,1000,person,",
         O000, "mia-belarus-rules-of-stay-violations-2012,", None, "the upper bound 1000 of a range is not above its value 14500"),
    Case("unknown-qualifier", O000, ",2012,14500,,,person,", ",2012,14500,roughly,,person,",
         O000, "mia-belarus-rules-of-stay-violations-2012,", "qualifier", "Input should be 'over', 'about', 'nearly', 'under', 'up-to' or 'range'"),
    Case("flow-measure-without-destination", O000,
         "rosstat-arrivals-rus-blr-1991-2011,migration-arrivals,RUS,BLR,", "rosstat-arrivals-rus-blr-1991-2011,migration-arrivals,RUS,,",
         O000, "rosstat-arrivals-rus-blr-1991-2011,", None, "it needs destination and origin, and got origin"),
    Case("yes-no-is-not-a-boolean", MEASURES, "    units: [person, thousand-person]\n    non_negative: false",
         "    units: [person, thousand-person]\n    non_negative: no",
         MEASURES, "    non_negative: no", "non_negative", "valid boolean",),
    # --- identifiers ------------------------------------------------------------------------------------
    Case("duplicate-instrument-across-documents", I003, "  - id: kaz-law-on-migration-2011", "  - id: cu-ces-treaty-1999",
         I003, "  - id: cu-ces-treaty-1999", "id",
         "duplicate identifier, first defined at sources/curated/000_e132173a8f0337db/instruments.yaml:",
         "an identifier used once"),
    Case("duplicate-observation-id", O003, APPEND,
         "dyk-net-arm-kaz-2013,net-migration,ARM,KAZ,,,,,2019,1,,,person,,Table 2,,\n",
         O003, "dyk-net-arm-kaz-2013,net-migration,ARM,KAZ,,,,,2019", "id",
         "duplicate identifier, first defined at sources/curated/003_7758bc43b281afd9/observations.csv:",
         "an identifier used once"),
    Case("identifier-with-space-and-uppercase", I000, "  - id: cu-ces-treaty-1999", "  - id: Treaty 1999",
         I000, "  - id: Treaty 1999", "id", "'Treaty 1999' cannot become an IRI"),
    Case("identifier-with-slash", O000, "belstat-net-rus-blr-1991-2011,", "belstat/net-rus-blr-1991-2011,",
         O000, "belstat/net-rus-blr-1991-2011,", "id", "'belstat/net-rus-blr-1991-2011' cannot become an IRI"),
    Case("identifier-uppercase", I003, "  - id: kaz-foreign-labour-decision-2001", "  - id: KAZ-foreign-labour-decision-2001",
         I003, "  - id: KAZ-foreign-labour-decision-2001", "id", "cannot become an IRI"),
    # --- record shape -------------------------------------------------------------------------------------
    # --- references between records ------------------------------------------------------------------------
    Case("amends-unknown-instrument", I003, "    date: 2011-07-22\n    jurisdiction", "    date: 2011-07-22\n    amends: kaz-law-of-1812\n    jurisdiction",
         I003, "  - id: kaz-law-on-migration-2011", "amends", "unknown instrument 'kaz-law-of-1812'"),
    Case("responsible-unknown-organisation", I003, "    date: 2011-07-22\n    jurisdiction", "    date: 2011-07-22\n    responsible: [ministry-of-magic]\n    jurisdiction",
         I003, "    responsible: [ministry-of-magic]", "responsible", "unknown organisation 'ministry-of-magic'"),
    Case("national-authority-without-country", "curated/organisations.yaml", "    kind: national-authority\n    country: BLR\n",
         "    kind: national-authority\n", "curated/organisations.yaml", "  - id: mia-belarus", None,
         "a national authority needs its country"),
    Case("role-unknown", "curated/003_7758bc43b281afd9/roles.yaml", None,
         "roles:\n  - {country: KAZ, role: destination, period: 2008, locator: Table 1}\n",
         "curated/003_7758bc43b281afd9/roles.yaml", "  - {country: KAZ", "role", "Input should be 'receiving', 'sending' or 'transit'"),
    Case("zone-of-unknown-programme", "curated/003_7758bc43b281afd9/zones.yaml", None,
         "zones:\n  - {id: north, label: North zone, programme: nurly-kosh-2, country: KAZ, regions: [{id: kz-akmola, label: Akmola}], locator: Research}\n",
         "curated/003_7758bc43b281afd9/zones.yaml", "  - {id: north", "programme", "unknown instrument 'nurly-kosh-2'"),
    Case("unknown-field", I000, "    place: Minsk", "    plase: Minsk",
         I000, "    plase: Minsk", "plase", "unknown field", "place"),
    Case("unknown-field-in-party", I000, "in_force: 2000-04-10", "in_forse: 2000-04-10",
         I000, "in_forse: 2000-04-10", "parties.3.in_forse", "unknown field", "in_force",),
    Case("unknown-field-with-alias", M000, "{organisation: ces, member: BLR, from:", "{organisation: ces, member: BLR, form:",
         M000, "form: 2012-01-01", "form", "unknown field", "from",),
    Case("missing-locator", I003, "    locator: Research, footnote 35\n", "    # locator removed\n",
         I003, "  - id: kaz-complex-plan-migration-2014-2016", "locator", "required field is missing", "a value"),
    Case("draft-with-entry-into-force", I000,
         "    class: international-agreement\n    type: agreement\n    title: Agreement on legal status",
         "    class: draft\n    type: agreement\n    title: Agreement on legal status",
         I000, "  - id: migrant-workers-legal-status-agreement-2010", None, "a draft has no entry into force"),
    Case("national-law-without-jurisdiction", I003,
         "    date: 2011-07-22\n    jurisdiction: KAZ\n", "    date: 2011-07-22\n",
         I003, "  - id: kaz-law-on-migration-2011", None, "a national-law needs a jurisdiction"),
    # --- CSV shape ------------------------------------------------------------------------------------------
    Case("csv-row-with-extra-cell", O000,
         'and 470,000 people went in the opposite direction",', 'and 470,000 people went in the opposite direction",,',
         O000, "belstat-arrivals-blr-rus-1991-2011,", None, "row has 18 cells", "17 cells"),
    Case("csv-header-changed", O003, "id,measure,origin,", "id,measure,from,",
         O003, 1, None, "header is id,measure,from,", "header id,measure,origin,"),
    # --- third-party treaty tables and the ICMW status table ---------------------------------------------------
    Case("treaty-table-unknown-state-code", HUGGO, KGZ_EAEU, KGZ_EAEU.replace(",KGZ,", ",KGX,"),
         HUGGO, "(EAEU),29.05.2014,KGX,", "stateID", "'KGX' (line", "ISO 3166 alpha-3"),
    Case("treaty-table-unreadable-date", HUGGO, "23.12.2014,NA,12.08.2015,", "23.12.2014,NA,12/08/2015,",
         HUGGO, "12/08/2015", "StateForce", "'12/08/2015' is not a date", "dd.mm.yyyy"),
    Case("treaty-table-impossible-date", HUGGO, "23.12.2014,NA,12.08.2015,", "23.12.2014,NA,31.02.2015,",
         HUGGO, "31.02.2015", "StateForce", "has no day 31", "dd.mm.yyyy"),
    Case("treaty-table-open-end-as-signature", HUGGO, "Belarus,NA,1040,29.05.2014,", "Belarus,NA,1040,31.12.9999,",
         HUGGO, "Belarus,NA,1040,31.12.9999,", "StateSignature",
         "'31.12.9999' (HUGGO's 'no end') in the StateSignature column"),
    Case("treaty-table-dates-out-of-order", HUGGO, "23.12.2014,NA,12.08.2015,", "23.12.2014,NA,12.08.2013,",
         HUGGO, "12.08.2013", None, "entry into force 2013-08-12 is before consent 2014-12-23"),
    Case("treaty-table-unknown-numeric-code", DESTA, "Accession of the Kyrgyz Republic\";112;398;643;51;417;",
         "Accession of the Kyrgyz Republic\";112;398;643;51;999;",
         DESTA, "Accession of the Kyrgyz Republic\";112;398;643;51;999;", "c1 … c91", "'999' (line",
         "ISO 3166 numeric"),
    Case("treaty-table-unknown-place-name", GPTAD, '"Armenia, Kyrgyz"', '"Armenia, Kyrgyzz"',
         GPTAD, None, None, "'Kyrgyzz'", "place-names.yaml"),
    Case("match-unknown-curated-instrument", MATCHES, APPEND,
         "  - {desta: 434, instrument: cu-ces-treaty-2099, reason: \"test: a curated instrument that does not exist\"}\n",
         MATCHES, "cu-ces-treaty-2099", "instrument", "unknown curated instrument 'cu-ces-treaty-2099'"),
    Case("match-names-a-missing-treaty", MATCHES, APPEND,
         "  - {huggo: NOSUCH_1999O, desta: 434, reason: \"test: a manyID that is not in the table\"}\n",
         MATCHES, "NOSUCH_1999O", "huggo", "'NOSUCH_1999O' is not a manyID"),
    Case("match-without-reason", MATCHES, APPEND, "  - {desta: 87, gptad: 1}\n",
         MATCHES, "  - {desta: 87, gptad: 1}", "reason", "required field is missing", "a value"),
    Case("icmw-unknown-country-code", ICMW, "KG,Kyrgyzstan,1,2003", "KX,Kyrgyzstan,1,2003",
         ICMW, "KX,Kyrgyzstan", "iso2", "'KX' (line", "ISO 3166 alpha-2"),
    Case("icmw-contradictory-status", ICMW, "AZ,Azerbaijan,1,1999,0,0,", "AZ,Azerbaijan,1,1999,1,0,",
         ICMW, "AZ,Azerbaijan", None, "2 of the columns state party, signatory, no action are 1"),
]


# ------------------------------------------------------------------------------------------------------------
# Helpers and fixtures
# ------------------------------------------------------------------------------------------------------------


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


def _mutate(sources: Path, case: Case) -> int | None:
    """Apply the case's mutation; return the expected line number."""
    path = sources / case.file
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.old is APPEND:
        data = path.read_bytes()
        assert data.endswith(b"\n"), f"{case.file} does not end with a newline"
        path.write_bytes(data + _bytes(case.new))
    elif case.old is None:
        path.write_bytes(_bytes(case.new))
    else:
        data = path.read_bytes()
        old = _bytes(case.old)
        assert data.count(old) == 1, f"mutation anchor occurs {data.count(old)} times in {case.file}: {case.old!r}"
        path.write_bytes(data.replace(old, _bytes(case.new)))
    if case.line is None or isinstance(case.line, int):
        return case.line
    data = path.read_bytes()
    anchor = _bytes(case.line)
    assert data.count(anchor) == 1, f"line anchor occurs {data.count(anchor)} times in {case.file}: {case.line!r}"
    return data[: data.index(anchor)].count(b"\n") + 1


def _ends_with(file: str, suffix: str) -> bool:
    file = file.replace(os.sep, "/")
    return file == suffix or file.endswith("/" + suffix)


def _store_state(store: Path) -> dict:
    database = open_read_only(store)
    count = int(next(iter(database.query(COUNT_QUADS)))["n"].value)
    del database
    return {
        "digest": store_digest(store),
        "quads": count,
        "current": os.readlink(store / "current"),
        "generations": sorted(os.listdir(store / "generations")),
    }


class GoodStore(NamedTuple):
    sources: Path
    store: Path
    state: dict


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> GoodStore:
    base = tmp_path_factory.mktemp("good")
    sources = base / "sources"
    shutil.copytree(SOURCES, sources)
    store = base / "store"
    report = build(sources=sources, store=store, tables=False)
    state = _store_state(store)
    assert state["digest"] == report.digest and state["quads"] == report.quads > 0
    return GoodStore(sources, store, state)


def _bad_sources(tmp_path: Path, good: GoodStore) -> Path:
    sources = tmp_path / "sources"  # named like the original: problems show "sources/curated/..."
    shutil.copytree(good.sources, sources)
    return sources


def _build_expecting_error(sources: Path, good: GoodStore, tables: bool = False) -> InputError:
    try:
        build(sources=sources, store=good.store, tables=tables)
    except InputError as error:
        return error
    # The bad input was accepted and the store now serves it: put the good graph back
    # (its generation is still on disk) and drop the bad generation, so that the other
    # cases see the good store exactly as it was.
    build(sources=good.sources, store=good.store, tables=False)
    for name in os.listdir(good.store / "generations"):
        if name not in good.state["generations"]:
            shutil.rmtree(good.store / "generations" / name)
    pytest.fail("build accepted the bad input (no InputError)")


def _find(error: InputError, suffix: str, line: int | None, field: str | None, phrase: str) -> InputProblem:
    listing = "\n".join(repr(p) for p in error.problems)
    candidates = [p for p in error.problems if _ends_with(p.file, suffix) and phrase in p.message]
    assert candidates, f"no problem in {suffix} with {phrase!r} in its message; problems:\n{listing}"
    for problem in candidates:
        if (problem.line, problem.field) == (line, field):
            return problem
    pytest.fail(f"expected line {line} and field {field!r} for {phrase!r}; candidates:\n"
                + "\n".join(repr(p) for p in candidates))


def _assert_str_names_everything(error: InputError, problem: InputProblem) -> None:
    text = str(problem)
    assert text in str(error)
    assert text.startswith(problem.file + (f":{problem.line}" if problem.line else ""))
    if problem.record:
        assert f"record {problem.record!r}" in text
    if problem.field:
        assert f"field {problem.field!r}" in text
    assert problem.message in text
    if problem.expected:
        assert f"(expected {problem.expected})" in text


# ------------------------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------------------------


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=f"loader bug: {case.bug}")] if case.bug else []
    return pytest.param(case, id=case.id, marks=marks)


def test_enough_cases():
    assert len(CASES) >= 18
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_input_is_refused_and_store_untouched(case: Case, good: GoodStore, tmp_path: Path):
    sources = _bad_sources(tmp_path, good)
    line = _mutate(sources, case)

    error = _build_expecting_error(sources, good)

    assert _store_state(good.store) == good.state, "a failed build changed the store"
    assert error.problems and all(isinstance(p, InputProblem) for p in error.problems)
    problem = _find(error, case.problem_file, line, case.field, case.message)
    if case.expected is not None:
        assert problem.expected is not None and case.expected in problem.expected, repr(problem)
    _assert_str_names_everything(error, problem)


def test_several_problems_are_reported_together(good: GoodStore, tmp_path: Path):
    month_13 = next(case for case in CASES if case.id == "month-13")
    unknown_unit = next(case for case in CASES if case.id == "unknown-unit")
    sources = _bad_sources(tmp_path, good)
    line_month = _mutate(sources, month_13)
    line_unit = _mutate(sources, unknown_unit)

    error = _build_expecting_error(sources, good)

    assert _store_state(good.store) == good.state, "a failed build changed the store"
    first = _find(error, I000, line_month, "date", "month 13")
    second = _find(error, O000, line_unit, "unit", "unknown unit 'people'")
    assert str(first) in str(error) and str(second) in str(error)
