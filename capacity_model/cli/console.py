"""What the commands print: escaped, wrapped, and a progress bar on a terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import textwrap
import time
from typing import Any

from ..errors import one_line


class ProgressBar:
    """A progress bar on stderr, only on a terminal and only once work has taken 2 s."""

    def __init__(self, label: str, delay_seconds: float = 2.0) -> None:
        self.label = label
        self.start = time.monotonic()
        self.delay = delay_seconds
        self.shown = False
        self.active = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.active or (not self.shown and time.monotonic() - self.start < self.delay):
            return
        self.shown = True
        filled = round(30 * done / total)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def printable(text: str) -> str:
    """``text`` with terminal control characters (ESC, NUL, ...) and the marks that hide or reorder
    text shown as escapes such as ``\\x1b``, so that a file name or a value from a scenario
    cannot drive the terminal; line breaks and tabs are kept."""
    return one_line(text, keep="\n\t")


def echo(*parts: object, file: Any = None, end: str = "\n") -> None:
    """``print``, with control characters escaped (see :func:`printable`). When the reader has
    gone (``capacity-model run ... | head``), the rest of the output is dropped quietly and the
    work goes on."""
    stream = file or sys.stdout
    try:
        print(*(printable(str(p)) for p in parts), file=stream, end=end, flush=stream is sys.stdout)
    except BrokenPipeError:
        _drop(stream)


def _drop(stream: Any) -> None:
    """Send what is still written to a closed ``stream`` to the null device."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def wrapped(text: str, indent: int, first: str = "") -> str:
    """``text`` wrapped to 100 columns, indented; ``first`` starts the first line (e.g. a bullet)."""
    pad = " " * indent
    return textwrap.fill(text, 100, initial_indent=pad + first, subsequent_indent=pad + " " * len(first))
