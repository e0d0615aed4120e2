"""The package's exceptions: one small hierarchy, nothing else.

``ScenarioError`` is raised for bad user input (a scenario file, a command-line
value). It carries a list of :class:`Problem`, each pointing at a file, a line
and a field path, so that every mistake in a file is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass


class CapacityModelError(Exception):
    """Base class of every error this package raises on purpose."""


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
        return f"{where}{field}{self.message}"


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
