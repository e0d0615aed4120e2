"""Read scenario files: safe YAML with line marks, then validation.

``load_scenario(path)`` is the only entry point most callers need. Reading
keeps the line of every value, so that each problem pydantic finds is
reported as ``file:line: field.path: message``. Loading is safe: only plain
mappings, lists, strings, numbers, booleans and nulls are built; any YAML tag
that would construct an object is an error.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Problem, ScenarioError
from .inheritance import Mark, Marks, merge, removal_paths
from .paths import FieldRef, PathError, resolve, segments, written_value
from .quantities import did_you_mean, entry_label
from .schema import MODEL_TAGS, Scenario
from .series import read_series
from .textfiles import check_characters, read_text
from .uncertainty import DISTRIBUTIONS
from .units import UnitError, format_month, parse_month, written

__all__ = [
    "LineMap",
    "LoadedScenario",
    "Override",
    "dump_scenario_yaml",
    "load",
    "load_scenario",
    "read_yaml",
    "scenario_from_data",
    "unique",
    "variant",
]

Path_ = tuple[Any, ...]
LineMap = dict[Path_, int]
"""1-based line of each value, keyed by its path of mapping keys and list indices."""

_PLAIN_TAGS = {"tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq")}


class _PlainLoader(yaml.SafeLoader):
    """Safe loader that reads plain values as YAML 1.2 does (as editors do): only ``true`` and
    ``false`` are booleans (``No``, ``yes``, ``on`` stay text), integers are decimal (or ``0o``,
    ``0x``), and dates stay text (the schema parses them)."""


_YAML12 = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
)
_PlainLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _YAML12:
    for _char in _first:
        _PlainLoader.yaml_implicit_resolvers.setdefault(_char, []).append((_tag, re.compile(_pattern)))
_PlainLoader.yaml_implicit_resolvers.setdefault("", []).append(("tag:yaml.org,2002:null", re.compile(r"^$")))
# YAML 1.1's merge key (<<: *defaults), which editors also accept, is kept.
_PlainLoader.yaml_implicit_resolvers["<"] = [("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"))]
for _char in "=":  # YAML 1.1's value key '=' is plain text too
    _PlainLoader.yaml_implicit_resolvers.pop(_char, None)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """A YAML 1.2 integer: decimal (a leading 0 is not octal), ``0o`` octal or ``0x`` hex."""
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text, 0)
    return int(text, 10)


_PlainLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_yaml(text: str, file: str | None = None) -> tuple[Any, LineMap]:
    """Parse YAML text into plain Python data and the line of every value.

    Parameters
    ----------
    text
        The file's contents.
    file
        Name used in error messages.

    Returns
    -------
    data, lines
        The document as dicts, lists and scalars; and the 1-based line of
        each value by path.

    Raises
    ------
    ScenarioError
        On a syntax error, a duplicate key, or a tag other than the plain ones.
    """
    _check_characters(text, file)
    _check_depth(text, file)
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise ScenarioError(_syntax_problem(error, text, file)) from None
    except yaml.YAMLError as error:
        raise ScenarioError(Problem(f"YAML error: {error}", file=file)) from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    lines: LineMap = {}
    found: list[tuple[str, int, Path_]] = []
    try:
        data = _Builder(loader, lines, found).build(node, ())
    except _TooLargeError as error:
        raise ScenarioError(Problem(str(error), file=file, line=error.line)) from None
    if found:
        # Paths are shown once the whole document is known, so list entries get their ids.
        raise ScenarioError([Problem(m, file=file, line=n, field=_locate(data, p)[0]) for m, n, p in found])
    return data, lines


#: Deepest nesting of mappings and lists a file may have; a scenario needs about eight.
MAX_DEPTH = 64


def _check_characters(text: str, file: str | None) -> None:
    """Refuse control characters, naming the first one's line and column."""
    check_characters(text, file, "a scenario")


