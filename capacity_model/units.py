"""Parse and format the units a scenario is written in.

Inside the package every bit rate is a float in Gbps, every date a month index
(``12 * year + month - 1``, an int) and every duration a whole number of
months. These converters are the only place where text meets those numbers.

>>> parse_bit_rate_gbps("1.5 Tbps")
1500.0
>>> format_bit_rate(450.0)
'450 Gbps'
>>> format_month(parse_month("2029-Q3"))
'2029-07'
>>> parse_duration_months("2 years")
24
>>> parse_fraction("12.5%")
0.125
"""

from __future__ import annotations

import datetime
import math
import re

__all__ = [
    "UnitError",
    "first_day_of_month",
    "format_bit_rate",
    "format_day",
    "format_days",
    "format_duration",
    "format_fault_rate",
    "format_month",
    "format_percent",
    "month_of_day",
    "month_year",
    "parse_bit_rate_gbps",
    "parse_day",
    "parse_delay_days",
    "parse_duration_days",
    "parse_duration_months",
    "parse_fault_rate",
    "parse_fraction",
    "parse_length_km",
    "parse_month",
]


class UnitError(ValueError):
    """A value is not written in a unit this package understands."""


#: A decimal number as written in a scenario (ASCII digits only).
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"

#: Largest bit rate accepted: 1 Ebps [Gbps]. Far above any link, it keeps arithmetic finite.
MAX_BIT_RATE_GBPS = 1e9
#: Smallest bit rate above 0 accepted (capacities, demand): 1 bps [Gbps].
MIN_BIT_RATE_GBPS = 1e-9

#: Gbps per unit of each SI prefix of bits per second.
_BIT_PREFIX_GBPS = {"": 1e-9, "k": 1e-6, "K": 1e-6, "M": 1e-3, "G": 1.0, "T": 1e3, "P": 1e6}

_BIT_RATE = re.compile(rf"^\s*(?P<num>{NUMBER})\s*(?P<prefix>[kKMGTP]?)(?:bps|b/s|bit/s|bits/s)\s*$")
_BYTE_UNIT = re.compile(rf"^\s*(?P<num>{NUMBER})\s*(?P<prefix>[kKMGTP]?)(?P<unit>B/s|Bps|B)\s*$")
_ANY_NUMBER_AND_WORD = re.compile(rf"^\s*(?P<num>{NUMBER})\s*(?P<rest>.*?)\s*$")


def written(value: object) -> str:
    """A value as a YAML author wrote it, for messages: ``true`` and ``null`` rather than
    Python's ``True`` and ``None``, text quoted and cut to 60 characters.

    >>> written(True), written(None), written("2029-13"), written(12.5)
    ('true', 'null', "'2029-13'", '12.5')
    """
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:50]!r}... ({len(value):,} characters)"
    return repr(value)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnitError(f"{written(text)} is not a finite number")
    return value


