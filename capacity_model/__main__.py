"""``python -m capacity_model`` and the ``capacity-model`` command.

The entry point imports the command line inside the signal guard, so a Ctrl-C or
SIGTERM while the libraries load (matplotlib takes about a second) ends with the
same one line and exit code as it does once a command is running.

Once the command has finished, the process leaves without tearing its objects down one by
one (:func:`leave`): freeing a report's figures and the loaded libraries at exit took
0.15 s of a 1.5 s run, for memory the operating system reclaims anyway. The exit handlers
run and the output is flushed first; mypy ends its runs the same way.
"""

import atexit
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
    """End the process with ``code``: run the exit handlers, flush stdout and stderr, then
    exit without the interpreter's teardown. Output that cannot be written (a full disk)
    ends with code 120, as Python's own exit does; a reader that has gone is no error."""
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # pragma: no cover - not CPython: the usual exit
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a reader that has gone, a stream closed
            pass
        except OSError:
            code = 120
    os._exit(code)


def entry() -> NoReturn:
    """The ``capacity-model`` command: run it, then :func:`leave` with its exit code."""
    leave(run())


if __name__ == "__main__":
    entry()
