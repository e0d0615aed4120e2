"""Address one field of a scenario by a path of ids: ``links.ofc.phases[2].in_service``.

Paths name list entries by their ``id`` (``links.ofc``, ``demand.chinese-transit``), a
target by its name (``targets[Phase 2]``) and any entry by its position in brackets
(``phases[2]``, from 0). The uncertainty section uses these paths; so will overrides
from the command line.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter

from .quantities import (
    BassCoefficient,
    BitRate,
    CapacityLostField,
    DataMonth,
    Day,
    DelayDays,
    Duration,
    DurationDays,
    FaultRate,
    FaultRatePer1000Km,
    FibreCount,
    Fraction,
    GrowthRate,
    LengthKm,
    Month,
    PositiveBitRate,
    Priority,
    RepairDays,
    WholeNumber,
    did_you_mean,
)

__all__ = ["KINDS", "FieldRef", "PathError", "format_value", "resolve", "segments", "written_value"]

#: The quantity each kind of numeric field holds, by its type alias.
KINDS: dict[Any, str] = {
    BitRate: "bit rate",
    PositiveBitRate: "bit rate",
    Month: "date",
    Duration: "duration",
    Fraction: "percentage",
    GrowthRate: "growth rate",
    BassCoefficient: "coefficient",
    Priority: "whole number",
    WholeNumber: "whole number",
    FibreCount: "whole number",
    FaultRate: "fault rate",
    FaultRatePer1000Km: "fault rate per 1000 km",
    RepairDays: "repair time",
    LengthKm: "length",
}
#: Kinds that act only through faults drawn at random: uncertain inputs, not study parameters.
FAULT_KINDS = frozenset({"fault rate", "fault rate per 1000 km", "repair time", "length"})

#: Fields that ``--set`` may change but that are not numbers the studies and the uncertainty
#: section can vary: the scripted outages and the activation delay, replayed as written.
SET_ONLY: dict[Any, str] = {
    Day: "day",
    DurationDays: "duration in days",
    DelayDays: "delay in days",
    CapacityLostField: "capacity lost",
    DataMonth: "date of the data fitted",
}

_TOKEN = re.compile(r"\.?([^.\[\]]+)|\[([^\]]*)\]")


class PathError(ValueError):
    """A path that names nothing in the scenario; the message says what is there."""


@dataclass(frozen=True)
class FieldRef:
    """Where a path points: a numeric field of one model inside the scenario."""

    path: str
    """The path as written."""
    owner: BaseModel
    """The model holding the field."""
    field: str
    """The field's attribute name on ``owner``."""
    annotation: Any
    """The field's type alias (see :data:`KINDS`)."""
    location: tuple[str | int, ...]
    """Keys and list positions from the scenario's top to the field."""

    @property
    def kind(self) -> str:
        """``"bit rate"``, ``"date"``, ``"duration"``, ``"percentage"``, ``"growth rate"``,
        ``"coefficient"`` or ``"whole number"`` (a priority)."""
        return KINDS.get(self.annotation) or SET_ONLY[self.annotation]

    @property
    def value(self) -> Any:
        """The field's value in the scenario (base units)."""
        return getattr(self.owner, self.field)


def written_value(ref: FieldRef, value: float) -> Any:
    """A value of the field ``ref`` names (in its base unit) as a scenario file writes it:
    ``'12.5%'``, ``'2031-06'``; dates, durations and priorities as whole numbers."""
    whole = round(value) if ref.kind in ("date", "duration", "whole number") else value
    return TypeAdapter(ref.annotation).dump_python(whole, mode="json")


def format_value(ref: FieldRef, value: float) -> str:
    """A value of the field ``ref`` names, written in its unit (``'12.5%'``, ``'2031-06'``)."""
    return str(written_value(ref, value))


