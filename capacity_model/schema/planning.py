"""The projected period and the planning rules: thresholds, lead times, the upgrade rule."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .. import units
from ..quantities import (
    DelayDays,
    Duration,
    Fraction,
    Month,
    PositiveBitRate,
    SourceKey,
    StrictModel,
    problem,
)


class Period(StrictModel):
    """The months the model steps through, both ends included."""

    start: Month
    """First month of the projection, e.g. ``2026-01``."""
    end: Month
    """Last month of the projection (included), e.g. ``2040-12``."""

    @model_validator(mode="after")
    def check_end_after_start(self) -> Period:
        if self.end < self.start:
            raise problem(
                f"{units.format_month(self.end)} is before start "
                f"{units.format_month(self.start)}; the period must run forwards",
                "end",
            )
        if self.end - self.start >= 12 * 200:
            raise problem("the period is longer than 200 years; shorten it", "end")
        return self


#: Longest ``planning.upgrade.horizon`` and ``planning.upgrade.lead_time`` [months]: 50 years.
MAX_PLAN_MONTHS = 600


class UpgradeRule(StrictModel):
    """How the capacity plan adds capacity: whole modules of ``step``, each upgrade sized so
    that capacity lasts ``horizon`` at the projected demand."""

    step: PositiveBitRate = 100.0
    """Module size: every upgrade is a whole number of steps [Gbps]. Default 100 Gbps."""
    horizon: Duration = 24
    """Each upgrade keeps utilisation at or below the threshold for this long after it enters
    service, at the projected demand [months]. Default 24 months."""
    lead_time: Duration | None = None
    """Time from ordering an upgrade to having it in service [months];
    ``planning.default_lead_time`` if left out."""
    source: SourceKey | None = None
    """Key in ``sources`` for the upgrade rule."""

    @field_validator("horizon")
    @classmethod
    def check_horizon(cls, value: int) -> int:
        if not 1 <= value <= MAX_PLAN_MONTHS:
            raise problem(
                f"must be from 1 month to {MAX_PLAN_MONTHS // 12} years, found {units.format_duration(value)}"
            )
        return value

    @field_validator("lead_time")
    @classmethod
    def check_lead_time(cls, value: int | None) -> int | None:
        if value is not None and value > MAX_PLAN_MONTHS:
            raise problem(
                f"must be at most {MAX_PLAN_MONTHS // 12} years, found {units.format_duration(value)}"
            )
        return value


#: The upgrade rule used when a scenario gives none.
DEFAULT_UPGRADE = UpgradeRule()
#: Lowest ``planning.max_utilisation``: below 1% a link is not planned to carry traffic.
MIN_UTILISATION = 0.01


class Planning(StrictModel):
    """Planning rules applied to the whole corridor."""

    max_utilisation: Fraction = 0.7
    """Peak utilisation above which capacity counts as exhausted [fraction]. Default 70%
    (operators "work toward completing the upgrade by 70%": NANOG, 2020)."""
    default_lead_time: Duration = 24
    """Time from ordering capacity to having it in service, for phases that give
    no ``lead_time`` and for shortfalls with no later phase [months]."""
    upgrade: UpgradeRule = Field(default_factory=UpgradeRule)
    """How the capacity plan sizes upgrades (default: steps of 100 Gbps lasting 24 months)."""
    emergency_utilisation: Fraction = 1.0
    """Utilisation accepted while a system is down (N-1): at most this share of the surviving
    capacity carries traffic [fraction]. Default 100%."""
    activation_delay: DelayDays | None = None
    """Time to switch on installed but unlit capacity of the surviving links once an outage
    starts [days]. If left out, unlit capacity stays off during outages."""
    source: SourceKey | None = None
    """Key in ``sources`` for these planning values."""

    @model_validator(mode="after")
    def check_emergency_at_least_normal(self) -> Planning:
        if self.emergency_utilisation < self.max_utilisation:
            raise problem(
                f"{units.format_percent(self.emergency_utilisation)} is below max_utilisation "
                f"{units.format_percent(self.max_utilisation)}; in an emergency links run fuller, not emptier",
                "emergency_utilisation",
            )
        return self

    @field_validator("max_utilisation")
    @classmethod
    def check_threshold_positive(cls, value: float) -> float:
        if value < MIN_UTILISATION:
            raise problem(f"must be at least {MIN_UTILISATION:.0%}, e.g. '70%'")
        return value
