"""Safe YAML with line marks: only plain mappings, lists, strings, numbers, booleans and
nulls are built, with bounds on depth, size and the length of numbers; every value keeps its line."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import Problem, ScenarioError
from ..textfiles import check_characters
from .locations import LineMap, Path_, locate

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
        raise ScenarioError([Problem(m, file=file, line=n, field=locate(data, p)[0]) for m, n, p in found])
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
