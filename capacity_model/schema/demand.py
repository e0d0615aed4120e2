"""Demand streams: bases, growth models (cagr, piecewise, series, fitted) and shares."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .. import units
from ..quantities import (
    BassCoefficient,
    ColumnName,
    DataMonth,
    DataPath,
    Duration,
    Finding,
    Fraction,
    GrowthRate,
    Id,
    Month,
    Name,
    ObservedValue,
    PositiveBitRate,
    Priority,
    SourceKey,
    StrictModel,
    breaks_problem,
    problem,
    raise_all,
)
from .limits import MAX_ENTRIES, MAX_POINTS, MAX_RATES

#: The forms a growth curve is fitted with (``capacity-model fit``, ``growth: {model: fitted}``).
FIT_FORMS = ("cagr", "piecewise", "logistic", "gompertz", "bass")
#: Most breakpoints given to a piecewise fit.
MOST_GIVEN_BREAKS = 10


class Base(StrictModel):
    """The demand stream's value at one month, from which growth is applied."""

    value: PositiveBitRate
    """Peak traffic at ``at`` [Gbps]."""
    at: Month
    """Month of ``value``."""
    source: SourceKey | None = None
    """Key in ``sources`` for the base value."""


def _check_growth_rate(value: float) -> float:
    if not -1.0 < value <= 10.0:
        raise problem(
            f"a growth rate must be above -100% and at most 1000% a year, found {units.format_percent(value, digits=15)}"
        )
    return value


class CagrGrowth(StrictModel):
    """Constant compound annual growth: ``D(t) = D0 * (1 + rate) ** ((t - t0) / 12)``."""

    model: Literal["cagr"]
    rate: GrowthRate
    """Annual growth rate [fraction per year], e.g. ``25%``."""
    source: SourceKey | None = None
    """Key in ``sources`` for the rate."""

    _rate_above_minus_one = field_validator("rate")(_check_growth_rate)


class RateFrom(StrictModel):
    """An annual growth rate holding from one month until the next ``from``."""

    from_: Month = Field(alias="from")
    """First month the rate applies to."""
    rate: GrowthRate
    """Annual growth rate [fraction per year]."""

    _rate_above_minus_one = field_validator("rate")(_check_growth_rate)


class PiecewiseGrowth(StrictModel):
    """Annual growth rates that change at given months."""

    model: Literal["piecewise"]
    rates: Annotated[list[RateFrom], Field(min_length=1, max_length=MAX_RATES)]
    """Rates in date order; the first also applies before its ``from``."""
    source: SourceKey | None = None
    """Key in ``sources`` for the rates."""

    @field_validator("rates")
    @classmethod
    def check_rates_in_date_order(cls, rates: list[RateFrom]) -> list[RateFrom]:
        _check_increasing((r.from_ for r in rates), "rates", "from")
        return rates


class SeriesPoint(StrictModel):
    """One observed value of a demand stream."""

    at: Month
    """Month of the observation."""
    value: PositiveBitRate
    """Observed peak traffic [Gbps]."""


class SeriesGrowth(StrictModel):
    """Observed points, joined log-linearly; the end segments' growth carries on outside them."""

    model: Literal["series"]
    points: Annotated[list[SeriesPoint], Field(min_length=2, max_length=MAX_POINTS)]
    """At least two observations, in date order."""
    source: SourceKey | None = None
    """Key in ``sources`` for the observations."""

    @field_validator("points")
    @classmethod
    def check_points_in_date_order(cls, points: list[SeriesPoint]) -> list[SeriesPoint]:
        _check_increasing((p.at for p in points), "points", "at")
        return points


class FittedPoint(StrictModel):
    """One point of the data a growth curve is fitted to, as read from the data file."""

    at: Month
    """Month of the observation."""
    value: ObservedValue
    """The observed value, in the data column's unit."""


#: Most points of the data a growth curve is fitted to (the rows a data file may hold).
MAX_FITTED_POINTS = 10_000
#: The fewest points each form is fitted to (one more than its parameters; a piecewise fit with
#: breakpoints chosen by the data: two points each side of one, one more than its four
#: parameters).
FEWEST_FITTED_POINTS = {"cagr": 3, "piecewise": 5, "logistic": 4, "gompertz": 4, "bass": 5}