def _check_depth(text: str, file: str | None) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, read off YAML's tokens (which, unlike
    its composer, are not built by recursion). Syntax errors are left to the parser."""
    depth = 0
    opening = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for token in yaml.scan(text, Loader=_PlainLoader):
            if isinstance(token, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScenarioError(
                        Problem(
                            f"mappings and lists nest more than {MAX_DEPTH} levels deep here; a scenario "
                            "needs about eight",
                            file=file,
                            line=token.start_mark.line + 1,
                        )
                    )
            elif isinstance(token, closing):
                depth -= 1
    except yaml.YAMLError:
        return


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, file: str | None) -> Problem:
    """One line for a YAML syntax error: where it was noticed, and where its context began."""
    last_line = max(1, len(text.splitlines()))
    mark = error.problem_mark or error.context_mark
    line = min(mark.line + 1, last_line) if mark is not None else None
    what = error.problem or "the file is not valid YAML"
    if mark is not None and mark.line + 1 <= last_line:
        what += f" (column {mark.column + 1})"
    elif mark is not None:
        what += " at the end of the file"
    context = error.context_mark
    if error.context and context is not None and line != context.line + 1 <= last_line:
        what += f", {error.context} started on line {context.line + 1}"
    elif error.context:
        what += f", {error.context}"
    hint = next((h for found, h in _SYNTAX_HINTS if found in (error.problem or "")), "")
    if "'\\t'" in (error.problem or ""):  # PyYAML writes the tab as '\t'
        hint = _TAB_HINT
    return Problem(f"YAML syntax error: {what}" + (f". {hint}" if hint else ""), file=file, line=line)


_TAB_HINT = "A tab character: YAML indents with spaces only; replace the tab with spaces"
#: Plain words for YAML's syntax errors, by a phrase of PyYAML's message.
_SYNTAX_HINTS = (
    ("that cannot start any token", "A character that cannot begin a value here; put the value in quotes"),
    (
        "mapping values are not allowed here",
        "A 'key: value' where it cannot be: check this line's indentation, or put a value that holds "
        "': ' in quotes",
    ),
    (
        "expected ',' or '}'",
        "A { ... } mapping is not closed with '}', or its entries are not separated by ','",
    ),
    ("expected ',' or ']'", "A [ ... ] list is not closed with ']', or its items are not separated by ','"),
    ("end of stream", "A quote or bracket is opened and never closed"),
    (
        "expected <block end>",
        "This line's indentation does not fit the lines above: indent entries of one mapping or list alike",
    ),
    (
        "could not find expected ':'",
        "A line that is not 'key: value': add the ':' or indent it under its key",
    ),
)


#: Half of a UTF-16 pair, which a double-quoted YAML string can write as an escape.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Most values a file may expand to: a guard against YAML aliases that multiply.
MAX_VALUES = 100_000
#: Longest number a file may write; no field needs more than a few digits.
MAX_NUMBER_CHARACTERS = 50
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: Longest chain of extends: a file, its parent, its parent's parent...
MAX_EXTENDS = 20


class _TooLargeError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Builder:
    """Build plain data from YAML nodes, recording each value's line.

    Problems are collected as ``(message, line, path)``. Aliases (``*name``) are
    followed, but one that contains itself is a problem, and a file expanding to
    more than :data:`MAX_VALUES` values is refused.
    """

    def __init__(
        self, loader: yaml.SafeLoader, lines: LineMap, problems: list[tuple[str, int, Path_]]
    ) -> None:
        self.loader = loader
        self.lines = lines
        self.problems = problems
        self.count = 0
        self.open: set[int] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLargeError(
                f"the file holds more than {MAX_VALUES:,} values (counting each use of a YAML alias "
                "*name); a scenario holds a few hundred",
                line,
            )
        if id(node) in self.open:
            self.problems.append(("a YAML alias (*name) refers to the value that contains it", line, path))
            return None
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(
                (
                    f"YAML tag {tag!r} is not allowed; a scenario holds plain text, numbers, lists "
                    "and mappings only",
                    line,
                    path,
                )
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARACTERS:
                self.problems.append(
                    (
                        f"a number {len(node.value):,} characters long; no field takes a number of more "
                        f"than {MAX_NUMBER_CHARACTERS} characters",
                        line,
                        path,
                    )
                )
                return None
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                self.problems.append((f"{node.value[:40]!r} cannot be read as a value", line, path))
                return None
            half = _SURROGATE.search(value) if isinstance(value, str) else None
            if half is not None:
                self.problems.append(
                    (
                        f"holds the escape \\u{ord(half.group()):04x}, which is half of a character (an "
                        "unpaired surrogate); write the character itself",
                        line,
                        path,
                    )
                )
                return None
            return value
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        """A mapping's entries; YAML merge keys (``<<: *defaults``) supply the keys it does not
        write itself, the first of several merged mappings taking precedence."""
        explicit = [(k, v) for k, v in node.value if k.tag != _MERGE_TAG]
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            if not all(isinstance(source, yaml.MappingNode) for source in sources):
                self.problems.append(
                    (
                        "a YAML merge key (<<:) takes a mapping or a list of mappings to copy keys from, "
                        "e.g. <<: *defaults",
                        key_node.start_mark.line + 1,
                        path,
                    )
                )
                continue
            for source in reversed(sources):  # earlier mappings win
                built = self.build(source, path)
                if isinstance(built, dict):
                    merged.update(built)
        result: dict[Any, Any] = dict(merged)
        written: set[Any] = set()
        for key_node, value_node in explicit:
            key_line = key_node.start_mark.line + 1
            known = len(self.problems)
            key = self.build(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if len(self.problems) > known:  # the key itself was refused, and said why
                continue
            if not isinstance(key, str):
                raw = key_node.value if isinstance(key_node, yaml.ScalarNode) else "this key"
                read_as = (
                    "a number"
                    if isinstance(key, (int, float)) and not isinstance(key, bool)
                    else "true/false"
                )
                hint = f"YAML reads {raw} as {read_as}; put it in quotes: '{raw}'"
                if not isinstance(key_node, yaml.ScalarNode) or key is None:
                    hint = "a key must be a plain name"
                self.problems.append((f"key {raw!r} is not text: {hint}", key_line, path))
                continue
            if key in written:
                self.problems.append(
                    (f"key {key!r} appears twice in the same mapping; keep one", key_line, (*path, key))
                )
                continue
            written.add(key)
            self.lines[(*path, key)] = key_line
            result[key] = self.build(value_node, (*path, key))
        return result


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
            where, line = _mark(self.marks, _location_of(data, problem.field), self.file)
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
            problems.append(Problem("write --set PATH=VALUE, e.g. --set demand.transit.share.end=15%", label))
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
        _set(data, ref.location, value)
        _unvary(data, base, ref)
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
    ``used`` counts the values those files hold: a chain holds at most :data:`MAX_VALUES`.
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


def _set(data: Any, location: tuple[str | int, ...], value: Any) -> None:
    """Set the value at ``location`` in plain data, creating missing mappings on the way."""
    node = data
    for step in location[:-1]:
        if isinstance(step, str) and node.get(step) is None:
            node[step] = {}
        node = node[step]
    node[location[-1]] = value


def _unvary(data: Any, scenario: Scenario, ref: FieldRef) -> None:
    """Remove the uncertainty section's distribution of the field ``ref`` names, if any."""
    section = data.get("uncertainty") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return
    fixed = {p.path for p in scenario.parameters() if p.ref.location == ref.location}
    parameters = section.get("parameters") or {}
    for path in fixed:
        parameters.pop(path, None)
    section["correlations"] = [
        c for c in section.get("correlations") or [] if not fixed.intersection(c.get("between") or ())
    ]
    faults = any(
        isinstance(e, dict) and e.get("faults")
        for e in (data.get("links") or []) + (data.get("risk_groups") or [])
    )
    if not parameters and not faults:  # faults are drawn in a Monte Carlo run: the section stays
        data.pop("uncertainty")


