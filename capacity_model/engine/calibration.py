"""ITU-T E.507's steps on one observed series: the model classes fitted, each checked on the
data it did not see, and one chosen by its forecast error (README, "Calibrating demand").

For each form asked (:data:`~.fitting.FORMS`, or one): the fit to every point
(:func:`~.fitting.fit`) and a rolling-origin backtest (:func:`~.backtest.backtest`). The
choice (``auto``) compares the forms on the same forecasts: each form's median absolute
percentage error over the backtest forecasts every form made (:func:`common_scores`); among
the forms within :data:`PARSIMONY` of the lowest, the one with the fewest parameters. A form
that cannot be fitted, or has no forecast to score, is not chosen; a choice made on fewer than
:data:`FEW_FORECASTS` forecasts is said to be a weak test; when no form can be backtested (a
series too short), the lowest BIC among the forms fitted decides, and the reason says so. A
holdout refits the chosen form without the last points and forecasts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .backtest import Backtest, backtest, fewest_points, holdout
from .fitting import FORMS, Fit, FitError, fit
from .growth_curves import parameter_count

__all__ = ["FEW_FORECASTS", "PARSIMONY", "Calibration", "Holdout", "calibrate", "common_scores"]

#: Models whose error is within this share of the lowest count as tied: the one with the
#: fewest parameters is chosen among them.
PARSIMONY = 0.05
#: A choice made on fewer forecasts than this is said to be a weak test.
FEW_FORECASTS = 3

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Holdout:
    """The chosen form fitted without the last points, and its forecast of them."""

    fit: Fit
    times: FloatArray
    """The points held out [years]."""
    values: FloatArray


@dataclass(frozen=True)
class Calibration:
    """The forms fitted to one series, their backtests, and the one chosen."""

    times: FloatArray
    values: FloatArray
    horizon_years: int
    fits: dict[str, Fit]
    """Each form fitted to every point, by form (those that could be)."""
    failures: dict[str, str]
    """Why a form could not be fitted, by form."""
    backtests: dict[str, Backtest]
    """Each fitted form's rolling-origin backtest."""
    chosen: str
    reason: str
    """Why the chosen form, in words."""
    holdout: Holdout | None = None
    breaks: tuple[float, ...] | None = None
    """Breakpoints given for a piecewise fit [years]; None when the data choose them."""
    asked: tuple[str, ...] = field(default_factory=tuple)
    """The forms compared, in order."""

    @property
    def fit(self) -> Fit:
        """The chosen form's fit."""
        return self.fits[self.chosen]


def calibrate(
    times: Sequence[float] | FloatArray,
    values: Sequence[float] | FloatArray,
    forms: Sequence[str] = FORMS,
    horizon_years: int = 5,
    breaks: Sequence[float] | None = None,
    holdout_points: int = 0,
    seed: int = 0,
) -> Calibration:
    """Fit, backtest and choose (see the module). With one form in ``forms``, that form is the
    choice (its backtest still reported).

    Raises
    ------
    FitError
        When no form asked can be fitted to the series.
    """
    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    fits: dict[str, Fit] = {}
    failures: dict[str, str] = {}
    backtests: dict[str, Backtest] = {}
    given = None if breaks is None else tuple(sorted(breaks))
    for form in forms:
        try:
            fits[form] = fit(t, y, form, breaks=given if form == "piecewise" else None, seed=seed)
        except FitError as error:
            failures[form] = str(error)
            continue
        backtests[form] = backtest(t, y, form, horizon_years, given if form == "piecewise" else None, seed)
    if not fits:
        raise FitError("; ".join(failures.values()))
    chosen, reason = _choose(fits, backtests, forms, horizon_years, given)
    held = None
    if holdout_points:
        if len(t) - holdout_points < fewest_points(chosen, given if chosen == "piecewise" else None):
            raise FitError(
                f"holding out {holdout_points} of {len(t)} points leaves too few to fit the {chosen} model "
                f"(it needs {fewest_points(chosen, given if chosen == 'piecewise' else None)})"
            )
        fitted, ht, hy = holdout(t, y, chosen, holdout_points, given if chosen == "piecewise" else None, seed)
        held = Holdout(fitted, ht, hy)
    return Calibration(
        t, y, horizon_years, fits, failures, backtests, chosen, reason, held, given, tuple(forms)
    )


def common_scores(backtests: dict[str, Backtest]) -> tuple[dict[str, float], int]:
    """Each model's median absolute percentage error over the backtest forecasts every model
    made (the same origins and points: a model fitted to fewer points forecasts from earlier
    origins too, which are left out), and how many those are; the models' own scores, and 0,
    when they share none."""
    scored = {f: b for f, b in backtests.items() if b.score is not None}
    if not scored:
        return {}, 0

    def pairs(test: Backtest) -> dict[tuple[float, float], float]:
        return {
            (round(float(o), 9), round(float(t), 9)): abs(float(e))
            for o, t, e in zip(test.origin, test.time, test.error, strict=True)
        }

    every = {f: pairs(b) for f, b in scored.items()}
    shared = set.intersection(*(set(p) for p in every.values()))
    if not shared:
        return {f: float(b.score or 0.0) for f, b in scored.items()}, 0
    keys = sorted(shared)
    return {f: float(np.median([p[k] for k in keys])) for f, p in every.items()}, len(keys)


def _choose(
    fits: dict[str, Fit],
    backtests: dict[str, Backtest],
    forms: Sequence[str],
    horizon_years: int,
    breaks: tuple[float, ...] | None,
) -> tuple[str, str]:
    if len(forms) == 1:
        return forms[0], "asked for"
    scores, shared = common_scores(backtests)
    if scores:

        def size(form: str) -> int:
            return parameter_count(form, len(fits[form].breaks))

        lowest = min(scores.values())
        near = [f for f in scores if scores[f] <= lowest * (1 + PARSIMONY) + 1e-12]
        best = min(near, key=lambda f: (size(f), scores[f]))
        others = sorted((f for f in scores if f != best), key=lambda f: scores[f])
        runner = f"; next {others[0]} at {scores[others[0]]:.1%}" if others else ""
        simpler = (
            f", the fewest parameters of the models within {PARSIMONY:.0%} of the lowest"
            if scores[best] > lowest + 1e-12
            else ""
        )
        over = (
            f"the {shared} backtest forecast{'s' if shared != 1 else ''} every model made"
            if shared
            else "each model's own backtest forecasts (no forecast is common to all)"
        )
        caution = (
            f"; a weak test on {shared or len(backtests[best].time)} forecast"
            f"{'s' if (shared or len(backtests[best].time)) != 1 else ''}: compare the models' curves"
            if (shared or len(backtests[best].time)) < FEW_FORECASTS
            else ""
        )
        return best, (
            f"the lowest median absolute error over {over}, up to {horizon_years} years ahead "
            f"({scores[best]:.1%}{simpler}{runner}){caution}"
        )
    best = min(fits, key=lambda f: fits[f].bic())
    return best, (
        "the lowest BIC in sample: the series is too short to backtest any model (a backtest needs a point "
        "beyond the fewest a model is fitted to)"
    )
