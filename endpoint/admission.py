"""Fair sharing of the query workers among clients (a client is a remote address).

Every request that evaluates something takes a slot first; there are as many
slots as workers. Two rules keep one or two heavy clients from starving the
rest:

* a client may hold at most ``per_client`` slots, running or waiting; one more
  request is refused at once with 429 and ``Retry-After`` (it costs nothing);
* a freed slot goes to the waiting client that is running the fewest queries,
  then to the one that used the least worker time lately (decaying with a
  half-life of a minute), then first come first served. A client that loops
  heavy queries thus always stands behind one that does not, and the latter
  waits at most for the next slot to come free: at worst one query time limit.

Waiting is bounded (``wait``): past it the answer is 503 with ``Retry-After``.
Everything here runs on the event loop, so no locks are needed.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import time
from dataclasses import dataclass, field

import anyio


class ClientBusy(Exception):
    """This client already has as many requests in progress as it may."""

    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"you already have {limit} request(s) in progress, the most one client may have at once; "
                         f"wait for an answer, then try again (in {retry_after} s)")
        self.retry_after = retry_after


class ServerBusy(Exception):
    """No slot came free within the waiting limit."""

    def __init__(self, wait: float, retry_after: int):
        super().__init__(f"the server is busy: no query worker came free within {wait:g} s; try again shortly")
        self.retry_after = retry_after


@dataclass
class _Waiter:
    client: str
    order: int
    event: anyio.Event = field(default_factory=anyio.Event)
    granted: bool = False


class Admission:
    HALF_LIFE = 60.0  # seconds for a client's recorded worker time to halve
    MAX_TRACKED = 4096  # clients whose worker time is remembered; the least used are forgotten first

    def __init__(self, slots: int, per_client: int = 2, wait: float = 60.0, retry_after: int = 1):
        if slots < 1 or per_client < 1:
            raise ValueError("admission needs at least one slot and one request per client")
        self.slots = slots
        self.per_client = per_client
        self.wait = wait
        self.retry_after = retry_after
        self._free = slots
        self._held: dict[str, int] = {}  # running and waiting, per client
        self._running: dict[str, int] = {}
        self._usage: dict[str, tuple[float, float]] = {}  # client -> (worker seconds, as of when)
        self._waiting: list[_Waiter] = []
        self._order = itertools.count()
        self.refused = 0  # 429s, for the log and the tests

    def usage(self, client: str, now: float | None = None) -> float:
        seconds, since = self._usage.get(client, (0.0, 0.0))
        now = time.monotonic() if now is None else now
        return seconds * 0.5 ** ((now - since) / self.HALF_LIFE)

    @contextlib.asynccontextmanager
    async def slot(self, client: str):
        """Hold one slot for ``client`` while the body runs; ``ClientBusy`` or ``ServerBusy`` if not."""
        if self._held.get(client, 0) >= self.per_client:
            self.refused += 1
            raise ClientBusy(self.per_client, self.retry_after)
        self._held[client] = self._held.get(client, 0) + 1
        try:
            await self._acquire(client)
            started = time.monotonic()
            try:
                yield
            finally:
                self._release(client, time.monotonic() - started)
        finally:
            self._held[client] -= 1
            if not self._held[client]:
                del self._held[client]

    async def _acquire(self, client: str) -> None:
        if self._free and not self._waiting:
            self._free -= 1
            self._running[client] = self._running.get(client, 0) + 1
            return
        waiter = _Waiter(client, next(self._order))
        self._waiting.append(waiter)
        try:
            with anyio.fail_after(self.wait):
                await waiter.event.wait()
        except BaseException as error:
            if waiter.granted:  # granted as the wait ended: give the slot on
                self._release(client, 0.0)
            else:
                self._waiting.remove(waiter)
            if isinstance(error, TimeoutError):
                raise ServerBusy(self.wait, max(1, math.ceil(self.wait / 4))) from None
            raise

    def _release(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        self._usage[client] = (self.usage(client, now) + seconds, now)
        self._running[client] -= 1
        if not self._running[client]:
            del self._running[client]
        if len(self._usage) > self.MAX_TRACKED:
            for forgotten in sorted(self._usage, key=lambda c: self.usage(c, now))[:len(self._usage) // 2]:
                if forgotten not in self._held:
                    del self._usage[forgotten]
        if not self._waiting:
            self._free += 1
            return
        chosen = min(self._waiting, key=lambda w: (self._running.get(w.client, 0), self.usage(w.client, now), w.order))
        self._waiting.remove(chosen)
        chosen.granted = True
        self._running[chosen.client] = self._running.get(chosen.client, 0) + 1
        chosen.event.set()
