"""Inverse questions: the value of one field at which a condition just holds.

A condition is written as text (``"no shortfall before 2031-01"``) and read into a
:class:`Condition`, which measures one quantity of a run against a threshold. The
search evaluates the condition over a grid of the field's values, keeps the values
the scenario allows, finds where the condition switches between holding and not,
and refines each switch: by Brent's method (:func:`scipy.optimize.brentq`) on the
quantity's margin for continuous fields, by bisection over whole months for dates
and durations. The margin is continuous in most fields (shares, growth rates,
capacities), so Brent's method converges fast; where it is a step (probabilities
estimated from samples, dates), it still keeps the switch bracketed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq

from .. import units
from ..engine.evaluation import corridor_capacity_gbps
from ..errors import Problem, ScenarioError
from ..paths import FieldRef, PathError, resolve
from ..scenario_files import variant
from ..schema import Scenario, Target
from ..uncertainty import parse_value
from .executors import run_all
from .outcomes import Run, lowest_headroom_before, p_no_shortfall_before, run
from .sweep import format_value

__all__ = ["Condition", "Solution", "parse_condition", "solve"]

_OPS = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater}


@dataclass(frozen=True)
class Condition:
    """A yes/no question about a run, measured as ``quantity <op> threshold``."""

    text: str
    """As written."""
    kind: str
    """``shortfall``, ``target``, ``utilisation``, ``months_short``, ``unserved_share`` or ``carried_share``."""
    month: int | None = None
    """``before`` month (shortfall) or ``at`` month (utilisation) [month index]."""
    target: str | None = None
    """Target name (kind ``target``)."""
    op: str = ">="
    limit: float = 0.0
    """Limit the quantity is compared with: a utilisation, unserved share or carried share
    [fraction], or a number of months (kind ``months_short``)."""
    stream: str | None = None
    """Stream id (kind ``carried_share``)."""
    probability: float | None = None
    """With uncertain inputs: the least probability the condition must have."""
    against_target: str | None = None
    """Measure utilisation against this target's capacity instead of the capacity in service:
    set when solving for a target's capacity ("what capacity must be in service by then?")."""

    @property
    def needs_samples(self) -> bool:
        return self.probability is not None

    def measure(self, result: Run) -> tuple[float, float, str]:
        """``(quantity, threshold, op)``: the condition holds when ``quantity op threshold``."""
        p = result.projection
        if self.probability is not None:
            mc = result.mc
            assert mc is not None
            if self.kind == "shortfall":
                value = p_no_shortfall_before(
                    mc, self.month if self.month is not None else p.scenario.period.end + 1
                )
            else:
                value = next(t.p_on_time for t in mc.targets if t.name == self.target)
            return value, self.probability, ">="
        if self.kind == "shortfall":
            return lowest_headroom_before(p, self.month), 0.0, ">="
        if self.kind == "months_short":
            return float(p.months_short), self.limit, self.op
        if self.kind == "unserved_share":
            return p.unserved_share, self.limit, self.op
        if self.kind == "carried_share":
            assert self.stream is not None and self.month is not None
            share = p.carried_share(self.stream)
            assert share is not None
            return float(share[p.index(self.month)]), self.limit, self.op
        if self.kind == "utilisation":
            index = int(self.month or 0) - p.scenario.period.start
            if self.against_target is not None:
                target = next(t for t in p.scenario.targets if t.name == self.against_target)
                return float(p.demand_gbps[index] / target.capacity), self.limit, self.op
            return float(p.utilisation[index]), self.limit, self.op
        target = next(t for t in p.scenario.targets if t.name == self.target)
        first = min(link.phases[0].in_service for link in p.scenario.links)
        months = np.arange(min(first, target.by), target.by + 1)
        best = float(corridor_capacity_gbps(p.scenario, months).max())
        return best, target.capacity, ">="

    def holds(self, result: Run) -> bool:
        value, threshold, op = self.measure(result)
        return bool(_OPS[op](value, threshold))

    def margin(self, result: Run) -> float:
        """Positive when the condition holds with room to spare; 0 or more exactly when it holds
        (for strict comparisons, more than 0).

        Months short are whole numbers: their margin is moved half a month towards the side
        where the condition fails, so that it is never 0 and root finding finds the switch
        rather than stopping at a value where the condition holds exactly."""
        value, threshold, op = self.measure(result)
        value = float(np.clip(value, -1e300, 1e300))  # no capacity: utilisation is infinite
        margin = value - threshold if op in (">=", ">") else threshold - value
        if self.kind == "months_short":
            margin += 0.5 if op in ("<=", ">=") else -0.5
        return float(margin)

    def applies_to(self, scenario: Scenario) -> bool:
        """Whether the condition's month (if it has one) lies within the scenario's period, so
        that it can be measured there (a variant may move the period)."""
        return (
            self.month is None
            or self.kind == "shortfall"
            or (scenario.period.start <= self.month <= scenario.period.end)
        )

    @property
    def axis_kind(self) -> str:
        """How the quantity is shown on an axis: ``probability`` (a fraction, in % on 0-100%),
        ``share`` (a fraction, in % on a scale that fits it), ``months`` or ``gbps``."""
        if self.probability is not None or self.kind == "utilisation":
            return "probability"
        if self.kind in ("unserved_share", "carried_share"):
            return "share"
        return "months" if self.kind == "months_short" else "gbps"

    def quantity_label(self) -> str:
        if self.kind == "months_short":
            return "Months short in the period [months]"
        if self.kind == "unserved_share":
            return "Unserved share of the period's demand [%]"
        if self.kind == "carried_share":
            return f"Carried share of {self.stream} in {units.format_month(int(self.month or 0))} [%]"
        if self.probability is not None:
            what = "no shortfall" + (f" before {units.format_month(self.month)}" if self.month else "")
            if self.kind == "target":
                what = f"{self.target} on time"
            return f"Probability of {what} [%]"
        if self.kind == "shortfall":
            before = f" before {units.format_month(self.month)}" if self.month else " in the period"
            return f"Lowest headroom{before} [Gbps]"
        if self.kind == "utilisation":
            of = f" of the {self.against_target} capacity" if self.against_target else ""
            return f"Utilisation{of} in {units.format_month(int(self.month or 0))} [%]"
        return f"Highest corridor capacity by the {self.target} deadline [Gbps]"


