"""Quantities a scenario is written in, and the base every scenario model shares.

Each ``Annotated`` alias here parses text in a unit into the package's base unit
(Gbps, month index, months, fraction) and writes it back in that unit when dumped
in JSON mode. Used by :mod:`capacity_model.schema` and by the uncertainty section,
which must parse a distribution's values in the unit of the field it addresses.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from . import units
from .errors import is_hidden

Finding = tuple[str, tuple[str | int, ...]]
"""A message and the path, relative to the model being validated, of the field it is about."""


def problem(message: str, *at: str | int) -> PydanticCustomError:
    """Build a validation error whose message is ``message``.

    ``at`` is the path, relative to the model being validated, of the field
    the message is about (e.g. ``"phases", 2, "in_service"``).
    """
    return PydanticCustomError("scenario", "{message}", {"message": message, "at": at, "more": ()})


def raise_all(findings: list[Finding]) -> None:
    """Raise one error carrying every finding of a rule (the loader reports each), if any."""
    if findings:
        (message, at), *more = findings
        raise PydanticCustomError(
            "scenario", "{message}", {"message": message, "at": at, "more": tuple(more)}
        )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def entry_label(list_name: str | int | None, item: object, index: int) -> str | int:
    """How a list entry is named in field paths: its ``id``, a target's ``name``, else its index."""
    if isinstance(item, dict):
        if isinstance(item.get("id"), (str, int)) and not isinstance(item.get("id"), bool):
            return item["id"]
        if list_name == "targets" and item.get("name"):
            return str(item["name"])
    return index


#: A number as the unit parsers read it, in a regex that means the same in Python and
#: in JSON Schema (ECMA-262): the patterns below describe what a user writes.
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_BIT_UNIT = r"\s*[kKMGTP]?(?:bps|b/s|bit/s|bits/s)\s*$"

# JSON Schema of each quantity as written in a scenario file (not as held inside). A
# pattern checks the form only: ranges and calendar dates are left to the unit parsers.
_BIT_RATE_SCHEMA = {
    "type": "string",
    "pattern": rf"^\s*{_NUMBER}{_BIT_UNIT}",
    "description": "A bit rate: a number and a unit, e.g. '450 Gbps', '1.5 Tbps' or '100 Gb/s' "
    "(units bps, kbps, Mbps, Gbps, Tbps, Pbps or their b/s forms; bits, not bytes), at most 1 Ebps.",
    "examples": ["450 Gbps", "1.5 Tbps", "800 Mbps"],
}
POSITIVE_BIT_RATE_SCHEMA = {
    **_BIT_RATE_SCHEMA,
    "pattern": rf"^\s*\+?{_NUMBER.removeprefix('[+-]?')}{_BIT_UNIT}",
    "description": "A bit rate above 0: a number and a unit, e.g. '450 Gbps', '1.5 Tbps' or "
    "'100 Gb/s' (units bps, kbps, Mbps, Gbps, Tbps, Pbps or their b/s forms; bits, not bytes), "
    "at most 1 Ebps.",
}
_MONTH_SCHEMA = {
    "type": ["string", "integer"],
    "pattern": r"^\s*[0-9]{4}(?:-(?:0?[1-9]|1[0-2])(?:-(?:0?[1-9]|[12][0-9]|3[01]))?|-[Qq][1-4])?\s*$",
    "minimum": units.FIRST_YEAR,
    "maximum": units.LAST_YEAR,
    "description": "A date: '2029-06', '2029' (its January), '2029-Q3' (the quarter's first month) "
    "or '2029-06-30' (the day is dropped).",
    "examples": ["2029-06", "2029", "2029-Q3"],
}
_DURATION_SCHEMA = {
    "type": "string",
    "pattern": rf"^\s*{_NUMBER}\s*(?:months?|years?|mo|yr|y)\s*$",
    "description": "A duration in whole months: '18 months', '1 month', '2 years' or '1.5 years'.",
    "examples": ["18 months", "2 years"],
}
_FRACTION_SCHEMA = {
    "type": ["string", "number"],
    "pattern": rf"^\s*{_NUMBER}\s*%?\s*$",
    "minimum": 0,
    "maximum": 1,
    "description": "A percentage from 0% to 100%: '12.5%', or the fraction 0.125 "
    "(a bare 12.5 is an error, never read as 1250%).",
    "examples": ["12.5%", "70%", 0.125],
}
_GROWTH_RATE_SCHEMA = {
    "type": ["string", "number"],
    "pattern": _FRACTION_SCHEMA["pattern"],
    "exclusiveMinimum": -1,
    "maximum": 1,
    "description": "An annual growth rate: '25%', or the fraction 0.25; above -100% and at most "
    "1000% a year (a bare 25 is an error, never read as 2500%).",
    "examples": ["25%", "-5%", 0.25],
}


