"""The endpoint's resource bounds and their defaults, in one light module (the CLI imports it at
start; the modules that enforce them, ``workers``, ``admission`` and ``connections``, are heavier)."""

from __future__ import annotations

from dataclasses import dataclass

# Bytes of data segment per query worker (RLIMIT_DATA; see ``workers``). Measured on the full
# graph (1.57 M quads, 2026-12-05): an idle worker's data segment is about 430 MB, and the
# heaviest named query (source-discrepancies, 6,700 rows) takes it to about 1,050 MB; 1.5 GiB
# leaves every named query half as much again, and stops a CONCAT doubling bomb within 3 s.
DEFAULT_MEMORY_LIMIT = 1536 * 2**20
# Requests one client (remote address) may have in progress at once, running or waiting.
DEFAULT_PER_CLIENT = 2
# Open connections in all; one more is answered 503 by uvicorn.
DEFAULT_MAX_CONNECTIONS = 256
# Seconds a connection may stay idle between requests (uvicorn's keep-alive timeout).
DEFAULT_KEEP_ALIVE = 5.0
# The longest query text, in UTF-8 bytes, accepted alike in a GET's URL and in a POST's body.
DEFAULT_MAX_QUERY = 64 * 1024


def encoded_allowance(max_query: int) -> int:
    """Bytes of request line or body that carry a query of ``max_query`` bytes in any encoding:
    URL-encoding writes a byte as at most three (%XX), and 4 KiB is left for the other
    parameters and the method, path and version."""
    return 3 * max_query + 4096


# The transport bounds are derived from the query bound, so that a query within it fits a GET
# and a POST alike (a form body is URL-encoded as a URL is).
DEFAULT_MAX_BODY = encoded_allowance(DEFAULT_MAX_QUERY)


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0  # seconds for a request's head
    body_timeout: float = 20.0  # seconds for a request's body, from the end of its head
    max_request_line: int = encoded_allowance(DEFAULT_MAX_QUERY)  # bytes; 414 past it
    max_head: int = encoded_allowance(DEFAULT_MAX_QUERY) + 32 * 1024  # bytes of request line and headers; 431 past it
    per_client: int = 32  # open connections per remote address
    linger: float = 2.0  # seconds to read what a refused client still sends, before closing
