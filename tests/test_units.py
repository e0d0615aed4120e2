"""Units, dates and durations: parsing, formatting and their error messages."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity_model import units
from capacity_model.units import UnitError


@pytest.mark.parametrize(
    ("text", "gbps"),
    [
        ("450 Gbps", 450.0),
        ("1 Tbps", 1000.0),
        ("1.5 Tbps", 1500.0),
        ("12.5Tbps", 12500.0),
        ("800 Mbps", 0.8),
        ("64 kbps", 64e-6),
        ("1000000 bps", 1e-3),
        ("2 Pbps", 2e6),
        ("100 Gb/s", 100.0),
        ("4 Tb/s", 4000.0),
        ("8826302 Mbps", 8826.302),
        ("1e3 Gbps", 1000.0),
        ("  10 Gbit/s ", 10.0),
    ],
)
def test_parse_bit_rate(text: str, gbps: float) -> None:
    assert units.parse_bit_rate_gbps(text) == pytest.approx(gbps, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (450, r"^450 has no unit; write e\.g\. '450 Gbps'"),
        ("450", r"^'450' has no unit; write e\.g\. '450 Gbps'$"),
        ("4 TB", r"^'4 TB' is not a bit rate; write e\.g\. '4 Tbps'"),
        (
            "4 TB/s",
            r"^'4 TB/s' is a byte rate, not a bit rate; write e\.g\. '4 Tbps' \(4 TB/s would be '32 Tbps'\)$",
        ),
        ("10 GBps", r"is a byte rate, not a bit rate.*'80 Gbps'"),
        (
            "450 gigs",
            r"^'450 gigs' is not a bit rate; write e\.g\. '450 Gbps' \(units: bps, kbps, Mbps, Gbps, Tbps, Pbps\)$",
        ),
        ("fast", r"^'fast' is not a bit rate"),
        (None, r"is not a bit rate"),
        (True, r"is not a bit rate"),
        ("inf Gbps", r"is not a bit rate"),
    ],
)
def test_parse_bit_rate_errors_say_what_to_write(value: object, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        units.parse_bit_rate_gbps(value)


@pytest.mark.parametrize(
    ("gbps", "text"),
    [
        (450.0, "450 Gbps"),
        (1000.0, "1 Tbps"),
        (12500.0, "12.5 Tbps"),
        (0.25, "250 Mbps"),
        (2e6, "2 Pbps"),
        (0.0, "0 Gbps"),
    ],
)
def test_format_bit_rate(gbps: float, text: str) -> None:
    assert units.format_bit_rate(gbps) == text


@given(st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_bit_rate_round_trips_at_15_digits(gbps: float) -> None:
    # 15 significant digits keep the value to a relative 1e-14.
    assert units.parse_bit_rate_gbps(units.format_bit_rate(gbps, digits=15)) == pytest.approx(gbps, rel=1e-14)


@pytest.mark.parametrize(
    ("value", "fraction"),
    [
        ("12.5%", 0.125),
        ("70%", 0.7),
        ("0%", 0.0),
        ("100%", 1.0),
        (0.125, 0.125),
        (0, 0.0),
        (1, 1.0),
        ("0.25", 0.25),
    ],
)
def test_parse_fraction(value: object, fraction: float) -> None:
    assert units.parse_fraction(value) == pytest.approx(fraction, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("170%", r"^'170%' is outside 0-100%$"),
        ("-5%", r"outside 0-100%"),
        (12.5, r"^12\.5 is outside 0-100% as a fraction; write '12\.5%' for a percentage"),
        ("lots", r"^'lots' is not a percentage; write e\.g\. '12\.5%'"),
        (None, r"is not a percentage"),
        (float("nan"), r"is not a percentage"),
    ],
)
def test_parse_fraction_errors(value: object, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        units.parse_fraction(value)


def test_growth_rates_may_leave_the_unit_interval() -> None:
    assert units.parse_fraction("-20%", allow_outside_unit_interval=True) == pytest.approx(-0.2)
    assert units.parse_fraction("150%", allow_outside_unit_interval=True) == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("value", "year", "month"),
    [
        ("2026-01", 2026, 1),
        ("2029-6", 2029, 6),
        ("2029-12", 2029, 12),
        ("2029", 2029, 1),
        (2029, 2029, 1),
        ("2029-06-30", 2029, 6),
        ("2029-Q1", 2029, 1),
        ("2029-Q3", 2029, 7),
        ("2029-q4", 2029, 10),
    ],
)
def test_parse_month(value: object, year: int, month: int) -> None:
    assert units.month_year(units.parse_month(value)) == (year, month)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2029-13", r"has no month 13"),
        ("2029-00", r"has no month 0"),
        ("2029-Q5", r"has no quarter 5"),
        ("2029-02-30", r"is not a calendar date"),
        ("June 2029", r"^'June 2029' is not a date; write e\.g\. '2029-06'"),
        (29, r"is not a date"),
        (2029.5, r"is not a date"),
    ],
)
def test_parse_month_errors(value: object, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        units.parse_month(value)


@given(st.integers(min_value=12 * 1900, max_value=12 * 2200 + 11))
def test_month_round_trips(month: int) -> None:
    assert units.parse_month(units.format_month(month)) == month


@pytest.mark.parametrize(
    ("value", "months"),
    [
        ("24 months", 24),
        ("1 month", 1),
        ("0 months", 0),
        ("2 years", 24),
        ("1 year", 12),
        ("1.5 years", 18),
        ("4 yr", 48),
    ],
)
def test_parse_duration(value: str, months: int) -> None:
    assert units.parse_duration_months(value) == months


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (12, r"^12 has no unit; write e\.g\. '12 months' or '12 years'$"),
        ("2.5 months", r"is not a whole number of months"),
        ("-3 months", r"is negative"),
        ("a while", r"is not a duration; write e\.g\. '18 months'"),
    ],
)
def test_parse_duration_errors(value: object, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        units.parse_duration_months(value)


def test_format_duration_and_percent() -> None:
    assert units.format_duration(1) == "1 month"
    assert units.format_duration(26) == "26 months"
    assert units.format_percent(0.125) == "12.5%"
    assert math.isclose(units.parse_fraction(units.format_percent(0.3)), 0.3, rel_tol=1e-15)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4,000 Gbps", "'4,000 Gbps': write the number without commas, e.g. '4000 Gbps'"),
        ("1,234,567.5 Mbps", "e.g. '1234567.5 Mbps'"),
        ("4 tbps", "'4 tbps': units are case-sensitive (M is mega, m would be milli); write '4 Tbps'"),
        ("4 GBPS", "units are case-sensitive"),
        ("0.5 bps", "at least 1 bps"),
    ],
)
def test_bit_rate_mistakes_say_how_to_write_it(text: str, message: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from capacity_model.quantities import PositiveBitRate

    with pytest.raises((UnitError, ValidationError), match=re.escape(message)):
        if message == "at least 1 bps":
            TypeAdapter(PositiveBitRate).validate_python(text)
        else:
            units.parse_bit_rate_gbps(text)


def test_days_and_durations_in_days() -> None:
    assert units.parse_day("2025-01-02") - units.parse_day("2024-12-31") == 2
    assert units.format_day(units.parse_day("2024-2-29")) == "2024-02-29"
    assert units.month_of_day(units.parse_day("2025-03-31")) == 12 * 2025 + 2
    assert units.first_day_of_month(12 * 2025 + 2) == units.parse_day("2025-03-01")
    assert units.parse_duration_days("38 hours") == pytest.approx(38 / 24)
    assert units.parse_duration_days("2 weeks") == 14.0
    assert units.parse_duration_days("1 hour") == pytest.approx(1 / 24)
    assert units.parse_duration_days("1000 days") == 1000.0
    assert [units.format_days(d) for d in (1.0, 14.0, 38 / 24, 0.5, 50 / 24, 7.5, 14000.5 / 24)] == [
        "1 day",
        "14 days",
        "38 hours",
        "12 hours",
        "50 hours",
        "7.5 days",
        "583 days",
    ]
    assert units.format_days(14000.5 / 24, digits=15) == "583.354166666667 days"
    assert units.parse_delay_days("0 days") == 0.0
    with pytest.raises(units.UnitError, match="the delay is at most '1000 days'"):
        units.parse_delay_days("1001 days")
    with pytest.raises(units.UnitError, match="not more than 0; the delay lasts at least '0 days'"):
        units.parse_delay_days("-1 days")
    for bad, phrase in [
        ("2025-03", "is not a day"),
        ("2023-02-29", "not a calendar date"),
        ("1899-12-31", "outside the years"),
    ]:
        with pytest.raises(units.UnitError, match=phrase):
            units.parse_day(bad)
    for bad, phrase in [
        ("0 days", "not more than 0"),
        ("59 minutes", "not a duration in days"),
        ("0.9 hours", "shorter than one hour"),
        ("1000.5 days", "more than 1,000 days"),
        ("nan days", "not a duration"),
        (14, "has no unit"),
        ("2 months", "not a duration in days"),
    ]:
        with pytest.raises(units.UnitError, match=phrase):
            units.parse_duration_days(bad)
