"""The faults drawn at random, in words and numbers: the sentence of the summary page and the
``faults`` entry of ``summary.json``'s ``uncertainty`` (see :mod:`capacity_model.engine.faults`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.faults import DAYS_PER_YEAR
from ..units import format_percent
from .words import percent, tbps_days

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo

__all__ = ["fault_line", "faults_summary"]

#: The share of a year's demand the headline gives the chance of losing to faults [fraction].
HEADLINE_LEVEL = 0.01


def _years(mc: MonteCarlo) -> float:
    """Length of the period [years of 365.2425 days]."""
    assert mc.fault_year_days is not None
    return float(mc.fault_year_days.sum()) / DAYS_PER_YEAR


def fault_line(mc: MonteCarlo) -> str | None:
    """The faults drawn at random in one sentence, or None without fault rates."""
    if mc.fault_year_share is None or mc.fault_counts is None:
        return None
    loss = mc.per_sample["fault_loss_tbps_days_per_year"]
    low, high = (mc.outcome_quantile("fault_loss_tbps_days_per_year", q) for q in (0.1, 0.9))
    years = _years(mc)
    availability = float(np.mean(mc.per_sample["fault_availability"]))
    return (
        f"Faults at random ({mc.fault_counts.mean() / years:.2g} a year on average): they cost "
        f"{tbps_days(float(loss.mean()))} of traffic a year on average (P10 {tbps_days(low)}, "
        f"P90 {tbps_days(high)}), beyond what is lost anyway; nothing is lost to them "
        f"{percent(availability)} of the time; in {percent(mc.p_fault_loss_above(HEADLINE_LEVEL))} of "
        f"years they take more than {format_percent(HEADLINE_LEVEL)} of the year's demand."
    )


def faults_summary(mc: MonteCarlo) -> dict[str, Any] | None:
    """The ``faults`` entry of ``summary.json``'s ``uncertainty``, or None without fault rates."""
    from ..engine.montecarlo import FAULT_LOSS_LEVELS

    if mc.fault_year_share is None or mc.fault_counts is None or mc.fault_year_loss_tbps_days is None:
        return None
    years = _years(mc)

    def spread(name: str) -> dict[str, float]:
        return {"mean": float(np.mean(mc.per_sample[name]))} | {
            f"p{round(q * 100)}": mc.outcome_quantile(name, q) for q in (0.1, 0.5, 0.9)
        }

    year_loss = mc.fault_year_loss_tbps_days
    return {
        "faults_per_year": float(mc.fault_counts.mean()) / years,
        "loss_tbps_days_per_year": spread("fault_loss_tbps_days_per_year"),
        "availability": spread("fault_availability"),
        "year_loss_tbps_days": {
            f"p{q}": float(np.quantile(mc.fault_years(year_loss), q / 100, method="inverted_cdf"))
            for q in (50, 90, 99)
        },
        "whole_years": int(mc.whole_years.sum()),
        "p_year_loss_above": {
            format_percent(level): mc.p_fault_loss_above(level) for level in FAULT_LOSS_LEVELS
        },
    }
