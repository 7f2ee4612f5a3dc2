"""Run one check in a forked child process while the parent runs the others."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
_FAILED = ("background check failed",)


def can_fork() -> bool:
    """Tell whether a child can start as a copy of this process (Linux, not Windows or macOS)."""
    # macOS has fork, but forking a process that has loaded system frameworks is unsafe.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _child(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Compute in the child and send the outcome; the parent redoes the work if this fails."""
    try:
        outcome = function(*args)
    except BaseException:  # the parent recomputes and reports it there
        outcome = _FAILED
    sender.send(outcome)
    sender.close()


class Background(Generic[T]):
    """``function(*args)``, computed in a forked child when ``parallel``, else on demand.

    The function must not print and must return a small picklable value; the child gets
    its arguments by fork, without pickling, so they may be large.
    """

    def __init__(self, function: Callable[..., T], *args: Any, parallel: bool) -> None:
        self._function, self._args = function, args
        self._done = False
        self._outcome: T | None = None
        self._process: Any = None
        if parallel and can_fork():
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()  # else the child would write buffered output a second time
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(sender, function, args))
            self._process.daemon = True
            self._process.start()
            sender.close()

    def result(self) -> T:
        """Wait for the outcome and return it."""
        if not self._done:
            outcome: Any = _FAILED
            if self._process is not None:
                try:
                    outcome = self._receiver.recv()
                except (EOFError, OSError):
                    outcome = _FAILED
                self.close()
            self._outcome = self._function(*self._args) if outcome == _FAILED else outcome
            self._done = True
        return cast(T, self._outcome)

    def close(self) -> None:
        """Stop the child if it still runs, and release it."""
        if self._process is not None:
            self._receiver.close()
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