def parse_bit_rate_gbps(value: object) -> float:
    """Parse a bit rate such as ``'450 Gbps'`` or ``'1.2 Tb/s'`` into Gbps.

    Parameters
    ----------
    value
        Text of a number followed by one of ``bps kbps Mbps Gbps Tbps Pbps``
        (or the ``b/s`` forms ``Gb/s``, ``Tb/s``, ...).

    Returns
    -------
    float
        The rate in Gbps [Gbit/s].

    Raises
    ------
    UnitError
        For a bare number, a byte unit (``TB/s``), or an unknown unit; the
        message says what to write instead.

    >>> parse_bit_rate_gbps("800 Mbps")
    0.8
    >>> parse_bit_rate_gbps("4 TB/s")
    Traceback (most recent call last):
    ...
    capacity_model.units.UnitError: '4 TB/s' is a byte rate, not a bit rate; write e.g. '4 Tbps' (4 TB/s would be '32 Tbps')
    """
    if isinstance(value, bool) or value is None:
        raise UnitError(f"{written(value)} is not a bit rate; write e.g. '450 Gbps'")
    if isinstance(value, (int, float)):
        raise UnitError(f"{written(value)} has no unit; write e.g. '{value:g} Gbps' or '{value:g} Tbps'")
    if not isinstance(value, str):
        raise UnitError(f"{written(value)} is not a bit rate; write e.g. '450 Gbps'")
    match = _BIT_RATE.match(value)
    if match:
        gbps = _number(match["num"]) * _BIT_PREFIX_GBPS[match["prefix"]]
        if abs(gbps) > MAX_BIT_RATE_GBPS:
            raise UnitError(f"{written(value)} is more than 1 Ebps (1,000,000 Tbps); check the unit")
        return gbps
    byte = _BYTE_UNIT.match(value)
    if byte:
        prefix, num = byte["prefix"], byte["num"]
        if byte["unit"] == "B":
            return _fail_bit_rate(value, f"{num} {prefix}bps")
        bits = _number(num) * 8
        raise UnitError(
            f"{written(value)} is a byte rate, not a bit rate; write e.g. '{num} {prefix}bps' "
            f"({num} {prefix}B/s would be '{bits:g} {prefix}bps')"
        )
    grouped = _GROUPED_NUMBER.match(value)
    if grouped:  # '4,000 Gbps': digits grouped with commas
        whole = grouped["num"].replace(",", "")
        raise UnitError(
            f"{written(value)}: write the number without commas, e.g. '{whole} {grouped['rest'].strip()}'"
        )
    plain = _ANY_NUMBER_AND_WORD.match(value)
    if plain and not plain["rest"]:
        raise UnitError(f"{written(value)} has no unit; write e.g. '{plain['num']} Gbps'")
    example = "450 Gbps"
    if plain:
        # 'tbps' -> 'Tbps': suggest the prefix the writer most likely meant.
        rest = plain["rest"].strip()
        prefix = rest[:1].upper() if rest[:1].lower() in "kmgtp" else "G"
        example = f"{plain['num']} {prefix.replace('K', 'k')}bps"
        if rest.lower() in {u.lower() for u in _BIT_UNITS} and rest not in _BIT_UNITS:
            raise UnitError(
                f"{written(value)}: units are case-sensitive (M is mega, m would be milli); write {example!r}"
            )
    return _fail_bit_rate(value, example)


#: Bit-rate units as written, for telling a unit in the wrong case from an unknown one.
_BIT_UNITS = (
    "bps",
    "kbps",
    "Kbps",
    "Mbps",
    "Gbps",
    "Tbps",
    "Pbps",
    "b/s",
    "kb/s",
    "Mb/s",
    "Gb/s",
    "Tb/s",
    "Pb/s",
)
#: A number whose digits are grouped with commas, and a unit: '4,000 Gbps'.
_GROUPED_NUMBER = re.compile(r"^\s*(?P<num>[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?)\s*(?P<rest>\S.*)$")


def _fail_bit_rate(value: str, example: str) -> float:
    raise UnitError(
        f"{written(value)} is not a bit rate; write e.g. {example!r} (units: bps, kbps, Mbps, Gbps, Tbps, Pbps)"
    )


def format_bit_rate(gbps: float, digits: int = 6) -> str:
    """Format a rate in Gbps with the unit that keeps the number readable.

    Uses Mbps below 1 Gbps, Tbps from 1 Tbps and Pbps from 1 Pbps, with up
    to ``digits`` significant digits, in a form ``parse_bit_rate_gbps`` reads.

    >>> format_bit_rate(12_500.0)
    '12.5 Tbps'
    >>> format_bit_rate(0.25)
    '250 Mbps'
    """
    magnitude = abs(gbps)
    for prefix, scale in (("P", 1e6), ("T", 1e3), ("G", 1.0)):
        if magnitude >= scale:
            return f"{gbps / scale:.{digits}g} {prefix}bps"
    if magnitude == 0:
        return "0 Gbps"
    return f"{gbps * 1e3:.{digits}g} Mbps"


