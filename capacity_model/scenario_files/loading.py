"""A scenario file, and the files it extends, to a :class:`LoadedScenario`: read, merged,
``--set`` applied, validated."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError
from ..inheritance import Mark, Marks, merge, removal_paths
from ..paths import PathError, resolve
from ..schema import Scenario
from ..textfiles import read_text
from .locations import location_of, mark_of
from .validation import scenario_from_data
from .variants import set_value, unvary
from .yaml_text import MAX_VALUES, read_yaml

#: Longest chain of extends: a file, its parent, its parent's parent...
MAX_EXTENDS = 20


def _read_text(path: Path, file: str, at: Mark | None = None) -> str:
    """A scenario file's text; problems are placed at ``at`` (an ``extends:``) when given."""
    return read_text(path, file, "scenario file", at)


@dataclass(frozen=True)
class Override:
    """A value set on the command line with ``--set PATH=VALUE``."""

    path: str
    """The field path as written."""
    text: str
    """The value as written, in the field's unit."""
    location: tuple[str | int, ...]
    """Keys and list positions of the field in the scenario."""

    def __str__(self) -> str:
        return f"{self.path}={self.text}"


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and how it was put together."""

    scenario: Scenario
    files: tuple[str, ...]
    """The file named, then each file it extends, nearest first."""
    overrides: tuple[Override, ...] = ()
    """Values set on the command line, in order."""
    marks: Marks = field(default_factory=dict, compare=False, repr=False)
    """File and line of each value, by its path of keys and list positions."""

    @property
    def file(self) -> str:
        return self.files[0]

    def place(self, problems: Sequence[Problem]) -> list[Problem]:
        """Problems found only by computing (an overflow), placed in this scenario: the file and
        line where their field was written (or its nearest enclosing entry)."""
        data = self.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
        placed = []
        for problem in problems:
            if problem.file is not None:  # already placed (a --set or --param value, another file)
                placed.append(problem)
                continue
            where, line = mark_of(self.marks, location_of(data, problem.field), self.file)
            placed.append(dataclasses.replace(problem, file=where or self.file, line=line))
        return placed


def load_scenario(path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file (following ``extends``).

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file, line and field.
    """
    return load(path).scenario


