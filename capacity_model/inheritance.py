"""Merge a scenario over the one it ``extends``, keeping where each value was written.

A child scenario names its parent with ``extends: baseline.yaml`` and may drop
inherited entries with ``remove: [links.new-cable]``. The merge works on plain
data (as read from YAML), before validation, with these rules:

- mappings merge key by key, recursively; the child's value wins;
- a mapping whose ``model`` (or ``dist``) differs from the parent's replaces it
  whole, so that fields of another growth or share model are not mixed in;
- the lists :data:`MERGE_KEYS` names merge entry by entry: ``links`` and ``demand``
  by ``id``, ``targets`` by ``name``, ``phases`` by ``id`` where the child's phase
  has one and by position otherwise; unmatched child entries are appended;
- any other list (growth rates, series points, correlations) is replaced whole.

Each value keeps a :data:`Mark`, the file and line it was written on, so that a
problem found after merging points at the parent or the child as appropriate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import Problem
from .paths import PathError, segments
from .quantities import did_you_mean

__all__ = ["MERGE_KEYS", "Mark", "Marks", "merge", "removal_paths"]

Location = tuple[Any, ...]
Mark = tuple[str | None, int | None]
"""File and 1-based line a value was written on."""
Marks = dict[Location, Mark]
"""The :data:`Mark` of each value, keyed by its path of mapping keys and list positions."""

#: Lists merged entry by entry, and the field that matches a child's entry to the parent's.
MERGE_KEYS = {"links": "id", "demand": "id", "targets": "name", "phases": "id"}

#: Keys that choose a model: a mapping whose choice differs is replaced, not merged.
_CHOOSERS = ("model", "dist")


def removal_paths(
    data: Mapping[str, Any], written: Sequence[str], at: Mark
) -> tuple[set[Location], list[Problem]]:
    """The locations in ``data`` that the ``remove:`` paths ``written`` name.

    Removing an entry also removes the parent's ``uncertainty.parameters`` that
    address a field inside it, and the correlations that name those parameters:
    they would otherwise point at nothing.

    Parameters
    ----------
    data
        The parent scenario, merged with its own parents.
    written
        Paths such as ``links.new-cable``, ``targets[New cable]``,
        ``links.ofc.phases[2]`` or ``uncertainty.parameters.demand.x.share.end``.
    at
        Where the ``remove:`` list was written, for problems.

    Returns
    -------
    locations, problems
        Keys and list positions of every value to drop; one problem per path
        that names nothing.
    """
    removed: set[Location] = set()
    problems: list[Problem] = []
    for text in written:
        try:
            removed.add(_locate(data, text))
        except PathError as error:
            problems.append(Problem(str(error), file=at[0], line=at[1], field="remove"))
            continue
        parameters, correlations = _uncertain(data)
        inside = {
            p
            for p in parameters
            if isinstance(p, str) and (p == text or p.startswith((text + ".", text + "[")))
        }
        removed |= {("uncertainty", "parameters", p) for p in inside}
        removed |= {
            ("uncertainty", "correlations", i)
            for i, c in enumerate(correlations)
            if isinstance(c, Mapping)
            and isinstance(c.get("between"), list)
            and inside.intersection(p for p in c["between"] if isinstance(p, str))
        }
    problems += _shifted_parameters(data, removed, at)
    return removed, problems


def _shifted_parameters(data: Mapping[str, Any], removed: set[Location], at: Mark) -> list[Problem]:
    """Problems for kept distributions whose path names a list entry by a position that removal shifts."""
    parameters, _ = _uncertain(data)
    entries = [loc for loc in removed if loc and isinstance(loc[-1], int)]
    problems = []
    for path in parameters:
        if ("uncertainty", "parameters", path) in removed or not isinstance(path, str):
            continue
        try:
            target = _locate(data, path)
        except PathError:
            continue  # reported when the merged scenario is validated
        for entry in entries:
            depth = len(entry) - 1
            if (
                len(target) > depth
                and target[:depth] == entry[:depth]
                and isinstance(target[depth], int)
                and target[depth] > entry[depth]
                and f"[{target[depth]}]" in path
            ):
                problems.append(
                    Problem(
                        f"removing an entry moves the later ones up, so the uncertainty range of {path!r} "
                        "(inherited) would address another entry; remove it too "
                        f"(uncertainty.parameters.{path}) and write it again for the new position",
                        file=at[0],
                        line=at[1],
                        field="remove",
                    )
                )
                break
    return problems


def _locate(data: Any, path: str) -> Location:
    """Keys and positions of the entry or field ``path`` names in plain data.

    A mapping whose keys are themselves paths (``uncertainty.parameters``) is
    matched against the rest of ``path`` as a whole first.
    """
    node: Any = data
    location: Location = ()
    done = ""
    for text, bracketed, start in segments(path):
        rest = path[start:].lstrip(".")
        if isinstance(node, Mapping) and rest in node:
            return (*location, rest)
        where = f" in {done}" if done else ""
        if isinstance(node, list):
            index = _entry(node, text, bracketed, location[-1] if location else None)
            if index is None:
                labels = [str(_label(item, location[-1] if location else None)) for item in node]
                raise PathError(
                    f"{path!r}: no entry {text!r}{where} in the scenario it extends"
                    + (did_you_mean(text, labels) or f"; entries: {', '.join(labels)}")
                )
            node, location = node[index], (*location, index)
        elif isinstance(node, Mapping) and not bracketed and text in node:
            node, location = node[text], (*location, text)
        else:
            keys = [str(k) for k in node] if isinstance(node, Mapping) else []
            raise PathError(
                f"{path!r}: nothing called {text!r}{where} in the scenario it extends"
                + (did_you_mean(text, keys) or (f"; there: {', '.join(keys)}" if keys else ""))
            )
        done += f"[{text}]" if bracketed else (f".{text}" if done else text)
    return location


def _label(item: Any, list_name: Any) -> Any:
    if isinstance(item, Mapping):
        key = MERGE_KEYS.get(list_name, "id")
        if isinstance(item.get(key), (str, int, float)):  # a list or mapping is no id: validation says so
            return item[key]
    return None


def _uncertain(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[Any]]:
    """The parameters and correlations of ``data``'s uncertainty section, empty where malformed
    (validation of the merged scenario reports a malformed section)."""
    section = data.get("uncertainty")
    section = section if isinstance(section, Mapping) else {}
    parameters, correlations = section.get("parameters"), section.get("correlations")
    return (
        parameters if isinstance(parameters, Mapping) else {},
        correlations if isinstance(correlations, list) else [],
    )


def _entry(items: list[Any], text: str, bracketed: bool, list_name: Any) -> int | None:
    """Index of the entry ``text`` names: a position in brackets, else an id (a target's name)."""
    if bracketed and text.isascii() and text.isdigit():
        return int(text) if int(text) < len(items) else None
    for index, item in enumerate(items):
        if _label(item, list_name) == text or (isinstance(item, Mapping) and item.get("id") == text):
            return index
    return None


def merge(
    parent: Any,
    parent_marks: Marks,
    child: Any,
    child_marks: Marks,
    removed: set[Location] = frozenset(),  # type: ignore[assignment]
) -> tuple[Any, Marks]:
    """Merge ``child`` over ``parent`` (see the module's rules), dropping ``removed`` parent values.

    Returns the merged data and the mark of each of its values. Neither input is changed.

    >>> parent = {"links": [{"id": "a", "phases": [{"capacity": "1 Tbps"}]}], "name": "P"}
    >>> child = {"links": [{"id": "a", "name": "A"}, {"id": "b"}], "name": "C"}
    >>> merge(parent, {}, child, {})[0]
    {'links': [{'id': 'a', 'phases': [{'capacity': '1 Tbps'}], 'name': 'A'}, {'id': 'b'}], 'name': 'C'}
    """
    marks: Marks = {}
    merged = _Merger(parent_marks, child_marks, removed, marks).both(parent, (), child, (), ())
    return merged, marks


class _Merger:
    def __init__(self, parent_marks: Marks, child_marks: Marks, removed: set[Location], out: Marks) -> None:
        self.parent_marks = parent_marks
        self.child_marks = child_marks
        self.removed = removed
        self.out = out

    def copy(self, value: Any, source: Location, target: Location, from_parent: bool) -> Any:
        """``value`` as found at ``source`` in one input, placed at ``target``, marks carried."""
        marks = self.parent_marks if from_parent else self.child_marks
        if source in marks:
            self.out[target] = marks[source]
        if isinstance(value, Mapping):
            return {
                key: self.copy(item, (*source, key), (*target, key), from_parent)
                for key, item in value.items()
                if not (from_parent and (*source, key) in self.removed)
            }
        if isinstance(value, list):
            kept = [
                (i, item)
                for i, item in enumerate(value)
                if not (from_parent and (*source, i) in self.removed)
            ]
            return [
                self.copy(item, (*source, i), (*target, new), from_parent)
                for new, (i, item) in enumerate(kept)
            ]
        return value

    def both(self, parent: Any, p_at: Location, child: Any, c_at: Location, target: Location) -> Any:
        """Merge a child value over the parent's value at the same place."""
        if isinstance(parent, Mapping) and isinstance(child, Mapping) and not _chooses_other(parent, child):
            if c_at in self.child_marks:
                self.out[target] = self.child_marks[c_at]
            merged: dict[Any, Any] = {}
            for key, value in parent.items():
                if (*p_at, key) in self.removed:
                    continue
                if key in child:
                    merged[key] = self.both(value, (*p_at, key), child[key], (*c_at, key), (*target, key))
                else:
                    merged[key] = self.copy(value, (*p_at, key), (*target, key), True)
            for key, value in child.items():
                if key not in merged:
                    merged[key] = self.copy(value, (*c_at, key), (*target, key), False)
            return merged
        list_name = p_at[-1] if p_at else None
        if isinstance(parent, list) and isinstance(child, list) and list_name in MERGE_KEYS:
            return self.entries(parent, p_at, child, c_at, target, MERGE_KEYS[list_name], list_name)
        return self.copy(child, c_at, target, False)

    def entries(
        self,
        parent: list[Any],
        p_at: Location,
        child: list[Any],
        c_at: Location,
        target: Location,
        key: str,
        list_name: str,
    ) -> list[Any]:
        """Merge list entries by ``key`` (phases: by position when the child's has no id)."""
        if c_at in self.child_marks:
            self.out[target] = self.child_marks[c_at]
        kept = [i for i in range(len(parent)) if (*p_at, i) not in self.removed]
        by_key = {_label(parent[i], list_name): n for n, i in enumerate(kept)}
        by_key.pop(None, None)
        pairs: dict[int, int] = {}  # position in kept -> child index
        extra: list[int] = []
        for j, entry in enumerate(child):
            label = _label(entry, list_name)
            if label is not None and label in by_key:
                pairs[by_key[label]] = j
            elif list_name == "phases" and label is None and j < len(kept) and j not in pairs:
                pairs[j] = j
            else:
                extra.append(j)
        place: Callable[[int], Location] = lambda n: (*target, n)  # noqa: E731
        merged = [
            self.both(parent[i], (*p_at, i), child[pairs[n]], (*c_at, pairs[n]), place(n))
            if n in pairs
            else self.copy(parent[i], (*p_at, i), place(n), True)
            for n, i in enumerate(kept)
        ]
        merged += [self.copy(child[j], (*c_at, j), place(len(kept) + k), False) for k, j in enumerate(extra)]
        return merged


def _chooses_other(parent: Mapping[str, Any], child: Mapping[str, Any]) -> bool:
    """Whether the child picks another model or distribution than the parent."""
    return any(key in child and key in parent and child[key] != parent[key] for key in _CHOOSERS)