_PERCENT = re.compile(rf"^\s*(?P<num>{NUMBER})\s*%\s*$")


def parse_fraction(value: object, *, allow_outside_unit_interval: bool = False) -> float:
    """Parse a percentage ``'12.5%'`` or a fraction ``0.125`` into a fraction.

    Parameters
    ----------
    value
        A string ending in ``%``, or a number.
    allow_outside_unit_interval
        Accept values below 0% or above 100% (for growth rates). Otherwise
        the value must lie in 0–100%.

    Returns
    -------
    float
        The fraction [1], e.g. 0.125 for 12.5%.

    >>> parse_fraction("70%")
    0.7
    >>> parse_fraction(12.5)
    Traceback (most recent call last):
    ...
    capacity_model.units.UnitError: 12.5 is outside 0-100% as a fraction; write '12.5%' for a percentage, or a fraction between 0 and 1
    """
    if isinstance(value, bool) or value is None:
        raise UnitError(f"{written(value)} is not a percentage; write e.g. '12.5%'")
    if isinstance(value, (int, float)):
        fraction = float(value)
        if not math.isfinite(fraction):
            raise UnitError(f"{written(value)} is not a percentage; write e.g. '12.5%'")
        lowest = -1.0 if allow_outside_unit_interval else 0.0
        if not lowest <= fraction <= 1.0:
            # A bare 25 is far more likely '25%' than 2500%: refuse it rather than guess.
            raise UnitError(
                f"{written(value)} is outside {lowest * 100:.0f}-100% as a fraction; write '{value:g}%' for a "
                f"percentage, or a fraction between {lowest:g} and 1"
            )
        return fraction
    if not isinstance(value, str):
        raise UnitError(f"{written(value)} is not a percentage; write e.g. '12.5%'")
    match = _PERCENT.match(value)
    if not match:
        try:
            number = _number(value)
        except ValueError:
            raise UnitError(f"{written(value)} is not a percentage; write e.g. '12.5%' or 0.125") from None
        try:
            return parse_fraction(number, allow_outside_unit_interval=allow_outside_unit_interval)
        except UnitError as error:
            raise UnitError(str(error).replace(written(number), written(value), 1)) from None
    fraction = _number(match["num"]) / 100.0
    if not allow_outside_unit_interval and not 0.0 <= fraction <= 1.0:
        raise UnitError(f"{written(value)} is outside 0-100%")
    return fraction


def format_percent(fraction: float, digits: int = 6) -> str:
    """Format a fraction as a percentage with up to ``digits`` significant digits.

    >>> format_percent(0.125)
    '12.5%'
    >>> format_percent(0.1 + 0.2, digits=15)
    '30%'
    """
    return f"{fraction * 100:.{digits}g}%"


_YEAR = re.compile(r"^\s*(?P<y>[0-9]{4})\s*$")
_YEAR_MONTH = re.compile(r"^\s*(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})\s*$")
_YEAR_MONTH_DAY = re.compile(r"^\s*(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})\s*$")
_YEAR_QUARTER = re.compile(r"^\s*(?P<y>[0-9]{4})-[Qq](?P<q>[0-9])\s*$")


#: Years a date may name: the model is for planning, and the period is at most 200 years.
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: Longest duration: 200 years [months].
MAX_DURATION_MONTHS = 12 * 200


def parse_month(value: object) -> int:
    """Parse a date into a month index ``12 * year + month - 1``.

    Accepts ``YYYY`` (January), ``YYYY-MM``, ``YYYY-MM-DD`` (the day is
    dropped) and ``YYYY-Qn`` (the quarter's first month), as text or, for a
    year, an int. A ``datetime.date`` is accepted too.

    >>> parse_month("2026-01") == 12 * 2026
    True
    """
    month = _parse_month(value)
    if not FIRST_YEAR <= month // 12 <= LAST_YEAR:
        raise UnitError(f"{written(value)} is outside the years {FIRST_YEAR} to {LAST_YEAR}; check the year")
    return month


