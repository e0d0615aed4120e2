"""Reading a user's text file safely: a regular file of at most :data:`MAX_FILE_BYTES`, UTF-8,
without control characters; every problem worded for the user, with the file and line.

Scenario files (:mod:`.scenario_files`) and the data files of observed series
(:mod:`.series`) are both read here: files travel between analysts and are untrusted.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from .errors import Problem, ScenarioError

__all__ = ["MAX_FILE_BYTES", "check_characters", "read_text"]

#: Largest file read [bytes]: scenario files are a few kilobytes, data series a few hundred lines.
MAX_FILE_BYTES = 1_000_000
#: Control characters (the C0 and C1 sets, DEL) but tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _character_name(char: str) -> str:
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x08": "backspace", "\x0c": "form feed"}
    return f"U+{ord(char):04X}" + (f" ({names[char]})" if char in names else "")


def check_characters(text: str, file: str | None, what: str) -> None:
    """Refuse control characters, naming the first one's line and column; ``what`` names the
    file's kind in the message (``'a scenario'``, ``'a data file'``)."""
    found = _CONTROL.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    raise ScenarioError(
        Problem(
            f"the control character {_character_name(found.group())} is not allowed (column {column}); "
            f"delete it: {what} holds printable text only",
            file=file,
            line=line,
        )
    )


def read_text(
    path: Path, file: str, kind: str, at: tuple[str | None, int | None] | None = None, field: str = "extends"
) -> str:
    """A file's text, its byte order mark removed.

    Parameters
    ----------
    path
        Where the file is.
    file
        Its name as the user wrote it, for messages.
    kind
        What it should be, for messages: ``'scenario file'``, ``'data file'``.
    at
        The file and line that name this file (an ``extends:``, a ``data:``): problems are
        placed there, at ``field``.
    """
    where: dict[str, Any] = {"file": file}
    if at is not None:  # named by another file: say so there
        where = {"file": at[0], "line": at[1], "field": field}
        file = f"{file} ({field} is relative to the file it is written in)"
    if "\x00" in str(path):
        raise ScenarioError(Problem(f"the file name contains a NUL character; name a {kind}", **where))
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(
                Problem(
                    f"is not a regular file (a device, pipe or socket); name a {kind}"
                    + (f": {file}" if at else ""),
                    **where,
                )
            )
        if info.st_size > MAX_FILE_BYTES:
            raise ScenarioError(
                Problem(
                    f"is {info.st_size:,} bytes; a {kind} may be at most {MAX_FILE_BYTES:,} bytes "
                    "(they are a few kilobytes)" + (f": {file}" if at else ""),
                    **where,
                )
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:  # grew while being read
            raise ScenarioError(Problem(f"is more than {MAX_FILE_BYTES:,} bytes", **where))
    except FileNotFoundError:
        raise ScenarioError(Problem(f"file not found: {file}" if at else "file not found", **where)) from None
    except IsADirectoryError:
        raise ScenarioError(
            Problem(f"is a folder, not a {kind}" + (f": {file}" if at else ""), **where)
        ) from None
    except OSError as error:
        raise ScenarioError(Problem(f"cannot read {file}: {error.strerror}", **where)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError(
            Problem(
                f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8",
                file=file,
                line=line,
            )
        ) from None
    return text.removeprefix("\ufeff")