class FittedGrowth(StrictModel):
    """A growth curve fitted to observed data when the scenario is loaded (README,
    "Calibrating demand"): the stream's demand follows the fitted curve, in the data's unit
    when its column names a bit rate, or scaled to pass through ``base``."""

    model: Literal["fitted"]
    data: DataPath
    """The data file (CSV), relative to the scenario file that names it."""
    form: Literal["cagr", "piecewise", "logistic", "gompertz", "bass"]
    """The curve fitted: cagr, piecewise, logistic, gompertz or bass."""
    column: ColumnName | None = None
    """The values' column; by default the file's only column of numbers."""
    date_column: ColumnName | None = None
    """The dates' column; by default the one named date, year or month."""
    metric: ColumnName | None = None
    """Keep the rows whose ``metric`` column holds this (a file that mixes definitions)."""
    since: DataMonth | None = None
    """Fit the points from this date on."""
    until: DataMonth | None = None
    """Fit the points up to this date."""
    breaks: Annotated[list[DataMonth], Field(min_length=1, max_length=MOST_GIVEN_BREAKS)] | None = None
    """Breakpoints of a piecewise fit; by default chosen by the data."""
    points: Annotated[list[FittedPoint], Field(max_length=MAX_FITTED_POINTS)] = Field(default_factory=list)
    """The points fitted, filled from ``data`` when the scenario file is loaded (a file that
    gives them, such as a resolved scenario, is not read again)."""
    source: SourceKey | None = None
    """Key in ``sources`` for the data."""

    @field_validator("points")
    @classmethod
    def check_points_in_date_order(cls, points: list[FittedPoint]) -> list[FittedPoint]:
        _check_increasing((p.at for p in points), "points", "at")
        return points

    @model_validator(mode="after")
    def check_fit(self) -> FittedGrowth:
        findings: list[Finding] = []
        if self.breaks is not None and self.form != "piecewise":
            findings.append((f"breaks are for the piecewise form, not {self.form}", ("breaks",)))
        if self.since is not None and self.until is not None and self.until <= self.since:
            findings.append((f"{units.format_month(self.until)} is not after since", ("until",)))
        fewest = FEWEST_FITTED_POINTS[self.form] if self.breaks is None else 3 + len(self.breaks)
        if len(self.points) < fewest:
            findings.append(
                (
                    f"the {self.form} form is fitted to at least {fewest} points, and "
                    + (
                        f"{len(self.points)} {'is' if len(self.points) == 1 else 'are'} left from {self.data}"
                        if self.points
                        else f"none were read: points are filled from {self.data} when the scenario file is loaded"
                    ),
                    ("points",) if self.points else ("data",),
                )
            )
        months = [p.at for p in self.points]
        if months and self.since is not None and months[0] < self.since:
            findings.append(
                (
                    f"the points start at {units.format_month(months[0])}, before since: points given in the "
                    "file (a resolved scenario) are not read again; remove points: to read the data anew, or "
                    "drop the points before since",
                    ("since",),
                )
            )
        if months and self.until is not None and months[-1] > self.until:
            findings.append(
                (
                    f"the points end at {units.format_month(months[-1])}, after until: points given in the "
                    "file are not read again; remove points: to read the data anew, or drop the points after "
                    "until",
                    ("until",),
                )
            )
        if self.breaks is not None and len(months) >= 2:
            problem_text = breaks_problem(months, self.breaks)
            if problem_text is not None:
                findings.append((problem_text, ("breaks",)))
        raise_all(findings)
        return self

    @property
    def draw(self) -> float:
        """The central draw of the fit's joint uncertainty (the curve at the estimates): the
        value the uncertainty section's draw of the fit stands for when nothing is sampled."""
        return 0.5

    @property
    def gbps_per_unit(self) -> float | None:
        """Gbps per unit of the data when its column names a bit rate; else None."""
        return None if self.column is None else units.rate_unit_of(self.column)


def _check_increasing(months_in_order: Iterable[int], list_name: str, field: str) -> None:
    months = list(months_in_order)
    raise_all(
        [
            (
                f"{units.format_month(months[i])} is not after the previous entry's {field} "
                f"{units.format_month(months[i - 1])}; list {list_name} in date order",
                (i, field),
            )
            for i in range(1, len(months))
            if months[i] <= months[i - 1]
        ]
    )


class ConstantShare(StrictModel):
    """A constant share of the stream."""

    model: Literal["constant"]
    value: Fraction
    """Share [fraction]."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share."""


class LinearShare(StrictModel):
    """A share moving linearly from ``start`` to ``end`` between two months, flat outside."""

    model: Literal["linear"]
    start: Fraction
    """Share up to ``from`` [fraction]."""
    end: Fraction
    """Share from ``to`` on [fraction]."""
    from_: Month = Field(alias="from")
    """Month the change begins."""
    to: Month
    """Month the change is complete."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share."""

    @model_validator(mode="after")
    def check_to_after_from(self) -> LinearShare:
        if self.to <= self.from_:
            raise problem(
                f"{units.format_month(self.to)} is not after from {units.format_month(self.from_)}",
                "to",
            )
        return self