def segments(path: str) -> list[tuple[str, bool, int]]:
    """``(text, in_brackets, start)`` of each segment of ``path``; ``start`` is where it begins.

    Raises PathError on malformed paths.

    >>> segments("links.ofc.phases[2]")
    [('links', False, 0), ('ofc', False, 5), ('phases', False, 9), ('2', True, 16)]
    """
    tokens, position = [], 0
    for match in _TOKEN.finditer(path):
        if match.start() != position:
            break
        named, bracketed = match.groups()
        text, in_brackets = (bracketed, True) if bracketed is not None else (named, False)
        tokens.append((text.strip(), in_brackets, match.start()))
        position = match.end()
    if position != len(path) or not tokens:
        raise PathError(f"{path!r} is not a field path; write e.g. 'demand.transit.growth.rate'")
    return tokens


def _hints(cls: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def _unwrap_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, __import__("types").UnionType) and len(args) == 1:
        return args[0]
    return annotation


def resolve(scenario: BaseModel, path: str, settable: bool = False, study: bool = False) -> FieldRef:
    """Find the numeric field a path names (with ``settable``, also a field of :data:`SET_ONLY`,
    for ``--set``; with ``study``, not a field of :data:`FAULT_KINDS`, for ``sweep`` and ``solve``).

    Raises
    ------
    PathError
        Naming the segment that matches nothing, with the closest name there.
    """
    node: Any = scenario
    location: tuple[str | int, ...] = ()
    done = ""
    tokens = segments(path)
    for k, (text, bracketed, _) in enumerate(tokens):
        where = f" in {done}" if done else ""
        if isinstance(node, list):
            index = _select(node, text, bracketed, location, path, where)
            node, location = node[index], (*location, index)
            done += f"[{text}]" if bracketed else f".{text}"
            continue
        if not isinstance(node, BaseModel) or bracketed:
            raise PathError(f"{path!r}: {done or 'the scenario'} has no entries to choose from with [{text}]")
        fields = {(f.alias or name): name for name, f in type(node).model_fields.items()}
        if text not in fields:
            raise PathError(
                f"{path!r}: no field {text!r}{where}"
                + (did_you_mean(text, fields) or f"; fields: {', '.join(fields)}")
            )
        name = fields[text]
        value = getattr(node, name)
        location = (*location, text)
        done += f".{text}" if done else text
        if k == len(tokens) - 1:
            annotation = _unwrap_optional(_hints(type(node))[name])
            if annotation in SET_ONLY and not settable:
                why = (
                    "the data a growth curve is fitted to is chosen, not sampled (the fit's own "
                    "uncertainty is drawn with the uncertainty section)"
                    if annotation is DataMonth
                    else "outages and the activation delay are replayed as written, not varied or sampled"
                )
                raise PathError(
                    f"{path!r} names {done} ({SET_ONLY[annotation]}): {why}; to compare values, run with "
                    f"'--set {path}=...' and compare the reports"
                )
            if study and KINDS.get(annotation) in FAULT_KINDS:
                raise PathError(
                    f"{path!r} names {done} ({KINDS[annotation]}), which acts through faults drawn at random "
                    "in a Monte Carlo run; give it a distribution in the uncertainty section (its Sobol' "
                    "index says how much it matters), or compare values with '--set' and two reports"
                )
            if annotation not in KINDS and annotation not in SET_ONLY:
                raise PathError(
                    f"{path!r} names {done}, which is not a number, rate, percentage, date, duration or priority"
                )
            return FieldRef(path=path, owner=node, field=name, annotation=annotation, location=location)
        if value is None:
            raise PathError(f"{path!r}: {done} is not set in the scenario")
        node = value
    raise PathError(f"{path!r} ends at {done}, which holds several values; name one of its fields")


def _select(
    items: list[Any], text: str, bracketed: bool, location: tuple[str | int, ...], path: str, where: str
) -> int:
    """Index of the list entry ``text`` names: a position (in brackets), an id or a target's name."""
    if bracketed and text.isascii() and text.isdigit():
        index = int(text)
        if index >= len(items):
            raise PathError(f"{path!r}: there are only {len(items)} entries{where}; positions count from 0")
        return index
    labels = [getattr(item, "id", None) or getattr(item, "name", None) for item in items]
    for index, label in enumerate(labels):
        if label == text:
            return index
    named = [str(label) for label in labels if label]
    return_hint = did_you_mean(text, named) or (f"; entries: {', '.join(named)}" if named else "")
    raise PathError(f"{path!r}: no entry {text!r}{where}{return_hint}")