def _from_units(parse: Any) -> Any:
    def validate(value: object) -> object:
        try:
            return parse(value)
        except units.UnitError as error:
            raise problem(str(error)) from None

    return validate


BitRate = Annotated[
    float,
    BeforeValidator(_from_units(units.parse_bit_rate_gbps)),
    PlainSerializer(lambda gbps: units.format_bit_rate(gbps, digits=15), return_type=str, when_used="json"),
    WithJsonSchema(_BIT_RATE_SCHEMA),
]
"""A bit rate, written ``'450 Gbps'``; held in Gbps."""


def _check_positive_rate(gbps: float) -> float:
    if gbps <= 0:
        raise problem(f"must be more than 0 bps, found {units.format_bit_rate(gbps)}")
    if gbps < units.MIN_BIT_RATE_GBPS:
        raise problem(f"must be at least 1 bps, found {units.format_bit_rate(gbps)}")
    return gbps


PositiveBitRate = Annotated[
    BitRate, AfterValidator(_check_positive_rate), WithJsonSchema(POSITIVE_BIT_RATE_SCHEMA)
]
"""A bit rate above zero."""

Month = Annotated[
    int,
    BeforeValidator(_from_units(units.parse_month)),
    PlainSerializer(units.format_month, return_type=str, when_used="json"),
    WithJsonSchema(_MONTH_SCHEMA),
]
"""A date, written ``'2029-06'``; held as the month index ``12 * year + month - 1``."""

DataMonth = Annotated[Month, Field(description="A date of the data a growth curve is fitted to")]
"""A date bounding or splitting the data a growth curve is fitted to (``since``, ``until``,
``breaks``): a choice of the fit, which ``--set`` may change but nothing samples."""

Duration = Annotated[
    int,
    BeforeValidator(_from_units(units.parse_duration_months)),
    PlainSerializer(units.format_duration, return_type=str, when_used="json"),
    WithJsonSchema(_DURATION_SCHEMA),
]
"""A duration, written ``'18 months'`` or ``'2 years'``; held in months."""

_DAY_SCHEMA = {
    "type": "string",
    "pattern": r"^\s*[0-9]{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12][0-9]|3[01])\s*$",
    "description": "A day: year-month-day, e.g. '2025-01-02'.",
    "examples": ["2025-01-02"],
}
_DAYS_SCHEMA = {
    "type": "string",
    "pattern": rf"^\s*{_NUMBER}\s*(?:days?|d|hours?|h|weeks?|wk)\s*$",
    "description": "A duration from one hour to 1,000 days: '14 days', '38 hours' or '2 weeks'.",
    "examples": ["14 days", "38 hours"],
}

Day = Annotated[
    int,
    BeforeValidator(_from_units(units.parse_day)),
    PlainSerializer(units.format_day, return_type=str, when_used="json"),
    WithJsonSchema(_DAY_SCHEMA),
]
"""A calendar day, written ``'2025-01-02'``; held as the day number (``date.toordinal``)."""

DurationDays = Annotated[
    float,
    BeforeValidator(_from_units(units.parse_duration_days)),
    PlainSerializer(lambda days: units.format_days(days, digits=15), return_type=str, when_used="json"),
    WithJsonSchema(_DAYS_SCHEMA),
]
"""A duration in days, written ``'14 days'`` or ``'38 hours'``; held in days."""

DelayDays = Annotated[
    float,
    BeforeValidator(_from_units(units.parse_delay_days)),
    PlainSerializer(lambda days: units.format_days(days, digits=15), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            **_DAYS_SCHEMA,
            "description": "A delay from 0 (at once) to 1,000 days: '2 days', '36 hours' or '0 days'.",
            "examples": ["2 days", "36 hours"],
        }
    ),
]
"""A delay in days, 0 or more, written ``'2 days'``; held in days."""


@dataclass(frozen=True)
class CapacityLost:
    """Capacity an outage takes: a share of the links' capacity, or a bit rate (at most what
    the links have). Exactly one of the two is set."""

    share: float | None = None
    """Share of each affected link's capacity [fraction]."""
    gbps: float | None = None
    """Capacity lost over the affected links together [Gbps]."""

    def written(self) -> str:
        """As a scenario writes it: ``'100%'`` or ``'1 Tbps'``."""
        if self.share is not None:
            return units.format_percent(self.share, digits=15)
        return units.format_bit_rate(float(self.gbps or 0.0), digits=15)


