"""`mrkg view ...` and `mrkg network ...`: option checking and dispatch (the CLI stays thin).

Option values are validated by the named-query binders and become RDF terms; a bad value
raises ``QueryError`` (one line, exit status 2).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from mrkg.loaders import instrument_terms
from mrkg.queries.library import BINDERS, QueryError

VIEW_KINDS = ("agreements", "flows", "country", "organisation", "visa")


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    return dt.date.fromisoformat(str(BINDERS["date"](value)))


def _year(value: str | None) -> int | None:
    return None if value is None else int(BINDERS["year"](value))


def _optional(kind: str, value: str | None):
    return None if value is None else BINDERS[kind](value)


def _instrument_type(value: str | None):
    if value is None:
        return None
    if value not in instrument_terms.TYPES:
        raise QueryError(f"{value!r} is not an instrument type; known: {', '.join(sorted(instrument_terms.TYPES))}")
    return instrument_terms.TYPES[value]


def positive_int(text: str) -> int:
    if not re.fullmatch(r"[1-9][0-9]{0,6}", text):
        raise QueryError(f"{text!r} is not a positive whole number")
    return int(text)


def non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise QueryError(f"{text!r} is not a non-negative number")
    return value


def _out_path(value: str) -> Path:
    out = Path(value)
    if out.is_dir():
        raise QueryError(f"--out {value}: is a folder; give a file name such as view.html")
    return out


def build_view(engine, args):
    """The ViewGraph and the node to centre for ``args.kind``."""
    from mrkg.views import agreements, country, flows, organisation, visa

    if args.kind == "agreements":
        extra = [f"{name}: {value}" for name, value in
                 (("organisation", args.organisation), ("instrument type", args.type), ("policy area", args.area))
                 if value]
        top = None if args.all else (args.top or agreements.DEFAULT_TOP)
        return agreements.build(engine, _date(args.on), _optional("organisation", args.organisation),
                                _instrument_type(args.type), _optional("policy-area", args.area), extra, top), None
    if args.kind == "flows":
        if not args.measure:
            raise QueryError("view flows needs --measure ID (e.g. migrant-stock, remittances); see `mrkg list measures`")
        top = None if args.all or (args.top is None and args.min is not None) else (args.top or flows.DEFAULT_TOP)
        return flows.build(engine, BINDERS["measure"](args.measure), args.measure, _year(args.year),
                           _optional("source", args.source), args.source, top, args.min), None
    if args.kind == "country":
        if not args.subject:
            raise QueryError("view country needs an ISO 3166 alpha-3 code, e.g. `mrkg view country KAZ --out kaz.html`")
        code = args.subject.upper()
        measure = args.measure or "migrant-stock"
        view = country.build(engine, BINDERS["country"](code), code, _date(args.on), BINDERS["measure"](measure),
                             measure, _year(args.year), _optional("source", args.source), args.source,
                             args.top or 5)
        return view, f"country:{code}"
    if args.kind == "visa":
        states = visa.DEFAULT_STATES if not args.states else tuple(
            str(BINDERS["country"](code.strip())).rsplit("/", 1)[1] for code in args.states.split(",") if code.strip())
        return visa.build(engine, states, str(_date(args.on)) if args.on else None), None
    if not args.subject:
        raise QueryError("view organisation needs an identifier, e.g. `mrkg view organisation eaeu --out eaeu.html`")
    return organisation.build(engine, BINDERS["organisation"](args.subject), args.subject, _date(args.on)), \
        f"organisation:{args.subject}"


def _check_options(args) -> None:
    allowed = {
        "agreements": {"on", "organisation", "type", "area", "top", "all"},
        "flows": {"measure", "year", "source", "top", "min", "all"},
        "country": {"on", "measure", "year", "source", "top"},
        "organisation": {"on"},
        "visa": {"on", "states"},
    }[args.kind]
    given = {name for name in ("on", "organisation", "type", "area", "measure", "year", "source", "top", "min", "all",
                               "states")
             if getattr(args, name, None) not in (None, False)}
    if given - allowed:
        raise QueryError(f"view {args.kind} takes no --{', --'.join(sorted(given - allowed))}; "
                         f"it takes {', '.join('--' + name for name in sorted(allowed))}")
    if args.all and args.top is not None:
        raise QueryError("give --top N or --all, not both")
    if args.kind in ("agreements", "flows", "visa") and args.subject:
        raise QueryError(f"view {args.kind} takes no positional argument (got {args.subject!r})")


def run_view(engine, args) -> int:
    from mrkg.views import page

    _check_options(args)
    out = _out_path(args.out)
    view, centre = build_view(engine, args)
    page.write(view, out, centre)
    drawn = sum(1 for edge in view.edges if not edge.hidden)
    later = f", {len(view.edges) - drawn} more on other dates" if drawn < len(view.edges) else ""
    print(f"Wrote {out}: {view.title} ({len(view.nodes)} nodes, {drawn} edges{later}"
          + (f", {len(view.clusters)} group{'s' if len(view.clusters) != 1 else ''}" if view.clusters else "") + ")", file=sys.stderr)
    return 0


def country_graph(engine, args):
    from mrkg.views import network

    if args.graph == "agreements":
        for name in ("measure", "year", "source"):
            if getattr(args, name) is not None:
                raise QueryError(f"--{name} applies to --graph flows, not to agreements")
        return network.agreements_graph(engine, _date(args.on))
    if args.on is not None:
        raise QueryError("--on applies to --graph agreements; for flows give --year")
    measure = args.measure or "migrant-stock"
    return network.flows_graph(engine, BINDERS["measure"](measure), measure, _year(args.year),
                               _optional("source", args.source), args.source)