def variant(scenario: Scenario, changes: Mapping[tuple[str | int, ...], Any], label: str) -> Scenario:
    """The scenario with some fields changed, validated again.

    Parameters
    ----------
    scenario
        The scenario to start from.
    changes
        New values in the fields' base units (Gbps, month index, months, fraction),
        by the field's location (see :attr:`capacity_model.paths.FieldRef.location`).
        A field the uncertainty section varies is fixed at the value given.
    label
        Names the change in problems, e.g. ``"share.end = 15%"``.

    Raises
    ------
    ScenarioError
        When the changed scenario is not valid (e.g. a phase moved past the next one).
    """
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for location, value in changes.items():
        ref = _ref_at(scenario, location)
        _set(data, location, written_value(ref, value))
        _unvary(data, scenario, ref)
    return scenario_from_data(data, file=label)


def _ref_at(scenario: Scenario, location: tuple[str | int, ...]) -> FieldRef:
    path = "".join(f"[{s}]" if isinstance(s, int) else (f".{s}" if i else s) for i, s in enumerate(location))
    return resolve(scenario, path)


_REQUIRED_TOP = "name, period, links and demand"


def scenario_from_data(
    data: Any, lines: LineMap | None = None, file: str | None = None, marks: Marks | None = None
) -> Scenario:
    """Validate plain data as a :class:`Scenario`, reporting problems by line.

    ``lines`` gives the line of each value in ``file``; ``marks`` instead gives
    the file and line of each value, for data merged from several files.

    Raises
    ------
    ScenarioError
        With one :class:`Problem` per mistake found.
    """
    if marks is None:
        marks = {key: (file, line) for key, line in (lines or {}).items()}
    lines = {key: line for key, (_, line) in marks.items() if line is not None}
    if data is None:
        raise ScenarioError(
            Problem(f"the file is empty; a scenario needs at least {_REQUIRED_TOP}", file=file, line=1)
        )
    if not isinstance(data, Mapping):
        raise ScenarioError(
            Problem(
                "the top level must be a mapping of fields such as 'name:' and 'period:', "
                f"found {_kind(data)}",
                file=file,
                line=lines.get((), 1),
            )
        )
    data = _with_fitted_points(data, marks, file)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = [p for e in error.errors() for p in _problems_from_error(e, data, marks, file)]
        problems.sort(key=lambda p: (p.file != file, p.file or "", p.line or 0))
        raise ScenarioError(unique(problems)) from None


