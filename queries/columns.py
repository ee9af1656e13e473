"""The type of every column of the named queries, and the documentation table made from them.

A named query's header declares its columns by name (``# columns:``); the kind of each is
declared here, once per column name, with the few exceptions per query. The kinds drive the
typed presentation of results (``typed.py``: ``Result.values()``, ``to_dataframe()``, the
CLI's CSV and JSON), so that a DataFrame has the same columns and dtypes whatever rows a query
returns, even none. ``docs/queries.md`` is generated from this table (the command is
``REGENERATE`` below); a test keeps the two equal, and another checks every kind against the
terms the queries' examples return.
"""

from __future__ import annotations

from mrkg.queries.library import NamedQuery, named_queries

REGENERATE = """python -c "from mrkg.queries.columns import markdown; print(markdown(), end='')" > docs/queries.md"""

TEXT = "text"
CODE = "code"
CODES = "codes"
ENTITY = "entity"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
DATE = "date"
DATE_OR_TEXT = "date-or-text"
NUMBER_OR_DATE = "number-or-date"

# What each kind becomes; the README and docs/queries.md show this table.
KIND_DOCS = {
    TEXT: ("str", "object", "a label, note, locator or other text"),
    CODE: ("str", "object", "an identifier written as a literal (instrument id, ISO 3166 alpha-3 code)"),
    CODES: ("str", "object", "several identifiers in one cell, separated by spaces or commas, in alphabetical order"),
    ENTITY: ("str + `<col>_iri`", "object + `<col>_iri`",
             "an IRI, shown as its code (`BLR`, `net-migration`, `mrkg:Programme`); the IRI is in `<col>_iri`"),
    INTEGER: ("int", "int64 (Int64 when the column has blanks)", "a whole number"),
    DECIMAL: ("decimal.Decimal", "float64", "a number as the source prints it (exact in values(), float in pandas)"),
    BOOLEAN: ("bool", "bool (boolean when the column has blanks)", "yes or no"),
    DATE: ("str + `<col>_start`, `<col>_end` (datetime.date), `<col>_precision`",
           "object + `<col>_start`, `<col>_end` (datetime64[ns]), `<col>_precision`",
           "a date or period as written (`1992`, `2009-11`, `1992-05-25`, `1991–2011`, "
           "`[1999-09-26..2001-07-02]`); start and end are its first and last possible days, precision is "
           "year, month, day or range"),
    DATE_OR_TEXT: ("as date", "as date",
                   "a date or period as for date, or a text (`entry into force`, `2015 and 2019`) whose start, "
                   "end and precision are blank"),
    NUMBER_OR_DATE: ("Decimal, or str for a date", "object: float, or str for a date",
                     "a figure, or a date where the comparison is about dates"),
}

# Kinds by column name; a column not listed is text.
BY_NAME = {
    **dict.fromkeys(("value", "total", "upper", "difference", "relative"), DECIMAL),
    **dict.fromkeys(("rank", "counted"), INTEGER),
    **dict.fromkeys(("signed", "consent_date", "in_force", "withdrawn", "termination", "suspended", "from", "to",
                     "date", "entry_into_force", "period", "figure_period", "year"), DATE),
    **dict.fromkeys(("instrument", "party", "member", "programme", "jurisdiction", "id", "partner", "observation",
                     "instrument_a", "instrument_b", "adopted_within", "amends", "part_of", "type", "role"), CODE),
    **dict.fromkeys(("responsible", "funded_by", "covers", "policy_areas", "parties_a", "parties_b",
                     "members_counted"), CODES),
    **dict.fromkeys(("origin", "destination", "area", "measure", "source", "source_a", "source_b", "country",
                     "scope", "zone", "region", "class", "entity"), ENTITY),
}