def _parse_month(value: object) -> int:
    if isinstance(value, datetime.date):
        return 12 * value.year + value.month - 1
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return 12 * value
    if isinstance(value, str):
        for pattern in (_YEAR, _YEAR_MONTH, _YEAR_MONTH_DAY, _YEAR_QUARTER):
            match = pattern.match(value)
            if not match:
                continue
            fields = match.groupdict()
            year = int(fields["y"])
            if "q" in fields:
                quarter = int(fields["q"])
                if not 1 <= quarter <= 4:
                    raise UnitError(f"{written(value)} has no quarter {quarter}; quarters are Q1 to Q4")
                return 12 * year + 3 * (quarter - 1)
            month = int(fields.get("m") or 1)
            if not 1 <= month <= 12:
                raise UnitError(f"{written(value)} has no month {month}; months are 01 to 12")
            if "d" in fields:
                try:
                    datetime.date(year, month, int(fields["d"]))
                except ValueError:
                    raise UnitError(f"{written(value)} is not a calendar date") from None
            return 12 * year + month - 1
    raise UnitError(
        f"{written(value)} is not a date; write e.g. '2029-06', '2029', '2029-Q3' or '2029-06-30'"
    )


def month_year(month: int) -> tuple[int, int]:
    """Return ``(year, month 1-12)`` of a month index."""
    return month // 12, month % 12 + 1


def format_month(month: int) -> str:
    """Format a month index as ``YYYY-MM``.

    >>> format_month(12 * 2031 + 5)
    '2031-06'
    """
    year, month_of_year = month_year(int(month))
    return f"{year:04d}-{month_of_year:02d}"


_DURATION = re.compile(rf"^\s*(?P<num>{NUMBER})\s*(?P<unit>months?|years?|mo|yr|y)\s*$")


def parse_duration_months(value: object) -> int:
    """Parse ``'N months'`` or ``'N years'`` into a whole number of months.

    >>> parse_duration_months("18 months")
    18
    >>> parse_duration_months("1.5 years")
    18
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise UnitError(f"{written(value)} has no unit; write e.g. '{value:g} months' or '{value:g} years'")
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise UnitError(f"{written(value)} is not a duration; write e.g. '18 months' or '2 years'")
    number = _number(match["num"])
    months = number * 12 if match["unit"].startswith("y") else number
    if number < 0:
        raise UnitError(f"{written(value)} is negative; a duration is 0 months or more")
    if months > MAX_DURATION_MONTHS:
        raise UnitError(f"{written(value)} is more than 200 years; durations are at most 200 years")
    if abs(months - round(months)) > 1e-9:
        raise UnitError(f"{written(value)} is not a whole number of months; the model steps by month")
    return round(months)


def format_duration(months: int) -> str:
    """Format months as ``'N months'`` (``'1 month'`` for one).

    >>> format_duration(24)
    '24 months'
    """
    return "1 month" if months == 1 else f"{months} months"


def parse_day(value: object) -> int:
    """Parse a calendar date ``YYYY-MM-DD`` into a day number (``datetime.date.toordinal``).

    Outages start on a day: a month or a year alone is refused, because which day it means
    changes how much traffic is lost.

    >>> format_day(parse_day("2025-01-02"))
    '2025-01-02'
    """
    if isinstance(value, datetime.date):
        day = value if not isinstance(value, datetime.datetime) else value.date()
    else:
        match = _YEAR_MONTH_DAY.match(value) if isinstance(value, str) else None
        if not match:
            raise UnitError(f"{written(value)} is not a day; write it as year-month-day, e.g. '2025-01-02'")
        try:
            day = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise UnitError(f"{written(value)} is not a calendar date") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise UnitError(f"{written(value)} is outside the years {FIRST_YEAR} to {LAST_YEAR}; check the year")
    return day.toordinal()


def format_day(day: int) -> str:
    """Format a day number as ``YYYY-MM-DD``."""
    return datetime.date.fromordinal(int(day)).isoformat()


def month_of_day(day: int) -> int:
    """The month index of a day number."""
    date = datetime.date.fromordinal(int(day))
    return 12 * date.year + date.month - 1


def first_day_of_month(month: int) -> int:
    """The day number of a month's first day."""
    year, month_of_year = month_year(month)
    return datetime.date(year, month_of_year, 1).toordinal()