def _with_fitted_points(data: Mapping[str, Any], marks: Marks, file: str | None) -> Mapping[str, Any]:
    """``data`` with the points of each ``growth: {model: fitted}`` read from its data file
    (relative to the file that names it), and the column and metric found there written in;
    a growth that gives its points (a resolved scenario) is left as it is.

    Raises
    ------
    ScenarioError
        A data file that cannot be read, or with bad rows: each problem names the data file
        and line (or, for a file that cannot be opened, the scenario's line naming it).
    """
    streams = data.get("demand")
    if not isinstance(streams, list):
        return data
    filled = None
    for k, stream in enumerate(streams):
        growth = stream.get("growth") if isinstance(stream, dict) else None
        if not (isinstance(growth, dict) and growth.get("model") == "fitted") or growth.get("points"):
            continue
        named = growth.get("data")
        if not isinstance(named, str) or not named.strip():
            continue  # the schema says what is wrong
        try:
            since, until = (
                None if growth.get(key) is None else parse_month(growth[key]) for key in ("since", "until")
            )
        except UnitError:
            continue  # the schema reports the date
        options = {key: growth.get(key) for key in ("column", "date_column", "metric")}
        if not all(value is None or isinstance(value, str) for value in options.values()):
            continue
        at = marks.get(("demand", k, "growth", "data"), (file, None))
        folder = Path(at[0]).parent if at[0] is not None else Path()
        label = f"demand[{stream.get('id', k)}].growth.data"
        where = folder / named.strip()
        try:
            series = read_series(
                where,
                str(where),
                since=since,
                until=until,
                at=at,
                field=label,
                options=("column:", "date_column:", "metric:"),
                **options,
            )
        except ScenarioError as error:  # problems in the data file: say which scenario names it
            if all(p.file == at[0] for p in error.problems):
                raise
            raise ScenarioError(
                [
                    *error.problems,
                    Problem(f"the data file {named.strip()} has the problems above", at[0], at[1], label),
                ]
            ) from None
        points = [
            {"at": format_month(int(m)), "value": float(v)}
            for m, v in zip(series.months, series.values, strict=True)
        ]
        if filled is None:
            filled = copy.deepcopy(dict(data))
        target = filled["demand"][k]["growth"]
        target.update(
            {
                "points": points,
                "column": series.column,
                **({"metric": series.metric} if series.metric else {}),
            }
        )
    return data if filled is None else filled


