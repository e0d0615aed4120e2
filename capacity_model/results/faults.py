"""The faults drawn at random, in words and numbers: the sentence of the summary page and the
``faults`` entry of ``summary.json``'s ``uncertainty`` (see :mod:`capacity_model.engine.faults`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine.faults import FAULT_LOSS_LEVELS, FaultLosses
from ..units import format_percent
from .words import percent, tbps_days_alike

__all__ = ["fault_line", "faults_summary", "loss_quantile"]

#: The share of a year's demand the headline gives the chance of losing to faults [fraction].
HEADLINE_LEVEL = 0.01


def loss_quantile(values: NDArray[np.float64], q: float) -> float:
    """The ``q`` quantile over samples (inverted CDF: a value some sample has)."""
    return float(np.quantile(values, q, method="inverted_cdf"))


def fault_line(faults: FaultLosses | None, subject: str = "") -> str | None:
    """The faults drawn at random in one sentence, or None without fault rates; ``subject``
    follows "Faults at random" (``' end to end'``)."""
    if faults is None:
        return None
    loss = faults.loss_tbps_days_per_year
    low, high = (loss_quantile(loss, q) for q in (0.1, 0.9))
    availability = float(np.mean(faults.availability))
    mean_text, low_text, high_text = tbps_days_alike(float(loss.mean()), low, high)
    return (
        f"Faults at random{subject} ({faults.faults.mean() / faults.years:.2g} a year on average): they cost "
        f"{mean_text} of traffic a year on average (P10 {low_text}, "
        f"P90 {high_text}), beyond what is lost anyway; nothing is lost to them "
        f"{percent(availability)} of the time; in {percent(faults.p_loss_above(HEADLINE_LEVEL))} of "
        f"years they take more than {format_percent(HEADLINE_LEVEL)} of the year's demand."
    )


def faults_summary(faults: FaultLosses | None) -> dict[str, Any] | None:
    """The ``faults`` entry of ``summary.json``'s ``uncertainty``, or None without fault rates."""
    if faults is None:
        return None

    def spread(values: NDArray[np.float64]) -> dict[str, float]:
        return {"mean": float(np.mean(values))} | {
            f"p{round(q * 100)}": loss_quantile(values, q) for q in (0.1, 0.5, 0.9)
        }

    year_loss = faults.in_whole_years(faults.lost_tbps_days)
    return {
        "faults_per_year": float(faults.faults.mean()) / faults.years,
        "loss_tbps_days_per_year": spread(faults.loss_tbps_days_per_year),
        "availability": spread(faults.availability),
        "year_loss_tbps_days": {f"p{q}": loss_quantile(year_loss, q / 100) for q in (50, 90, 99)},
        "whole_years": int(faults.whole_years.sum()),
        "p_year_loss_above": {
            format_percent(level): faults.p_loss_above(level) for level in FAULT_LOSS_LEVELS
        },
    }
