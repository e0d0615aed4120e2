"""Stopping the program with Ctrl-C (SIGINT) or SIGTERM.

Either one ends the command with one line on standard error and the exit code a
shell reports for a command stopped by that signal (128 + its number), never a
traceback, wherever the signal arrives: while the libraries load, while a
scenario computes or while a report is staged. Reports are committed with both
signals blocked (:mod:`capacity_model.report.staging`), so a stop leaves earlier
reports whole.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Exit codes after a signal: 128 + the signal's number, as shells report them.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM

#: The one line printed when a command is stopped.
STOPPED_MESSAGE = "interrupted: reports not complete were not written; earlier ones are unchanged"


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that clean-up (``finally``) runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_code(stop: BaseException) -> int:
    """The exit code for a stop: 130 after Ctrl-C, 143 after SIGTERM."""
    return EXIT_INTERRUPTED if isinstance(stop, KeyboardInterrupt) else EXIT_TERMINATED