def unique(problems: list[Problem]) -> list[Problem]:
    """Problems once each, in their order (merged files and repeated --set report one mistake once)."""
    return list(dict.fromkeys(problems))


_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}

_TYPE_WORDS = {
    "string_type": "text",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "dict_type": "a mapping of fields (key: value)",
    "model_type": "a mapping of fields (key: value)",
    "model_attributes_type": "a mapping of fields (key: value)",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
}


def _problems_from_error(
    error: Mapping[str, Any], data: Any, marks: Marks, file: str | None
) -> list[Problem]:
    """One pydantic error as Problems; a rule's further findings come in its context."""
    first = _problem_from_error(error, data, marks, file)
    ctx = error.get("ctx") or {}
    more = [
        _problem_from_error({**error, "ctx": {"message": message, "at": at}}, data, marks, file)
        for message, at in ctx.get("more", ())
    ]
    return [first, *more]


def _problem_from_error(error: Mapping[str, Any], data: Any, marks: Marks, file: str | None) -> Problem:
    """Turn one pydantic error into a user-facing Problem with file, line and field."""
    ctx = error.get("ctx") or {}
    loc = tuple(error["loc"]) + tuple(ctx.get("at", ()))
    kind = error["type"]
    value = error.get("input")
    field, line_path = _locate(data, loc)
    if kind == "scenario":
        message = str(ctx["message"])
    elif kind == "extra_forbidden":
        allowed = _allowed_fields(error["loc"][:-1])
        key = str(error["loc"][-1])
        if re.fullmatch(r"[0-9]{3}(?:[,.][0-9]+)*(?:\s.*)?", key):  # {capacity: 4,000 Gbps}
            message = (
                f"{key!r} is the end of a number cut at a comma: inside {{ }} a comma separates "
                "fields; write the number without commas (e.g. 4000 Gbps)"
            )
        else:
            message = f"unknown field {key!r}" + (
                did_you_mean(key, allowed) or f"; allowed here: {', '.join(allowed)}"
            )
    elif kind == "missing":
        message = "required field is missing"
        if tuple(loc) in marks:  # dropped by a remove: list, which is marked there
            message += "; remove: drops it here, and the scenario needs it"
            line_path = tuple(loc)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        key = str(ctx.get("discriminator", "'model'")).strip("'")
        tags = _expected_tags(ctx, line_path)
        if kind == "union_tag_invalid":
            tag = str(ctx.get("tag"))
            message = f"unknown {key} {tag!r}" + (
                did_you_mean(tag, tags) or f"; use one of {', '.join(tags)}"
            )
            field += f".{key}"
            line_path += (key,)
        else:
            message = f"needs a {key!r} field: one of {', '.join(tags)}"
    elif kind in _TYPE_WORDS:
        message = f"expected {_TYPE_WORDS[kind]}, found {_kind(value)}"
        if kind == "string_type" and isinstance(value, (bool, int, float)):
            message += (
                "; YAML reads true and false as booleans and digits as numbers: put the value in quotes"
            )
    elif kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        found = (
            _number(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else _kind(value)
        )
        message = f"must be {word} {_number(ctx.get(key))}, found {found}"
    elif kind == "literal_error":
        allowed = [
            t.strip().strip("'") for t in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")
        ]
        message = f"{_kind(value)} is not allowed" + (
            did_you_mean(str(value), allowed) or f"; use one of {', '.join(allowed)}"
        )
    elif kind in ("int_parsing", "int_from_float"):
        message = f"expected a whole number, found {_kind(value)}"
    elif kind == "float_parsing":
        message = f"expected a number, found {_kind(value)}"
    elif kind == "too_short":
        minimum = ctx.get("min_length", 1)
        noun = "entry" if minimum == 1 else "entries"
        count = len(value) if isinstance(value, (list, dict, str)) else 0
        message = f"needs at least {minimum} {noun}, found {count}"
        if count == 0 and ("remove", *loc) in marks:
            message += "; remove: leaves it empty here"
    elif kind == "string_pattern_mismatch":
        message = (
            f"{value!r} is not a valid id; use letters, digits, '-' and '_', starting with a letter or digit"
        )
    elif kind == "too_long":
        count = len(value) if isinstance(value, (list, dict)) else 0
        message = f"takes at most {ctx.get('max_length')} entries, found {count}"
    elif kind == "string_too_short":
        message = "is empty; write a value"
    elif kind == "string_unicode":
        message = "is not readable text; write it with ordinary characters"
    elif kind == "string_too_long":
        message = f"is too long; use at most {ctx.get('max_length')} characters"
    else:
        message = str(error["msg"])
    where, line = _mark(marks, line_path, file)
    if kind == "scenario" and not str(where or "").startswith("--set "):
        message += _with_set_values(marks, line_path)
    return Problem(message, file=where, line=line, field=field)


def _with_set_values(marks: Marks, line_path: Path_) -> str:
    """``' (with --set PATH=VALUE)'`` when a value set on the command line sits in the same list
    entry (or section) as the field a rule reports, which the value may have caused; else ``''``."""
    depth = min(2, len(line_path))
    if depth == 0:
        return ""
    labels = [
        str(label)
        for location, (label, _) in marks.items()
        if str(label or "").startswith("--set ") and tuple(location[:depth]) == tuple(line_path[:depth])
    ]
    return f" (with {', '.join(dict.fromkeys(labels))})" if labels else ""


def _expected_tags(ctx: Mapping[str, Any], line_path: Path_) -> tuple[str, ...]:
    """The tags a discriminated union accepts: from pydantic's context, else by field name."""
    if "expected_tags" in ctx:
        return tuple(t.strip().strip("'") for t in str(ctx["expected_tags"]).split(","))
    return MODEL_TAGS.get(str(line_path[-1]) if line_path else "", DISTRIBUTIONS)


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by following ``loc`` from :class:`Scenario`."""
    model: Any = Scenario
    pending: list[Any] = []
    for step in loc:
        if isinstance(step, str) and _is_model(model):
            fields = {f.alias or name: f for name, f in model.model_fields.items()}
            if step not in fields:
                return []
            pending = [fields[step].annotation]
        elif isinstance(step, str):  # a union tag chooses the member
            pending = [m for m in pending if _literal_model_tag(m) == step]
        model = _unwrap(pending, isinstance(step, int))
        if _is_model(model):
            pending = [model]
        elif isinstance(model, list):
            pending = model
    if _is_model(model):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _is_model(annotation: Any) -> bool:
    """Whether ``annotation`` is a pydantic model class (``list[X]`` is not, on any Python)."""
    return (
        isinstance(annotation, type)
        and not isinstance(annotation, types.GenericAlias)
        and issubclass(annotation, BaseModel)
    )


def _unwrap(candidates: list[Any], into_item: bool) -> Any:
    """Strip Optional, Annotated and (when ``into_item``) list from a type."""
    members: list[Any] = []
    for annotation in candidates:
        stack = [annotation]
        while stack:
            current = stack.pop()
            origin = typing.get_origin(current)
            if origin is typing.Annotated:
                stack.append(typing.get_args(current)[0])
            elif origin in (typing.Union, types.UnionType):
                stack.extend(typing.get_args(current))
            elif origin is list and into_item:
                stack.append(typing.get_args(current)[0])
            elif current is not type(None):
                members.append(current)
    return members[0] if len(members) == 1 else members


def _literal_model_tag(model: Any) -> str | None:
    field = getattr(model, "model_fields", {}).get("model")
    args = typing.get_args(field.annotation) if field is not None else ()
    return str(args[0]) if args else None


def _mark(marks: Marks, path: Path_, file: str | None) -> Mark:
    """File and line of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), -1, -1):
        if path[:end] in marks:
            return marks[path[:end]]
    return file, None


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[str, Path_]:
    """Follow a pydantic ``loc`` through the raw data.

    Returns the field path as shown to the user (list entries named by their
    ``id``, targets by ``name``) and the path of keys and indices that exists
    in the data (for the line number). Discriminator tags that pydantic puts
    in ``loc`` are skipped.
    """
    shown = ""
    found: Path_ = ()
    node: Any = data
    for step in loc:
        if isinstance(node, Mapping) and step in node:
            shown += f".{step}" if shown else str(step)
            found += (step,)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            item = node[step]
            shown += f"[{entry_label(found[-1] if found else None, item, step)}]"
            found += (step,)
            node = item
        elif isinstance(node, Mapping) and step in (node.get("model"), node.get("dist")):
            continue  # a discriminated union's tag, not a key
        elif isinstance(step, str) and not step.startswith(("function-", "json-or-python")):
            shown += f".{step}" if shown else step
            node = None
        elif isinstance(step, int):
            shown += f"[{step}]"
            node = None
    return shown, found