_MONTH = r"([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?|-Q[1-4])?)"


def parse_condition(text: str, scenario: Scenario) -> Condition:
    """Read a condition.

    Accepted (case and spacing do not matter)::

        no shortfall [before DATE]
        [target] NAME on time
        utilisation at DATE <= 70%          (or <, >=, >)
        months short <= 12                  (or <, >=, >)
        unserved share <= 5%                (or <, >=, >)
        carried share [of STREAM] at DATE >= 10%   (or <, <=, >)
        probability of <one of the first two> >= 90%   (or: ... at least 90%)

    Raises
    ------
    ScenarioError
        Saying what can be written, or naming the targets when a name matches none.
    """
    label = f"--so-that {text!r}"
    clean = " ".join(text.strip().split())
    probability = None
    match = re.fullmatch(r"(?i)probability of (.+?)\s*(?:>=|at least)\s*(\S+)", clean)
    if match:
        clean = match.group(1)
        try:
            probability = units.parse_fraction(match.group(2))
        except units.UnitError as error:
            raise ScenarioError(Problem(f"the probability: {error}", label)) from None
    try:
        if m := re.fullmatch(rf"(?i)no shortfall(?: before {_MONTH})?", clean):
            month = units.parse_month(m.group(1)) if m.group(1) else None
            if month is not None and month <= scenario.period.start:
                raise ScenarioError(
                    Problem(
                        f"{units.format_month(month)} is not after the period's start "
                        f"{units.format_month(scenario.period.start)}: no month of the period comes before it",
                        label,
                    )
                )
            return Condition(text, "shortfall", month=month, probability=probability)
        if m := re.fullmatch(r"(?i)(?:target )?(.+?) (?:is )?on time", clean):
            names = [t.name for t in scenario.targets]
            name = next((n for n in names if n.lower() == m.group(1).strip().lower()), None)
            if name is None:
                raise ScenarioError(
                    Problem(
                        f"no target named {m.group(1)!r}; targets: {', '.join(names) or 'none'}",
                        label,
                    )
                )
            return Condition(text, "target", target=name, probability=probability)
        if m := re.fullmatch(rf"(?i)utili[sz]ation (?:at|in) {_MONTH} (<=|<|>=|>) (\S+)", clean):
            _no_probability(probability, label)
            month = _month_in_period(scenario, units.parse_month(m.group(1)), label)
            limit = units.parse_fraction(m.group(3), allow_outside_unit_interval=True)
            return Condition(text, "utilisation", month=month, op=m.group(2), limit=limit)
        if m := re.fullmatch(r"(?i)months short (<=|<|>=|>) (\S+)", clean):
            _no_probability(probability, label)
            try:
                months = int(m.group(2))
            except ValueError:
                raise ScenarioError(
                    Problem(
                        f"{m.group(2)!r} is not a whole number of months, e.g. 'months short <= 12'", label
                    )
                ) from None
            return Condition(text, "months_short", op=m.group(1), limit=float(months))
        if m := re.fullmatch(r"(?i)unserved share (<=|<|>=|>) (\S+)", clean):
            _no_probability(probability, label)
            return Condition(text, "unserved_share", op=m.group(1), limit=units.parse_fraction(m.group(2)))
        if m := re.fullmatch(rf"(?i)carried share(?: of (\S+))? (?:at|in) {_MONTH} (<=|<|>=|>) (\S+)", clean):
            _no_probability(probability, label)
            stream = _stream_with_share(scenario, m.group(1), label)
            month = _month_in_period(scenario, units.parse_month(m.group(2)), label)
            return Condition(
                text,
                "carried_share",
                month=month,
                stream=stream,
                op=m.group(3),
                limit=units.parse_fraction(m.group(4)),
            )
    except units.UnitError as error:
        raise ScenarioError(Problem(str(error), label)) from None
    raise ScenarioError(
        Problem(
            "write one of: 'no shortfall', 'no shortfall before 2031-01', 'Phase 2 on time', "
            "'utilisation at 2029-12 <= 70%', 'months short <= 12', 'unserved share <= 5%', "
            "'carried share of STREAM at 2035-01 >= 5%', or 'probability of <one of the first three> >= 90%'",
            label,
        )
    )


