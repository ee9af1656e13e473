"""A build stage run in a child process beside the stages after it.

The checks (SHACL shapes and the violation queries, about 6 s of Python) need nothing that the later
stages make, and nothing the later stages make depends on their outcome, except whether it may be
stored. So the build forks them off once the dataset is consolidated and goes on comparing, dumping
and loading into a staging generation; the loader asks ``result()`` before the generation is made
current, and a failure removes it (``graph.store.install_stream``): nothing is stored unless every
stage passed, as before. On two cores the build takes about 4 s less (docs/benchmarks.md).

Where a process cannot be forked (not Linux), the stage runs at once, in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import time
import traceback
from typing import Any, Callable


class StageFailed(RuntimeError):
    """The child stage raised an exception that could not be sent back as it was."""


class Background:
    """``function(*args)`` started now; ``result()`` waits for it and returns its value or raises its exception."""

    def __init__(self, function: Callable[..., Any], *args: Any):
        self.name = getattr(function, "__name__", "stage")
        self._started = time.perf_counter()
        self._value: tuple | None = None
        self._process = None
        if not _can_fork():
            self._value = _outcome(function, args)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(send, function, args), daemon=True,
                                        name=f"mrkg-{self.name}")
        self._process.start()
        send.close()

    def done(self) -> bool:
        """True once the stage has finished (its outcome can be read without waiting)."""
        return self._value is not None or self._receive.poll()

    def result(self) -> Any:
        if self._value is None:
            try:
                self._value = pickle.loads(self._receive.recv_bytes())
            except EOFError:
                self._process.join()
                self._value = ("error", StageFailed(
                    f"the {self.name} stage's process ended without an answer (exit code {self._process.exitcode})"),
                               time.perf_counter() - self._started)
            finally:
                self._close()
        kind, value, _ = self._value
        if kind == "error":
            raise value
        return value

    @property
    def seconds(self) -> float | None:
        """How long the stage itself took (known once it has finished)."""
        return None if self._value is None else round(self._value[2], 3)

    def cancel(self) -> None:
        """Stop the stage if it still runs (the build failed elsewhere)."""
        if self._process is not None and self._value is None:
            self._process.kill()
            self._close()

    def _close(self) -> None:
        if self._process is not None:
            self._process.join()
            self._receive.close()
            self._process = None


def _can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def _outcome(function, args) -> tuple:
    started = time.perf_counter()
    try:
        return ("ok", function(*args), time.perf_counter() - started)
    except Exception as error:  # sent back to the parent, which raises it
        return ("error", error, time.perf_counter() - started)


def _child(send, function, args) -> None:
    outcome = _outcome(function, args)
    try:
        data = pickle.dumps(outcome)
    except Exception:
        kind, value, seconds = outcome
        text = "".join(traceback.format_exception(value)) if kind == "error" else repr(value)
        data = pickle.dumps(("error", StageFailed(f"the stage's outcome could not be sent back: {text}"), seconds))
    send.send_bytes(data)
    send.close()
    os._exit(0)  # no atexit handlers or finalisers of the parent's objects in the child