def load(path: str | Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    """Read a scenario file, merge it over the files it extends, apply ``--set`` overrides, validate.

    Parameters
    ----------
    path
        The scenario file.
    overrides
        ``PATH=VALUE`` texts, as given to ``--set``: the value is written in the
        field's unit (``15%``, ``2031-06``, ``4 Tbps``) and validated like the file.
        A field that the uncertainty section varies is fixed at the value set.

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file and line where the
        value was written (parent or child), or the ``--set`` it came from.
    """
    data, marks, files = read_document(Path(path), str(path))
    if not overrides:
        return LoadedScenario(scenario_from_data(data, marks=marks, file=str(path)), files, marks=marks)
    base = scenario_from_data(data, marks=marks, file=str(path))
    data = copy.deepcopy(data)
    applied, problems = [], []
    for text in overrides:
        label = f"--set {text}"
        field_path, equals, value_text = text.partition("=")
        if not equals or not field_path.strip() or not value_text.strip():
            problems.append(
                Problem("write --set PATH=VALUE, e.g. --set demand.chinese-transit.share.end=15%", label)
            )
            continue
        try:
            ref = resolve(base, field_path.strip(), settable=True)
        except PathError as error:
            problems.append(Problem(str(error), label))
            continue
        try:
            value, _ = read_yaml(value_text.strip(), label)
        except ScenarioError as error:
            problems.extend(replace_file(error.problems, label))
            continue
        set_value(data, ref.location, value)
        unvary(data, base, ref)
        marks[ref.location] = (label, None)
        applied.append(Override(field_path.strip(), value_text.strip(), ref.location))
    if problems:
        raise ScenarioError(problems)
    return LoadedScenario(scenario_from_data(data, marks=marks, file=str(path)), files, tuple(applied), marks)


def replace_file(problems: Sequence[Problem], file: str) -> list[Problem]:
    """The same problems, placed in ``file`` with no line."""
    return [Problem(p.message, file=file, field=p.field) for p in problems]


def read_document(
    path: Path, file: str, chain: tuple[tuple[Path, str], ...] = (), at: Mark | None = None, used: int = 0
) -> tuple[Any, Marks, tuple[str, ...]]:
    """One file's data merged over the files it ``extends``, with each value's file and line.

    ``chain`` holds the files that extend this one (resolved path, name as shown);
    ``at`` is the ``extends:`` that names this file, where a missing file is reported;
    ``used`` counts the values those files hold: a chain holds at most :data:`.yaml_text.MAX_VALUES`.
    Returns the data, its marks, and the files read (this one first).
    """
    text = _read_text(path, file, at)
    data, lines = read_yaml(text, file)
    used += len(lines)
    if used > MAX_VALUES and at is not None:
        raise ScenarioError(
            Problem(
                f"the files of this extends chain hold more than {MAX_VALUES:,} values together; "
                "a scenario holds a few hundred",
                *at,
                field="extends",
            )
        )
    marks: Marks = {key: (file, line) for key, line in lines.items()}
    if not isinstance(data, dict) or ("extends" not in data and "remove" not in data):
        return data, marks, (file,)
    data = dict(data)
    if "extends" not in data:
        raise ScenarioError(
            Problem(
                "remove: drops entries inherited with extends:, and this file extends nothing",
                file=file,
                line=lines.get(("remove",)),
                field="remove",
            )
        )
    parent_name = data.pop("extends")
    at = marks[("extends",)]
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(
            Problem("expected the path of a scenario file, e.g. extends: baseline.yaml", *at, field="extends")
        )
    parent_path = path.parent / parent_name.strip()
    here = (_resolved(path, at), file)
    seen = [resolved for resolved, _ in (*chain, here)]
    if _resolved(parent_path, at) in seen:
        names = [name for _, name in (*chain, here)]
        loop = [*names[seen.index(_resolved(parent_path, at)) :], str(parent_path)]
        raise ScenarioError(
            Problem(
                "extends goes round in a circle: " + " extends ".join(loop) + "; remove one of the extends",
                *at,
                field="extends",
            )
        )
    if len(chain) + 1 >= MAX_EXTENDS:
        raise ScenarioError(
            Problem(
                f"extends reaches more than {MAX_EXTENDS} files in a chain; extend a nearer file",
                *at,
                field="extends",
            )
        )
    parent_file = str(parent_path)
    parent, parent_marks, parent_files = read_document(parent_path, parent_file, (*chain, here), at, used)
    if not isinstance(parent, dict):
        raise ScenarioError(
            Problem(
                f"extends {parent_name!r}, which is not a scenario (its top level is not a mapping)",
                *at,
                field="extends",
            )
        )
    written = data.pop("remove", None) or []
    remove_at = marks.get(("remove",), at)
    if not isinstance(written, list) or not all(isinstance(p, str) for p in written):
        raise ScenarioError(
            Problem(
                "expected a list of field paths, e.g. remove: [links.new-cable]", *remove_at, field="remove"
            )
        )
    removed, problems = removal_paths(parent, written, remove_at)
    if problems:
        raise ScenarioError(problems)
    merged, merged_marks = merge(parent, parent_marks, data, marks, removed)
    for location in removed:  # a required field removed, or a list emptied, is reported at the remove: list
        if all(isinstance(step, str) for step in location) and not _holds(merged, location):
            merged_marks[location] = remove_at
        elif location[:-1] and _holds(merged, location[:-1]) and _at(merged, location[:-1]) == []:
            merged_marks[location[:-1]] = merged_marks[("remove", *location[:-1])] = remove_at
    return merged, merged_marks, (file, *parent_files)


def _holds(data: Any, location: tuple[str, ...]) -> bool:
    """Whether the mappings of ``data`` hold a value at ``location``."""
    for step in location:
        if not isinstance(data, dict) or step not in data:
            return False
        data = data[step]
    return True


def _at(data: Any, location: tuple[str, ...]) -> Any:
    """The value at ``location`` in mappings that :func:`_holds` found hold one."""
    for step in location:
        data = data[step]
    return data


def _resolved(path: Path, at: Mark) -> Path:
    """``path`` made absolute with links followed; a name no file can have is refused at ``at``."""
    try:
        os.fsencode(path)
        if "\x00" in str(path):
            raise ValueError
    except (UnicodeError, ValueError):
        raise ScenarioError(
            Problem(
                f"{str(path)!r} cannot be a file name (it holds a NUL or an unpaired surrogate character); "
                "name a scenario file",
                *at,
                field="extends",
            )
        ) from None
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python < 3.13)
        raise ScenarioError(
            Problem(
                f"cannot follow {str(path)!r}: its symbolic links go round in a circle; name a scenario file",
                *at,
                field="extends",
            )
        ) from None