def _no_probability(probability: float | None, label: str) -> None:
    if probability is not None:
        raise ScenarioError(
            Problem(
                "'probability of' takes a shortfall or a target condition only, e.g. 'probability of no shortfall >= 90%'",
                label,
            )
        )


def _month_in_period(scenario: Scenario, month: int, label: str) -> int:
    period = scenario.period
    if not period.start <= month <= period.end:
        raise ScenarioError(
            Problem(
                f"{units.format_month(month)} is outside the period "
                f"{units.format_month(period.start)} to {units.format_month(period.end)}",
                label,
            )
        )
    return month


def _stream_with_share(scenario: Scenario, name: str | None, label: str) -> str:
    """The id of the stream a carried-share condition names, or of the only stream with a share."""
    with_share = [s.id for s in scenario.demand if s.share is not None]
    if not with_share:
        raise ScenarioError(Problem("no demand stream has a share, so none has a carried share", label))
    if name is None:
        if len(with_share) > 1:
            raise ScenarioError(
                Problem(
                    f"several streams have a share; write 'carried share of ID at ...' with one of: {', '.join(with_share)}",
                    label,
                )
            )
        return with_share[0]
    found = next((s for s in with_share if s.lower() == name.lower()), None)
    if found is None:
        raise ScenarioError(
            Problem(
                f"no stream with a share has the id {name!r}; streams with a share: {', '.join(with_share)}",
                label,
            )
        )
    return found


@dataclass(frozen=True)
class Solution:
    """Where a condition switches along one field, and the evidence."""

    ref: FieldRef
    condition: Condition
    low: float
    high: float
    """The range searched, in the field's base unit (narrowed to values the scenario allows)."""
    grid: tuple[float, ...]
    quantity: tuple[float, ...]
    """The condition's quantity at each grid value."""
    threshold: tuple[float, ...]
    holds: tuple[bool, ...]
    switches: tuple[tuple[float, str], ...]
    """Each value at which the condition just holds, with ``"at most"`` or ``"at least"``
    (the side on which it holds)."""

    @property
    def answer(self) -> str:
        """The answer in words, with units."""
        field = self.ref.path
        span = f"{format_value(self.ref, self.low)} to {format_value(self.ref, self.high)}"
        if not any(self.holds):
            return f"no value of {field} from {span} gives {self.condition.text!r}"
        if all(self.holds) and not self.switches:
            return f"{self.condition.text!r} holds for every value of {field} from {span} searched"
        words = {
            "at most": "latest" if self.ref.kind == "date" else "at most",
            "at least": "earliest" if self.ref.kind == "date" else "at least",
        }
        parts = [
            f"{words[side]} {format_value(self.ref, shown(value, side, self.ref))}"
            for value, side in self.switches
        ]
        return f"{field}: {' or '.join(parts)} for {self.condition.text!r}"