def _parse_capacity_lost(value: object) -> CapacityLost:
    if isinstance(value, CapacityLost):
        return value
    if isinstance(value, str) and re.search(r"[A-Za-z/]\s*$", value):
        try:
            gbps = units.parse_bit_rate_gbps(value)
        except units.UnitError as error:
            raise problem(f"{error}; or give a share of the links' capacity, e.g. '100%'") from None
        try:
            return CapacityLost(gbps=_check_positive_rate(gbps))
        except PydanticCustomError as error:
            raise problem(str(error)) from None
    try:
        share = units.parse_fraction(value)
    except units.UnitError as error:
        raise problem(f"{error}; or give a bit rate, e.g. '1000 Gbps'") from None
    if share <= 0:
        raise problem(f"{_written(value)} loses nothing; give a share above 0%, e.g. '100%'")
    return CapacityLost(share=share)


CapacityLostField = Annotated[
    CapacityLost,
    PlainValidator(_parse_capacity_lost),
    PlainSerializer(CapacityLost.written, return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "description": "Capacity lost: a share of the links' capacity ('100%', '37%' or 0.37), "
            "or a bit rate over the links together ('1000 Gbps'; at most what they have).",
            "examples": ["100%", "1000 Gbps"],
        }
    ),
]
"""Capacity an outage takes, written ``'100%'`` or ``'1000 Gbps'``."""

FaultRate = Annotated[
    float,
    BeforeValidator(_from_units(units.parse_fault_rate)),
    PlainSerializer(lambda r: units.format_fault_rate(r, digits=15), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": rf"^\s*{_NUMBER}\s*(?:faults?\s*)?(?:per\s+year|/\s*year|/\s*yr|a\s+year|per\s+yr)\s*$",
            "description": "Faults per year, 0 to 20: '0.6 per year'.",
            "examples": ["0.6 per year"],
        }
    ),
]
"""Faults per year, written ``'0.6 per year'``."""

FaultRatePer1000Km = Annotated[
    float,
    BeforeValidator(_from_units(lambda v: units.parse_fault_rate(v, per_1000_km=True))),
    PlainSerializer(
        lambda r: units.format_fault_rate(r, per_1000_km=True, digits=15), return_type=str, when_used="json"
    ),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": rf"^\s*{_NUMBER}\s*(?:faults?\s*)?(?:per|/)\s*1,?000\s*km\s*(?:per|/)\s*(?:year|yr)\s*$",
            "description": "Faults per 1,000 km per year, 0 to 10: '0.1 per 1000 km per year'.",
            "examples": ["0.1 per 1000 km per year"],
        }
    ),
]
"""Faults per 1,000 km per year, written ``'0.1 per 1000 km per year'``."""

LengthKm = Annotated[
    float,
    BeforeValidator(_from_units(units.parse_length_km)),
    PlainSerializer(lambda km: f"{km:.15g} km", return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": rf"^\s*{_NUMBER}\s*km\s*$",
            "description": "A length in km, above 0 and at most 100,000 km: '820 km'.",
            "examples": ["820 km"],
        }
    ),
]
"""A length, written ``'820 km'``; held in km."""

RepairDays = Annotated[
    float,
    BeforeValidator(_from_units(lambda v: units.parse_duration_days(v, what="a repair"))),
    PlainSerializer(lambda days: units.format_days(days, digits=15), return_type=str, when_used="json"),
    WithJsonSchema({**_DAYS_SCHEMA, "description": "A repair time from one hour to 1,000 days: '14 days'."}),
]
"""A repair time in days, written ``'14 days'``; held in days (an uncertain input may vary it)."""

Fraction = Annotated[
    float,
    BeforeValidator(_from_units(units.parse_fraction)),
    PlainSerializer(
        lambda fraction: units.format_percent(fraction, digits=15), return_type=str, when_used="json"
    ),
    WithJsonSchema(_FRACTION_SCHEMA),
]
"""A percentage in 0–100%, written ``'12.5%'`` or ``0.125``; held as a fraction."""

