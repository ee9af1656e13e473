"""Connection limits that uvicorn does not have: uvicorn's HTTP/1.1 protocol (h11) with

* a time limit for a request's head (request line and headers): from the
  connection, or from the first byte of a later request on it, to the end of the
  head; a client that sends nothing or trickles its headers is answered 408 and
  dropped (uvicorn's own keep-alive timeout covers idle time between requests);
* a time limit for a request's body, from the end of its head: past it (and a
  few seconds' grace, in which the app answers a slow body on /sparql with 408)
  the connection is dropped, whatever the route;
* 414 for a request line and 431 for a head larger than the limits, answered
  before the connection is closed, and after reading what the client sent, so
  the client reads the answer instead of a connection reset;
* at most ``per_client`` open connections per remote address: one more is closed
  at once, so that one client's idle sockets do not use up the server's
  connection cap (uvicorn's ``limit_concurrency``, set in ``server``).

The subclass touches only the asyncio protocol methods and uvicorn's ``conn``
(the h11 connection) and ``client`` attributes.
"""

from __future__ import annotations

import asyncio
import re

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from mrkg.endpoint.limits import ConnectionLimits


BODY_GRACE = 3.0  # seconds past the body time limit for the app's own 408 to go out first
_LINE_END = re.compile(rb"\r?\n")
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def protocol_class(limits: ConnectionLimits) -> type:
    """uvicorn's ``http`` setting: the h11 protocol with ``limits``."""
    return type("LimitedH11Protocol", (LimitedH11Protocol,), {"limits": limits, "open_by_client": {}})


class LimitedH11Protocol(H11Protocol):
    limits: ConnectionLimits = ConnectionLimits()
    open_by_client: dict[str, int] = {}  # per subclass (see protocol_class): shared by its connections

    _deadline: asyncio.TimerHandle | None = None
    _deadline_for: str | None = None
    _refused = False
    _counted: str | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        host = self.client[0] if self.client else None
        if host is not None:
            open_now = self.open_by_client.get(host, 0)
            if open_now >= self.limits.per_client:
                transport.close()  # nothing read yet: nothing to answer
                return
            self.open_by_client[host] = open_now + 1
            self._counted = host
        self._arm("head", self.limits.header_timeout)

    def connection_lost(self, exc) -> None:
        self._disarm()
        if self._counted is not None:
            left = self.open_by_client.get(self._counted, 1) - 1
            if left > 0:
                self.open_by_client[self._counted] = left
            else:
                self.open_by_client.pop(self._counted, None)
            self._counted = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # read and dropped: the answer is on its way and the connection closing
        if self.conn.their_state is h11.IDLE and self._too_large(data):
            return
        super().data_received(data)
        self._follow_state()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow_state()

    def _follow_state(self) -> None:
        """Arm the deadline that fits where the request is: its head, its body, or none."""
        if self.transport.is_closing():
            self._disarm()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            buffered = self.conn.trailing_data[0]
            if buffered.strip() and self._deadline_for != "head":
                self._arm("head", self.limits.header_timeout)
            elif not buffered.strip() and self._deadline_for == "head" and self.cycle is not None:
                self._disarm()  # between requests: uvicorn's keep-alive timeout applies
        elif state is h11.SEND_BODY:
            if self._deadline_for != "body":
                self._arm("body", self.limits.body_timeout + BODY_GRACE)
        else:
            self._disarm()

    def _arm(self, what: str, seconds: float) -> None:
        self._disarm()
        self._deadline_for = what
        self._deadline = self.loop.call_later(seconds, self._expired, what)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self._deadline_for = None

    def _expired(self, what: str) -> None:
        self._deadline = self._deadline_for = None
        if self.transport.is_closing():
            return
        if what == "head" and self.conn.their_state is h11.IDLE:
            if self.conn.trailing_data[0].strip():
                self._refuse(408, "Request Timeout",
                             f"the request's headers did not arrive within {self.limits.header_timeout:g} s")
            else:
                self.transport.close()  # a connection that never sent anything
        elif what == "body" and self.conn.their_state is h11.SEND_BODY:
            self.transport.close()  # the app, waiting for the body, sees a disconnect

    def _too_large(self, data: bytes) -> bool:
        head = self.conn.trailing_data[0] + data
        line = _LINE_END.search(head)
        line_length = line.start() if line else len(head)
        if line_length > self.limits.max_request_line:
            self._refuse(414, "URI Too Long", f"the request line is longer than {self.limits.max_request_line} "
                                              "bytes; send a long query in a POST body instead")
            return True
        end = _HEAD_END.search(head)
        head_length = end.start() if end else len(head)
        if head_length > self.limits.max_head:
            self._refuse(431, "Request Header Fields Too Large",
                         f"the request's headers are larger than {self.limits.max_head} bytes")
            return True
        return False

    def _refuse(self, status: int, reason: str, message: str) -> None:
        """Answer ``status`` outside h11 (the request was never parsed), then close after a short
        linger that reads the rest of what the client sends: closing with unread data would reset
        the connection and the client might never see the answer."""
        self._refused = True
        self._disarm()
        body = (message + "\n").encode("utf-8")
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
                             b"x-content-type-options: nosniff\r\nconnection: close\r\n\r\n%s"
                             % (status, reason.encode("ascii"), len(body), body))
        try:
            self.transport.write_eof()
        except (NotImplementedError, OSError, RuntimeError):
            self.transport.close()
            return
        self.loop.call_later(self.limits.linger, self.transport.close)

    def eof_received(self):
        if self._refused:
            self.transport.close()
        return super().eof_received()