def shown(value: float, side: str, ref: FieldRef) -> float:
    """``value`` to 4 significant digits, rounded towards the side where the condition holds
    (down for "at most", up for "at least"), so the value shown still satisfies it."""
    if ref.kind in ("date", "duration") or value == 0:
        return value
    quantum = 10.0 ** (math.floor(math.log10(abs(value))) - 3)
    steps = value / quantum
    steps = math.floor(steps + 1e-9) if side == "at most" else math.ceil(steps - 1e-9)
    return steps * quantum


def default_range(ref: FieldRef, scenario: Scenario) -> tuple[float, float]:
    """The range searched when ``--between`` is not given, in base units."""
    current = float(ref.value) if ref.value is not None else None
    if ref.kind == "percentage":
        return 0.0, 1.0
    if ref.kind == "growth rate":
        return -0.5, 1.0
    if ref.kind == "coefficient":
        return 0.0, 1.0
    if ref.kind == "duration":
        return 0.0, 240.0
    if ref.kind == "date":
        return float(scenario.period.start - 120), float(scenario.period.end)
    base = current if current else 1000.0
    return base / 100, base * 100


def _run_task(task: tuple[Scenario, bool, int | None, int | None]) -> Run:
    """One run of the grid (a module-level function: it is sent to other processes)."""
    changed, uncertain, samples, seed = task
    return run(changed, uncertain, samples, seed)


