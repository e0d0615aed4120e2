"""The package's exceptions: one small hierarchy, nothing else.

``ScenarioError`` is raised for bad user input (a scenario file, a command-line
value). It carries a list of :class:`Problem`, each pointing at a file, a line
and a field path, so that every mistake in a file is reported at once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


class CapacityModelError(Exception):
    """Base class of every error this package raises on purpose."""


#: Characters a name may hold although Unicode calls them format characters: the zero-width
#: non-joiner and joiner, parts of how Urdu, Persian and Indic words are written.
JOINERS = "\u200c\u200d"


def is_hidden(character: str) -> bool:
    """Whether ``character`` would break a line, drive a terminal, hide itself or reorder the
    text around it: control characters, surrogates, line and paragraph separators, and format
    characters such as zero-width spaces and right-to-left marks (Unicode categories Cc, Cs,
    Zl, Zp and Cf, the :data:`JOINERS` excepted)."""
    return character not in JOINERS and unicodedata.category(character) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def one_line(text: str, keep: str = "") -> str:
    """``text`` with each hidden character (:func:`is_hidden`; newline and tab included unless
    in ``keep``) written as an escape such as ``\\n``, ``\\x1b`` or ``\\u202e``, so that it
    stays one visible line and cannot drive the terminal."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        repr(c)[1:-1] if is_hidden(c) and c not in keep else c  # repr escapes each of them
        for c in text
    )


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario: where it is and what to do about it.

    Parameters
    ----------
    message
        What was found and how to fix it, worded for the author of the file.
    file
        Path of the file as the user gave it, or ``None``.
    line
        1-based line number in ``file``, or ``None`` when unknown.
    field
        Field path such as ``links[ofc].phases[1].capacity``, or ``""``.
    """

    message: str
    file: str | None = None
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return one_line(f"{where}{field}{self.message}")


class ScenarioError(CapacityModelError):
    """Bad user input: one or more :class:`Problem` found in a scenario."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[Problem]]]:
        """Pickled with its problems (a sweep's worker processes send it back whole)."""
        return (ScenarioError, (self.problems,))
