"""Short labels and families of instruments, for views that must stay legible at their default zoom.

Many titles name their parties at length ("Free trade agreement between Armenia and the Russian
Federation (1992)"); cut to a fixed length they all read "Free trade agreement between Armenia an…".
A short label keeps what the instrument is and puts its parties as ISO codes
("Free trade agreement ARM–RUS (1992)"); the full title stays in the tooltip. Instruments whose
titles differ only by their parties form a family ("Free trade agreement"), which a view can group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIMIT = 56  # characters: at most three lines of a node label

# "<what> between|among <parties><rest>", the rest starting where the party names end.
_PARTIES = re.compile(r"^(?P<stem>.+?) (?:between|among|Between|Among) (?P<parties>.+?)(?P<rest>(?: on | in |: | \().*)?$")
# Words that may stand between party names: "the Republic of Belarus and the Russian Federation",
# "the Government of the Russian Federation and the Government of the Republic of Tajikistan".
_FILLER = re.compile(r"\b(?:the|republic|of|and|government)\b|[,\s]+", re.IGNORECASE)
# "Commonwealth of Independent States (CIS)" -> "CIS".
# Each word ends at its separator, so the words of a name split one way only (the earlier "[ ,]?"
# let a run of capitals split every way: exponential backtracking on long titles without an
# abbreviation, such as the labour agreements' "Agreement Between the Government of ...").
_ABBREVIATED = re.compile(r"(?:[A-Z][\w-]*(?: (?:of|and|the|for))?,? )+\((?P<abbr>[A-Z]{2,6})\)")
_YEAR = re.compile(r" \((?:1[89]|20)\d\d\)$")


@dataclass(frozen=True)
class Title:
    """A short label, and the family key when the title differs from others only by its parties."""

    label: str
    family: str | None


def short_title(title: str, parties: dict[str, str]) -> Title:
    """The short label of an instrument titled ``title`` whose parties are ``parties`` (code -> name)."""
    family = None
    text = title
    match = _PARTIES.match(title)
    if match:
        codes = _codes(match["parties"], parties)
        if codes:
            rest = match["rest"] or ""
            family = match["stem"] + _YEAR.sub("", rest)
            text = f"{match['stem']} {'–'.join(codes)}{rest}"
    return Title(_cut(_abbreviate(text)), family)


def _abbreviate(text: str) -> str:
    """Long names that carry their abbreviation replaced by it, one at a time, until the text fits."""
    while len(text) > LIMIT:
        shorter = _ABBREVIATED.sub(lambda m: m["abbr"], text, count=1)
        if shorter == text:
            break
        text = shorter
    return text


def _codes(phrase: str, parties: dict[str, str]) -> list[str]:
    """The codes of the parties named in ``phrase``, in its order; [] unless it names parties and nothing else."""
    found = sorted((phrase.find(name), code) for code, name in parties.items() if name and name in phrase)
    rest = phrase
    for _, code in found:
        rest = rest.replace(parties[code], " ")
    if not found or _FILLER.sub("", rest):
        return []
    return [code for _, code in found]


def _cut(text: str) -> str:
    """At most LIMIT characters, cut at a word, keeping a closing year such as " (1995)"."""
    if len(text) <= LIMIT:
        return text
    year = _YEAR.search(text)
    tail = year.group(0) if year else ""
    head = text[: LIMIT - len(tail) - 1]
    head = head.rsplit(" ", 1)[0] if " " in head else head
    return head.rstrip(" ,:;–-") + "…" + tail