#: Shortest and longest outage: one hour, and 1,000 days (a longer loss is a retirement or a
#: phase of the link, not an outage) [days].
MIN_DURATION_DAYS, MAX_DURATION_DAYS = 1 / 24, 1000.0
_DAYS = re.compile(rf"^\s*(?P<num>{NUMBER})\s*(?P<unit>days?|d|hours?|h|weeks?|wk)\s*$")


def parse_duration_days(value: object, what: str = "an outage", least: str = "'1 hour'") -> float:
    """Parse ``'14 days'``, ``'38 hours'`` or ``'2 weeks'`` into days (a float), from one hour
    (0 when ``least`` is ``'0 days'``) to 1,000 days; ``what`` names the quantity in messages.

    >>> parse_duration_days("36 hours")
    1.5
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise UnitError(f"{written(value)} has no unit; write e.g. '{value:g} days' or '{value:g} hours'")
    match = _DAYS.match(value) if isinstance(value, str) else None
    if not match:
        raise UnitError(
            f"{written(value)} is not a duration in days; write e.g. '14 days', '38 hours' or '2 weeks'"
        )
    number = _number(match["num"])
    unit = match["unit"]
    days = number / 24 if unit.startswith("h") else number * 7 if unit.startswith("w") else number
    zero_allowed = least == "'0 days'"
    if days < 0 or (days == 0 and not zero_allowed):
        raise UnitError(f"{written(value)} is not more than 0; {what} lasts at least {least}")
    if days < MIN_DURATION_DAYS - 1e-12 and not zero_allowed:
        raise UnitError(f"{written(value)} is shorter than one hour; {what} lasts at least {least}")
    if days > MAX_DURATION_DAYS:
        raise UnitError(
            f"{written(value)} is more than 1,000 days; "
            + (
                "a longer loss is a retirement of the link (links[].retire), not an outage"
                if what == "an outage"
                else f"{what} is at most '1000 days'"
            )
        )
    return days


def parse_delay_days(value: object) -> float:
    """Parse an activation delay: as :func:`parse_duration_days`, from 0 (at once) to 1,000 days."""
    return parse_duration_days(value, what="the delay", least="'0 days'")


def format_days(days: float, digits: int = 3) -> str:
    """Format days as ``'14 days'``, ``'1 day'``, ``'50 hours'`` (whole hours that are not whole
    days, under a week) or ``'2.08 days'`` (``digits`` significant digits).

    >>> format_days(38 / 24)
    '38 hours'
    """
    hours = days * 24
    whole_days = abs(days - round(days)) < 1e-9
    if not whole_days and days < 7 and abs(hours - round(hours)) < 1e-9:
        return "1 hour" if round(hours) == 1 else f"{round(hours)} hours"
    text = f"{round(days)}" if whole_days else f"{days:.{digits}g}"
    if "e" in text:  # never an exponent: the days to the nearest whole
        text = f"{round(days)}"
    return "1 day" if text == "1" else f"{text} days"


#: Most faults a year of one source, and per 1,000 km a year: far above the record (a few a
#: year on the busiest systems; about 0.1 per 1,000 km a year worldwide).
MAX_FAULTS_PER_YEAR, MAX_FAULTS_PER_1000_KM_YEAR = 20.0, 10.0
#: Longest link: 100,000 km (the longest submarine systems run about 40,000 km) [km].
MAX_LENGTH_KM = 100_000.0
_PER_YEAR = r"(?:per\s+year|/\s*year|/\s*yr|a\s+year|per\s+yr)"
_FAULT_RATE = re.compile(rf"^\s*(?P<num>{NUMBER})\s*(?:faults?\s*)?{_PER_YEAR}\s*$")
_FAULT_RATE_KM = re.compile(
    rf"^\s*(?P<num>{NUMBER})\s*(?:faults?\s*)?(?:per|/)\s*1,?000\s*km\s*(?:per|/)\s*(?:year|yr)\s*$"
)
_LENGTH = re.compile(rf"^\s*(?P<num>{NUMBER})\s*km\s*$")


def parse_fault_rate(value: object, per_1000_km: bool = False) -> float:
    """Parse ``'0.6 per year'`` (or, ``per_1000_km``, ``'0.1 per 1000 km per year'``) into
    faults per year (per 1,000 km), 0 to 20 (0 to 10).

    >>> parse_fault_rate("0.6 per year")
    0.6
    >>> parse_fault_rate("0.1 per 1000 km per year", per_1000_km=True)
    0.1
    """
    example = "'0.1 per 1000 km per year'" if per_1000_km else "'0.6 per year'"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise UnitError(f"{written(value)} has no unit; write e.g. {example}")
    match = (_FAULT_RATE_KM if per_1000_km else _FAULT_RATE).match(value) if isinstance(value, str) else None
    if not match:
        other = _FAULT_RATE.match(value) if per_1000_km and isinstance(value, str) else None
        hint = " (a rate per year goes in 'rate')" if other else ""
        if not per_1000_km and isinstance(value, str) and _FAULT_RATE_KM.match(value):
            hint = " (a rate per 1,000 km goes in 'rate_per_1000_km', with the link's length)"
        raise UnitError(f"{written(value)} is not a fault rate; write e.g. {example}{hint}")
    rate = _number(match["num"])
    most = MAX_FAULTS_PER_1000_KM_YEAR if per_1000_km else MAX_FAULTS_PER_YEAR
    if not 0 <= rate <= most:
        raise UnitError(
            f"{written(value)} is outside 0 to {most:g}; the busiest systems see a few faults a year"
        )
    return rate


def format_fault_rate(rate: float, per_1000_km: bool = False, digits: int = 3) -> str:
    """Format faults per year (per 1,000 km): ``'0.6 per year'``."""
    return f"{rate:.{digits}g} per 1000 km per year" if per_1000_km else f"{rate:.{digits}g} per year"


def parse_length_km(value: object) -> float:
    """Parse ``'820 km'`` into km, above 0 and at most 100,000 km."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise UnitError(f"{written(value)} has no unit; write e.g. '{value:g} km'")
    match = _LENGTH.match(value) if isinstance(value, str) else None
    if not match:
        raise UnitError(f"{written(value)} is not a length; write e.g. '820 km'")
    km = _number(match["num"])
    if not 0 < km <= MAX_LENGTH_KM:
        raise UnitError(
            f"{written(value)} is outside 0 to 100,000 km; the longest systems run about 40,000 km"
        )
    return km


#: Bit-rate units a data column's name may end with, in Gbps.
_COLUMN_RATE_SUFFIXES = {"_bps": 1e-9, "_kbps": 1e-6, "_mbps": 1e-3, "_gbps": 1.0, "_tbps": 1e3, "_pbps": 1e6}


def rate_unit_of(column: str) -> float | None:
    """Gbps per unit of a data column named after a bit rate (``value_gbps``: 1,
    ``bandwidth_tbps``: 1000), or None for any other column (subscribers, a share).

    >>> rate_unit_of("value_gbps"), rate_unit_of("bandwidth_TBPS"), rate_unit_of("subscribers_millions")
    (1.0, 1000.0, None)
    """
    for suffix, gbps in _COLUMN_RATE_SUFFIXES.items():
        if column.lower().endswith(suffix):
            return gbps
    return None