GrowthRate = Annotated[
    float,
    BeforeValidator(_from_units(lambda v: units.parse_fraction(v, allow_outside_unit_interval=True))),
    PlainSerializer(
        lambda fraction: units.format_percent(fraction, digits=15), return_type=str, when_used="json"
    ),
    WithJsonSchema(_GROWTH_RATE_SCHEMA),
]
"""An annual growth rate, written ``'25%'`` (or the fraction 0.25); above -100%, at most 1000%."""

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
"""An identifier used in field paths and CSV column names: letters, digits, ``-``, ``_``."""

#: Longest name (of a scenario, link, stream or target) and longest text (a description or a
#: citation) [characters]: the report shows them whole. Longest key of ``sources``.
MAX_NAME, MAX_TEXT, MAX_SOURCE_KEY = 200, 2000, 64

_CONTROL_NAMES = {"\t": "tab", "\n": "new line", "\r": "carriage return", "\x1b": "escape", "\x00": "NUL"}


def _hidden_character(text: str, multiline: bool) -> str | None:
    """The first character of ``text`` a reader could not see or that would change how the
    text is shown: control characters (newline and tab allowed when ``multiline``), line and
    paragraph separators, and format characters such as zero-width spaces and the marks that
    reorder text (:func:`~capacity_model.errors.is_hidden`); ``None`` when there is none."""
    return next((c for c in text if is_hidden(c) and not (multiline and c in "\n\t")), None)


def visible_text(text: str) -> str:
    """``text`` with each character a name may not hold (see :func:`_hidden_character`)
    replaced by a space, and the spaces around removed: a name made from a file name."""
    return "".join(" " if is_hidden(c) else c for c in text).strip()


def _checked_text(what: str, longest: int, multiline: bool) -> Any:
    """A validator for text of kind ``what``: surrounding spaces removed (names only), then
    refused when empty (names only), longer than ``longest`` or holding a hidden character."""

    def check(value: object) -> object:
        if not isinstance(value, str):
            return value  # pydantic says "expected text"
        text = value if multiline else value.strip()
        if not multiline and not text:
            raise problem(f"the {what} is empty; write a few words")
        if len(text) > longest:
            raise problem(
                f"the {what} is {len(text):,} characters long; write at most {longest:,} characters"
            )
        hidden = _hidden_character(text, multiline)
        if hidden is not None:
            raise problem(
                f"the {what} holds the invisible or control character U+{ord(hidden):04X} "
                f"({_CONTROL_NAMES.get(hidden) or unicodedata.name(hidden, 'a control character')}); "
                "write it with visible characters only"
            )
        return text

    return BeforeValidator(check)


SourceKey = Annotated[
    str, _checked_text("key", MAX_SOURCE_KEY, multiline=False), Field(min_length=1, max_length=MAX_SOURCE_KEY)
]
"""A key of the scenario's ``sources`` mapping."""

Name = Annotated[
    str, _checked_text("name", MAX_NAME, multiline=False), Field(min_length=1, max_length=MAX_NAME)
]
"""A name shown in the report: 1 to :data:`MAX_NAME` visible characters, spaces around removed."""

Text = Annotated[str, _checked_text("text", MAX_TEXT, multiline=True), Field(max_length=MAX_TEXT)]
"""A description or citation, at most :data:`MAX_TEXT` characters (new lines allowed)."""


DataPath = Annotated[
    str, _checked_text("path", MAX_TEXT, multiline=False), Field(min_length=1, max_length=MAX_TEXT)
]
"""The path of a data file, relative to the scenario file that names it."""

ColumnName = Annotated[
    str, _checked_text("column", MAX_NAME, multiline=False), Field(min_length=1, max_length=MAX_NAME)
]
"""The name of a column of a data file."""


def _check_observed(value: object) -> float:
    if isinstance(value, str) and re.fullmatch(units.NUMBER, value.strip()):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise problem(f"{value!r} is not a number; an observed value is a plain number above 0")
    if not (0 < value < 1e300):
        raise problem(f"{value!r} is not above 0: growth curves are fitted to the logarithm of the values")
    return float(value)


ObservedValue = Annotated[
    float,
    BeforeValidator(_check_observed),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "description": "An observed value, above 0."}),
]
"""A value of a data file, in its column's unit: a plain number above 0."""


def same_name_key(name: str) -> str:
    """The form in which two names that a reader would take for the same are equal: Unicode
    compatibility forms (NFKC: a no-break space is a space, a full-width letter a letter),
    case folded, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class StrictModel(BaseModel):
    """Base of every scenario model: frozen, and unknown fields are errors."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )


