"""``python -m capacity_model`` and the ``capacity-model`` command.

The entry point imports the command line inside the signal guard, so a Ctrl-C or
SIGTERM while the libraries load (matplotlib takes about a second) ends with the
same one line and exit code as it does once a command is running.

Once the command has finished, the process leaves without tearing its objects down one by
one (:func:`leave`): freeing a report's figures and the loaded libraries at exit took
0.15 s of a 1.5 s run, for memory the operating system reclaims anyway. Output is flushed
and the exit handlers run first; mypy ends its runs the same way.
"""

import atexit
import contextlib
import os
import sys
from typing import NoReturn

from .signals import STOPPED_MESSAGE, Terminated, exit_code, sigterm_raises


def run() -> int:
    """Import and run the command line; return its exit code."""
    try:
        with sigterm_raises():
            from .cli import main

            return main()
    except (KeyboardInterrupt, Terminated) as stop:  # reached only before a command starts
        print(STOPPED_MESSAGE, file=sys.stderr)
        return exit_code(stop)


def leave(code: int) -> NoReturn:
    """End the process with ``code``: flush stdout and stderr, run the exit handlers, then
    exit without the interpreter's teardown."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that has gone, a stream closed
            stream.flush()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # pragma: no cover - not CPython: the usual exit
        sys.exit(code)
    run_exit_handlers()
    os._exit(code)


def entry() -> NoReturn:
    """The ``capacity-model`` command: run it, then :func:`leave` with its exit code."""
    leave(run())


if __name__ == "__main__":
    entry()
