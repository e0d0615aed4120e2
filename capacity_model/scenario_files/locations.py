"""Where a value is: its path of keys and list positions, the field as a reader writes it
(``demand[transit].growth.rate``), and the file and line it came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..inheritance import Mark, Marks
from ..paths import PathError, segments
from ..quantities import entry_label

#: A value's path of mapping keys and list indices.
Path_ = tuple[Any, ...]
LineMap = dict[Path_, int]
"""1-based line of each value, keyed by its path of mapping keys and list indices."""


def mark_of(marks: Marks, path: Path_, file: str | None) -> Mark:
    """File and line of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), -1, -1):
        if path[:end] in marks:
            return marks[path[:end]]
    return file, None


def locate(data: Any, loc: tuple[Any, ...]) -> tuple[str, Path_]:
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


def location_of(data: Any, shown: str) -> Path_:
    """The path of keys and list positions of a field path as shown to a user
    (``demand[transit].growth``): the reverse of :func:`locate`, as far as it can follow."""
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