def _check_bass_coefficient(value: object) -> float:
    if isinstance(value, str) and re.fullmatch(units.NUMBER, value.strip()):  # '0.03' from --set or sweep
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise problem(f"{value!r} is not a number; write a coefficient per year such as 0.03")
    if not 0 < value <= 1:
        raise problem(f"{value!r} is outside (0, 1]; published values are about 0.001 to 0.5 per year")
    return float(value)


BassCoefficient = Annotated[
    float,
    BeforeValidator(_check_bass_coefficient),
    WithJsonSchema(
        {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "description": "A Bass coefficient per year, above 0 and at most 1, e.g. 0.03.",
        }
    ),
]
"""A Bass diffusion coefficient per year, in (0, 1]."""


def _check_whole(value: object) -> int:
    text = value.strip().replace("_", "") if isinstance(value, str) else None
    if text is not None and text.lstrip("+").isascii() and text.lstrip("+").isdigit() and len(text) <= 30:
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem(f"{_written(value)} is not a whole number; write e.g. 10000")
    return value


WholeNumber = Annotated[int, BeforeValidator(_check_whole)]
"""A count written as a whole number (``10000``; on the command line also ``'10000'``)."""

#: Most fibre pairs, and wavelengths per pair, of a link's potential: far above any system
#: built (the largest submarine systems have 24 pairs; a C+L grid holds a few hundred).
MAX_FIBRE_COUNT = 1000


def _check_count(value: object) -> int:
    try:
        return _check_whole(value)
    except PydanticCustomError:
        raise problem(f"{_written(value)} is not a whole number; write a count such as 2") from None


def _check_count_range(value: int) -> int:
    if value < 1:
        raise problem(f"must be at least 1, found {value:,}")
    if value > MAX_FIBRE_COUNT:
        raise problem(f"must be at most {MAX_FIBRE_COUNT:,}, found {value:,}")
    return value


FibreCount = Annotated[
    int,
    BeforeValidator(_check_count),
    AfterValidator(_check_count_range),
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_FIBRE_COUNT,
            "description": f"A whole number from 1 to {MAX_FIBRE_COUNT:,}.",
        }
    ),
]
"""Fibre pairs or wavelengths per pair: a whole number from 1 to :data:`MAX_FIBRE_COUNT`."""

#: Largest ``demand[].priority``.
MAX_PRIORITY = 1000


_written = units.written


def _check_priority(value: object) -> int:
    text = value.strip() if isinstance(value, str) else None
    if text is not None and text.lstrip("+").isascii() and text.lstrip("+").isdigit() and len(text) <= 30:
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem(
            f"{_written(value)} is not a whole number; a priority is a whole number from 0 (served first) "
            f"to {MAX_PRIORITY}, e.g. 'priority: 1'"
        )
    if not 0 <= value <= MAX_PRIORITY:
        raise problem(
            f"{value} is outside 0 to {MAX_PRIORITY}; lower priorities are served first, e.g. 'priority: 1'"
        )
    return value


Priority = Annotated[
    int,
    BeforeValidator(_check_priority),
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_PRIORITY,
            "description": f"Order of service when capacity runs short: a whole number from 0 (served first) "
            f"to {MAX_PRIORITY}; streams of one priority share pro rata.",
        }
    ),
]
"""A stream's priority: a whole number from 0 (served first) to :data:`MAX_PRIORITY`."""


#: The fewest points a segment of a piecewise fit holds, between breakpoints given or chosen.
SEGMENT_POINTS = 2


def breaks_problem(
    times: Sequence[float], breaks: Sequence[float], segment_points: int = SEGMENT_POINTS
) -> str | None:
    """Why breakpoints given to a piecewise fit of points at ``times`` (increasing) cannot be
    fitted, or None: they must differ, lie after the first point and before the last, and
    leave at least ``segment_points`` points in every segment (the times in any one unit).

    >>> breaks_problem([1, 2, 3, 4, 5], [3], 2), breaks_problem([1, 2, 3, 4, 5], [2, 2], 2)
    (None, 'two breakpoints are the same date')
    """
    ordered = sorted(breaks)
    if len(set(ordered)) < len(ordered):
        return "two breakpoints are the same date"
    if ordered and not (times[0] < ordered[0] and ordered[-1] < times[-1]):
        return "a breakpoint must lie after the first point and before the last"
    edges = [-math.inf, *ordered, math.inf]
    counts = [sum(1 for t in times if a <= t < b) for a, b in itertools.pairwise(edges)]
    if counts and min(counts) < segment_points:
        return (
            f"each segment between breakpoints needs at least {segment_points} points (found {min(counts)})"
        )
    return None