def solve(
    scenario: Scenario,
    path: str,
    condition_text: str,
    between: str | None = None,
    *,
    samples: int | None = None,
    seed: int | None = None,
    grid_points: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = 1,
    scheduler: str | None = None,
) -> Solution:
    """Find the values of the field ``path`` at which ``condition_text`` just holds.

    Parameters
    ----------
    scenario
        The scenario to vary; a distribution its uncertainty section gives the field is
        replaced by the values searched.
    path
        The field, as in the uncertainty section (``demand.transit.share.end``).
    condition_text
        See :func:`parse_condition`. A ``probability of`` condition samples the
        uncertainty section at every value tried (same seed each time). When ``path``
        is a target's capacity, a utilisation condition is measured against that
        target (demand / target capacity): the capacity the target must set.
    between
        ``low:high`` in the field's unit; defaults by kind (0-100% for a percentage,
        the period and ten years before it for a date, 1/100 to 100 times the value
        for a bit rate, 0-240 months for a duration, -50% to 100% for a growth rate).
    grid_points
        Values tried before refining (default 129, or 17 when sampling).
    jobs, scheduler
        Where the grid's runs are evaluated (see :mod:`.executors`): ``jobs`` processes of
        this machine (default 1: here; ``None``: every core) or the Dask scheduler at
        ``scheduler``. Refining the answer runs here, one value after another. The answer
        does not depend on either.

    Raises
    ------
    ScenarioError
        For a path, condition or range that cannot be used, or a search range in
        which the scenario allows no value.
    """
    try:
        ref = resolve(scenario, path, study=True)
    except PathError as error:
        raise ScenarioError(Problem(str(error), f"--find {path}")) from None
    if ref.kind == "whole number":
        raise ScenarioError(
            Problem(
                "a whole number (a priority, a number of samples) is a choice, not a quantity to solve "
                f"for; compare values with 'capacity-model sweep --param {path} --values ...'",
                f"--find {path}",
            )
        )
    condition = parse_condition(condition_text, scenario)
    if condition.kind == "utilisation" and isinstance(ref.owner, Target) and ref.field == "capacity":
        condition = replace(condition, against_target=ref.owner.name)
    if condition.needs_samples and scenario.uncertainty is None:
        raise ScenarioError(
            Problem("a 'probability of' condition needs an uncertainty section in the scenario", "--so-that")
        )
    low, high = _between(ref, scenario, between)
    whole = ref.kind in ("date", "duration")
    points = grid_points or (17 if condition.needs_samples else 129)
    if whole:
        grid = np.unique(np.round(np.linspace(low, high, min(points, int(high - low) + 1))))
    elif ref.kind == "bit rate" and low > 0:
        grid = np.geomspace(low, high, points)
    else:
        grid = np.linspace(low, high, points)

    cache: dict[float, Run | None] = {}

    def runnable(value: float) -> Scenario | None:
        """The scenario with the field at ``value``; ``None`` where it cannot be run or measured."""
        try:
            changed = variant(scenario, {ref.location: value}, f"--find {path} = {format_value(ref, value)}")
        except ScenarioError:
            return None  # a value the scenario does not allow
        # A condition at a month the variant's period leaves out cannot be measured there.
        return changed if condition.applies_to(changed) else None

    def result_at(value: float) -> Run | None:
        if value not in cache:
            changed = runnable(value)
            cache[value] = None if changed is None else run(changed, condition.needs_samples, samples, seed)
        return cache[value]

    # The grid's runs are independent: evaluated together, here or elsewhere.
    values_tried = [float(v) for v in grid]
    variants = {v: runnable(v) for v in values_tried}
    tasks = [(changed, condition.needs_samples, samples, seed) for changed in variants.values() if changed]
    runs = iter(run_all(_run_task, tasks, jobs, scheduler, progress))
    cache.update({v: None if changed is None else next(runs) for v, changed in variants.items()})
    measured: list[tuple[float, float, float, bool]] = []
    for value in values_tried:
        result = cache[value]
        if result is not None:
            quantity, threshold, _ = condition.measure(result)
            measured.append((value, quantity, threshold, condition.holds(result)))
    if not measured:
        raise ScenarioError(
            Problem(
                f"the scenario allows no value of {path} from {format_value(ref, low)} to "
                f"{format_value(ref, high)}; give another range with --between",
                f"--find {path}",
            )
        )
    values = [m[0] for m in measured]
    holds = [m[3] for m in measured]

    def margin(value: float) -> float:
        result = result_at(value)
        return -1e300 if result is None else condition.margin(result)

    def holds_at(value: float) -> bool:
        result = result_at(value)
        return result is not None and condition.holds(result)

    switches = []
    for k in range(len(values) - 1):
        (a, ha), (b, hb) = (values[k], holds[k]), (values[k + 1], holds[k + 1])
        if ha == hb:
            continue
        edge = _refine(margin, holds_at, a, b, ha, whole, ref)
        switches.append((edge, "at most" if ha else "at least"))
    return Solution(
        ref=ref,
        condition=condition,
        low=values[0],
        high=values[-1],
        grid=tuple(values),
        quantity=tuple(m[1] for m in measured),
        threshold=tuple(m[2] for m in measured),
        holds=tuple(holds),
        switches=tuple(switches),
    )


def _between(ref: FieldRef, scenario: Scenario, between: str | None) -> tuple[float, float]:
    if between is None:
        return default_range(ref, scenario)
    parts = between.split(":")
    try:
        if len(parts) != 2:
            raise ValueError("write low:high in the field's unit, e.g. --between 5%:20%")
        low, high = (parse_value(ref, part.strip()) for part in parts)
    except ValueError as error:
        raise ScenarioError(Problem(str(error), f"--between {between}")) from None
    if not low < high:
        raise ScenarioError(Problem("low must be below high", f"--between {between}"))
    return low, high


def _refine(
    margin: Callable[[float], float],
    holds: Callable[[float], bool],
    a: float,
    b: float,
    holds_at_a: bool,
    whole: bool,
    ref: FieldRef,
) -> float:
    """The value nearest the switch between ``a`` and ``b`` at which the condition holds.

    Whole months: bisection keeping the holding end. Otherwise Brent's method on the
    margin, to a relative tolerance of 1e-9, then a step to the holding side (the
    root of a step-shaped margin may sit on either side of the step).
    """
    if whole:
        lo, hi = int(a), int(b)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if holds(mid) == holds_at_a:
                lo = mid
            else:
                hi = mid
        return float(lo if holds_at_a else hi)
    tolerance = 1e-9 * max(abs(a), abs(b)) if ref.kind == "bit rate" else 1e-9
    root = float(brentq(margin, a, b, xtol=tolerance, rtol=4 * np.finfo(float).eps))
    step = tolerance
    for _ in range(60):
        if holds(root):
            return root
        root = root - step if holds_at_a else root + step
        step *= 2
    return a if holds_at_a else b