class LogisticShare(StrictModel):
    """An S-curve from ``start`` to ``end`` centred on ``midpoint``.

    ``share(t) = start + (end - start) / (1 + exp(-(t - midpoint) / tau))``
    with ``tau = ramp / (2 ln 9)``, so that ``ramp`` is the time from 10% to
    90% of the transition.
    """

    model: Literal["logistic"]
    start: Fraction
    """Share long before the midpoint [fraction]."""
    end: Fraction
    """Share long after the midpoint [fraction]."""
    midpoint: Month
    """Month at which the share is halfway from ``start`` to ``end``."""
    ramp: Duration
    """Time from 10% to 90% of the transition [months]."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share."""

    @field_validator("ramp")
    @classmethod
    def check_ramp_positive(cls, value: int) -> int:
        if value <= 0:
            raise problem("must be at least 1 month, e.g. '4 years'")
        return value


class BassShare(StrictModel):
    """A share following the Bass diffusion curve from ``start`` to ``end``.

    ``share(t) = start + (end - start) * F(y)``, ``y`` = years since ``from``
    (0 before it), ``F(y) = (1 - exp(-(p + q) y)) / (1 + (q / p) exp(-(p + q) y))``
    (Bass, 1969).
    """

    model: Literal["bass"]
    start: Fraction = 0.0
    """Share up to ``from`` [fraction]."""
    end: Fraction
    """Share once adoption is complete [fraction]."""
    from_: Month = Field(alias="from")
    """Month adoption starts."""
    p: BassCoefficient
    """Coefficient of innovation [1/year], above 0 and at most 1, e.g. 0.03."""
    q: BassCoefficient
    """Coefficient of imitation [1/year], above 0 and at most 1, e.g. 0.38."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share and the coefficients."""


Growth = Annotated[CagrGrowth | PiecewiseGrowth | SeriesGrowth | FittedGrowth, Field(discriminator="model")]
Share = Annotated[ConstantShare | LinearShare | LogisticShare | BassShare, Field(discriminator="model")]


class DemandStream(StrictModel):
    """One stream of peak traffic, grown from a base, optionally times a share."""

    id: Id
    """Short identifier, used in field paths and CSV columns (``demand_<id>_gbps``)."""
    name: Name | None = None
    """Readable name for the report; the ``id`` if left out."""
    base: Base | None = None
    """Value and month growth starts from; may be left out with ``growth.model: series``, and with
    ``fitted`` when the data's column is a bit rate."""
    growth: Growth
    """How the stream grows: ``cagr``, ``piecewise``, ``series`` or ``fitted``."""
    share: Share | None = None
    """Optional share multiplying the stream: ``constant``, ``linear``, ``logistic`` or ``bass``."""
    priority: Priority | None = None
    """Order in which usable capacity serves the streams: lower first, pro rata within a
    priority. Streams without one share what is left after every stream that has one, pro rata."""
    route: Annotated[list[Id], Field(min_length=1, max_length=MAX_ENTRIES)] | None = None
    """Ids of the corridors the stream crosses, in order; with several corridors, required."""
    backup: Annotated[
        list[Annotated[list[Id], Field(min_length=1, max_length=MAX_ENTRIES)]], Field(max_length=MAX_ENTRIES)
    ] = Field(default_factory=list)
    """Backup routes, in order of use: each takes spill-over from spare capacity only."""
    source: SourceKey | None = None
    """Key in ``sources`` for the stream as a whole."""

    @model_validator(mode="after")
    def check_base_given(self) -> DemandStream:
        growth = self.growth
        if self.base is None and isinstance(growth, FittedGrowth) and growth.gbps_per_unit is None:
            raise problem(
                f"base is missing; the data's column {growth.column or '(not named)'} is not a bit rate (a "
                "name ending _gbps, _tbps, ...), so the fitted curve is scaled to pass through a base, "
                "e.g. base: {value: 7500 Gbps, at: 2024-12}",
                "base",
            )
        if self.base is None and not isinstance(growth, SeriesGrowth | FittedGrowth):
            raise problem(
                f"base is missing; growth model {self.growth.model!r} grows from a base, "
                "e.g. base: {value: 200 Gbps, at: 2026-01}",
                "base",
            )
        return self

    @property
    def display_name(self) -> str:
        """The name to show a reader."""
        return self.name or self.id


#: The ``model:`` names each discriminated field accepts, by field name.
MODEL_TAGS: dict[str, tuple[str, ...]] = {
    field: tuple(
        str(typing.get_args(member.model_fields["model"].annotation)[0])
        for member in typing.get_args(typing.get_args(union)[0])
    )
    for field, union in (("growth", Growth), ("share", Share))
}