# Where a query's column differs from the kind its name has elsewhere.
BY_QUERY = {
    ("figures", "instrument"): ENTITY,  # the IRI of the instrument a figure is about
    ("stock", "source"): CODE,
    ("programmes", "measure"): CODE,
    ("instrument-figures", "measure"): CODE,
    ("observation", "instrument"): ENTITY,
    ("memberships", "body"): CODE,
    ("partner-years", "measure"): CODE,
    ("partner-years", "source"): CODE,
    ("partner-years", "year"): INTEGER,
    ("partner-years", "figures"): INTEGER,
    ("rules", "delay_months"): INTEGER,
    ("rules", "delay_days"): INTEGER,
    ("rules", "first_day_of_next_month"): BOOLEAN,
    ("regime-between", "country"): CODE,
    ("regime-between", "item"): CODE,
    ("regime-between", "date"): DATE_OR_TEXT,
    ("regime-between", "source"): TEXT,
    ("source-discrepancies", "period_a"): DATE_OR_TEXT,
    ("source-discrepancies", "period_b"): DATE_OR_TEXT,
    ("source-discrepancies", "value_a"): NUMBER_OR_DATE,
    ("source-discrepancies", "value_b"): NUMBER_OR_DATE,
    ("labour-agreements", "partner"): ENTITY,  # the partner's IRI (a country, or SUN for the USSR)
    # GLOBALCIT citizenship law
    **{(query, column): kind for query in ("citizenship-law", "citizenship-history")
       for column, kind in (("in_force_on", DATE), ("code", INTEGER), ("provision", BOOLEAN),
                            ("residence_years", INTEGER))},
    ("citizenship-law", "mode"): CODE,
    ("citizenship-history", "mode"): ENTITY,
    # Visa requirements (dataset passport-index-visa)
    ("visa-requirement", "code"): CODE,
    ("visa-requirement", "days"): INTEGER,
    ("visa-free", "code"): CODE,
    ("visa-free", "days"): INTEGER,
    ("visa-changes", "before"): CODE,
    ("visa-changes", "after"): CODE,
    ("visa-changes", "before_days"): INTEGER,
    ("visa-changes", "after_days"): INTEGER,
    ("visa-changes", "from_snapshot"): DATE,
    ("visa-changes", "to_snapshot"): DATE,
    ("visa-free-into", "passport"): ENTITY,
    ("visa-free-into", "code"): CODE,
    ("visa-free-into", "days"): INTEGER,
}


def column_kind(query: str, column: str) -> str:
    return BY_QUERY.get((query, column), BY_NAME.get(column, TEXT))


def column_kinds(query: NamedQuery) -> dict[str, str]:
    """The kind of each column ``run_named`` returns (the header's columns, ``rank`` for limited queries)."""
    columns = list(query.columns) + (["rank"] if query.limit and "rank" not in query.columns else [])
    return {column: column_kind(query.name, column) for column in columns}


def markdown(queries: dict[str, NamedQuery] | None = None) -> str:
    """docs/queries.md: the column types of every named query."""
    queries = named_queries() if queries is None else queries
    lines = [
        "# Column types of the named queries",
        "",
        "Generated from `queries/columns.py` by "
        f"`{REGENERATE}`; "
        "`tests/test_typed_results.py` fails when this file and the queries' columns disagree.",
        "",
        "`Result.rows` holds the rdflib terms as the store returns them. `Result.values()`, "
        "`Result.to_dataframe()` and `mrkg query --format csv|json` present them by the column's type:",
        "",
        "| type | values() | to_dataframe() | meaning |",
        "|---|---|---|---|",
        *(f"| {kind} | {python} | {pandas} | {meaning} |" for kind, (python, pandas, meaning) in KIND_DOCS.items()),
        "",
        "Blank cells are `None` in values(), `NaN`/`NaT`/`<NA>`/`None` in the DataFrame and empty in CSV; JSON "
        "writes numbers unquoted (a decimal as an integer when it is whole) and `null` for blanks.",
        "",
        "| query | column | type |",
        "|---|---|---|",
    ]
    for name, query in sorted(queries.items()):
        lines += [f"| {name} | {column} | {kind} |" for column, kind in column_kinds(query).items()]
    return "\n".join(lines) + "\n"
