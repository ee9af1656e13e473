"""Child processes: a fresh interpreter running one function, talking through a socket pair.

``multiprocessing``'s spawn method re-imports the caller's main module in the
child, which fails from a notebook cell read from stdin and re-runs a script
that lacks an ``if __name__ == "__main__"`` guard. This starts
``python -c`` instead, sends it the function's module, name and arguments,
and leaves the connection to the function. The child's standard output goes
to the parent's standard error, so that nothing it prints can mix with the
benchmark's JSON.
"""

from __future__ import annotations

import importlib
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from typing import Any, Callable, Mapping

_BOOT = "from mrkg.bench.spawn import child_main; child_main()"


class Child:
    """``function(connection, *args)`` running in a new Python process (with ``environment``, else
    this process's)."""

    def __init__(self, function: Callable[..., Any], *args: Any, environment: Mapping[str, str] | None = None):
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen([sys.executable, "-c", _BOOT, str(theirs.fileno())],
                                            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=2,
                                            env=None if environment is None else dict(environment))
        self.connection = Connection(ours.detach())
        self.connection.send((function.__module__, function.__qualname__, args))

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.is_alive():
            self.process.kill()
        self.join()

    def join(self, timeout: float | None = None) -> int | None:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            if self.process.returncode is not None and not self.connection.closed:
                self.connection.close()

    @property
    def exitcode(self) -> int | None:
        return self.process.returncode


def child_main() -> None:
    connection = Connection(int(sys.argv[1]))
    module, name, args = connection.recv()
    function = importlib.import_module(module)
    for part in name.split("."):
        function = getattr(function, part)
    try:
        function(connection, *args)
    finally:
        connection.close()
