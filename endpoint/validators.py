"""Conditional requests (RFC 9110, 13.1), shared by the pages and the release's files."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from starlette.requests import Request


def not_modified(request: Request, etag: str, modified: float) -> bool:
    """Whether the client's copy is current: If-None-Match, when sent, decides alone (weak
    comparison: a gzip-compressed answer is the same representation); otherwise
    If-Modified-Since against ``modified`` (seconds since the epoch)."""
    matches = request.headers.get("if-none-match")
    if matches is not None:
        tags = [tag.strip() for tag in matches.split(",")]
        return "*" in tags or any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in tags)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, OverflowError):
            return False
    return False
