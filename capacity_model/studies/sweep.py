"""Run a scenario over a grid of values of one or two of its fields."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError
from ..paths import FieldRef, PathError, format_value, resolve
from ..scenario_files import variant
from ..schema import Scenario
from ..uncertainty import MAX_SAMPLE_MONTHS, parse_value
from .executors import run_all
from .outcomes import Outcome, outcome, run

__all__ = ["MAX_POINTS", "Axis", "Sweep", "axis", "format_value", "run_grid", "sweep"]

#: Most runs one sweep may ask for (the product of its axes' values).
MAX_POINTS = 10_000
#: Most sample-months one sweep with uncertain inputs computes in all (runs x samples x months
#: of the period): twice what one run may compute, a few minutes.
MAX_SWEEP_SAMPLE_MONTHS = 2 * MAX_SAMPLE_MONTHS


@dataclass(frozen=True)
class Axis:
    """One swept field and its values in the field's base unit."""

    ref: FieldRef
    values: tuple[float, ...]

    @property
    def path(self) -> str:
        return self.ref.path

    def label(self, value: float) -> str:
        return format_value(self.ref, value)


def axis(scenario: Scenario, path: str, values: str | None = None, span: str | None = None) -> Axis:
    """Parse ``--param PATH`` with ``--values a,b,c`` or ``--range low:high:step``.

    Values are written in the field's unit (``5%,7.5%``, ``2029-01:2032-01:6 months``);
    the range includes ``high`` when the steps land on it.

    Raises
    ------
    ScenarioError
        Naming the option and what is wrong with it.
    """
    label = f"--param {path}"
    try:
        ref = resolve(scenario, path, study=True)
    except PathError as error:
        raise ScenarioError(Problem(str(error), label)) from None
    if (values is None) == (span is None):
        raise ScenarioError(Problem("give either --values a,b,c or --range low:high:step", label))
    try:
        if values is not None:
            parsed = [parse_value(ref, text.strip()) for text in values.split(",") if text.strip()]
            if not parsed:
                raise ValueError("--values is empty; write e.g. --values 5%,10%,15%")
        else:
            parsed = _range(ref, str(span))
    except ValueError as error:
        raise ScenarioError(Problem(str(error), label)) from None
    if len(parsed) > MAX_POINTS:
        raise ScenarioError(Problem(f"{len(parsed):,} values; a sweep takes at most {MAX_POINTS:,}", label))
    return Axis(ref, tuple(parsed))


def _range(ref: FieldRef, text: str) -> list[float]:
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(f"--range {text!r}: write low:high:step, e.g. 5%:20%:2.5%")
    low, high = parse_value(ref, parts[0].strip()), parse_value(ref, parts[1].strip())
    step = parse_value(ref, parts[2].strip(), as_duration=ref.kind == "date")
    if step <= 0:
        raise ValueError(f"--range {text!r}: the step must be more than 0")
    if high < low:
        raise ValueError(f"--range {text!r}: high is below low")
    steps = (high - low) / step * (1 + 1e-12) + 1e-9  # inf for a step too small to divide by
    if not steps < MAX_POINTS:
        shown = f"{math.floor(steps) + 1:,}" if steps < 1e9 else "more than a billion"
        raise ValueError(
            f"--range {text!r} gives {shown} values; a sweep takes at most {MAX_POINTS:,}: take a larger step"
        )
    count = math.floor(steps) + 1
    return [low + k * step for k in range(count)]


@dataclass(frozen=True)
class Sweep:
    """Outcomes over a grid: ``outcomes[i]`` belongs to ``points[i]`` (one value per axis)."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    points: tuple[tuple[float, ...], ...]
    outcomes: tuple[Outcome, ...]


def _one(args: tuple[Scenario, bool, int | None, int | None, int | None]) -> Outcome:
    scenario, uncertain, samples, seed, carried_at = args
    return outcome(run(scenario, uncertain, samples, seed, carried_at), carried_at)


def run_grid(
    variants: Sequence[Scenario],
    uncertain: bool,
    samples: int | None,
    seed: int | None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    carried_at: int | None = None,
    scheduler: str | None = None,
) -> list[Outcome]:
    """Run each scenario, in parallel over ``jobs`` processes (default: every core) or on the
    Dask scheduler at ``scheduler`` (see :mod:`.executors`).

    Results do not depend on ``jobs`` or ``scheduler``: each run has its own seed, the
    scenario's. Carried shares are taken at ``carried_at`` (default: the end of each period).
    """
    tasks = [(v, uncertain, samples, seed, carried_at) for v in variants]
    return run_all(_one, tasks, jobs, scheduler, progress)


def sweep(
    scenario: Scenario,
    axes: Sequence[Axis],
    *,
    uncertain: bool = True,
    samples: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    carried_at: int | None = None,
    scheduler: str | None = None,
) -> Sweep:
    """Run ``scenario`` at every combination of the axes' values.

    Every variant is checked before any is run: a value the scenario does not allow
    (a phase moved past the next one, say) is reported with the others.

    Raises
    ------
    ScenarioError
        Listing each value that makes the scenario invalid.
    """
    if len({a.ref.location for a in axes}) < len(axes):
        raise ScenarioError(Problem("the same field is swept twice; give each --param once", "--param"))
    count = math.prod(len(a.values) for a in axes)
    if count > MAX_POINTS:
        raise ScenarioError(
            Problem(
                f"{count:,} runs in all; a sweep takes at most {MAX_POINTS:,}: use fewer values", "--param"
            )
        )
    spec = scenario.uncertainty
    months = scenario.period.end - scenario.period.start + 1
    each = samples or (spec.samples if spec else 1)
    if uncertain and spec and count * each * months > MAX_SWEEP_SAMPLE_MONTHS:
        raise ScenarioError(
            Problem(
                f"{count:,} runs of {each:,} samples over {months:,} months is {count * each * months:,} "
                f"sample-months in all; a sweep computes at most {MAX_SWEEP_SAMPLE_MONTHS:,}: use fewer "
                "values or --samples, or --deterministic",
                "--param",
            )
        )
    points = list(itertools.product(*(a.values for a in axes)))
    variants, problems = [], []
    for point in points:
        label = ", ".join(f"--param {a.path} = {a.label(v)}" for a, v in zip(axes, point, strict=True))
        try:
            variants.append(
                variant(scenario, {a.ref.location: v for a, v in zip(axes, point, strict=True)}, label)
            )
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(problems)
    outcomes = run_grid(variants, uncertain, samples, seed, jobs, progress, carried_at, scheduler)
    return Sweep(scenario, tuple(axes), tuple(points), tuple(outcomes))


def as_array(values: Sequence[Any]) -> np.ndarray:
    """Outcome values as floats, None as NaN."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