def _location_of(data: Any, shown: str) -> Path_:
    """The path of keys and list positions of a field path as shown to a user
    (``demand[transit].growth``): the reverse of :func:`_locate`, as far as it can follow."""
    try:
        tokens = segments(shown) if shown else []
    except PathError:
        return ()
    found: Path_ = ()
    node: Any = data
    for text, bracketed, _ in tokens:
        if isinstance(node, list):
            labels = [entry_label(found[-1] if found else None, item, i) for i, item in enumerate(node)]
            index = next((i for i, label in enumerate(labels) if str(label) == text), None)
            if index is None and text.isascii() and text.isdigit() and int(text) < len(node):
                index = int(text)
            if index is None:
                break
            found, node = (*found, index), node[index]
        elif isinstance(node, Mapping) and not bracketed and text in node:
            found, node = (*found, text), node[text]
        else:
            break
    return found


def _number(value: Any) -> str:
    """A bound or a number found beside it, as a reader writes it: ``65,536``, ``1e+300``."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return written(value)


def dump_scenario_yaml(scenario: Scenario) -> str:
    """Write a scenario as YAML in readable units, every default filled in."""
    data = scenario.resolved().model_dump(mode="json", by_alias=True, exclude_none=True)
    # as before outages and corridors existed: a file without them dumps unchanged
    for key in ("outages", "corridors"):
        if not data.get(key):
            data.pop(key, None)
    for stream in data.get("demand", []):
        if not stream.get("backup"):
            stream.pop("backup", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
