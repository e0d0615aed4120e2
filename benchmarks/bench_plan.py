"""Speed of the capacity plan and of ``capacity-model plan``.

Prints, each the minimum of several runs measured in this same run:

* ``plan_steps`` (the vectorised plan) on the baseline's months, and on a 200-year period
  with a one-month horizon (its worst case: an upgrade nearly every month), each as a ratio
  to a plain Python loop over the months that builds the same schedule;
* ``plan_steps`` over 10,000 samples at once (a Monte Carlo table), as time per sample;
* the wall time of ``capacity-model plan scenarios/baseline.yaml`` as a ratio to a bare
  ``python -c pass`` and to ``python -c "import numpy, pydantic, yaml"`` (the imports any
  run of the tool needs), each in a fresh process.

Run: ``python benchmarks/bench_plan.py`` (under a minute).
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from capacity_model.engine.upgrades import plan_steps

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def best(function: Callable[[], object], repeats: int = 5) -> float:
    """Minimum wall time of ``repeats`` calls [s]."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def loop_plan(demand: np.ndarray, capacity: np.ndarray, u: float, step: float, horizon: int) -> list[float]:
    """The same rule as ``plan_steps``, month by month in Python (the reference)."""
    months = len(demand)
    steps = [0.0] * months
    added = 0.0
    for t in range(months):
        if (capacity[t] + added * step) * u - demand[t] < 0:
            window = range(t, min(t + horizon, months))
            total = max(math.ceil(max((demand[k] / u - capacity[k]) / step for k in window)), added + 1)
            while any((capacity[k] + total * step) * u - demand[k] < 0 for k in window):
                total += 1
            steps[t] = total - added
            added = total
    return steps


def compare(label: str, months: int, horizon: int, rate: float) -> None:
    k = np.arange(months)
    demand = 200.0 * (1 + rate) ** (k / 12)
    capacity = np.where(k >= 36, 4000.0, 1000.0)
    vectorised = plan_steps(demand, capacity, 0.7, 100.0, horizon)
    assert vectorised.tolist() == loop_plan(demand, capacity, 0.7, 100.0, horizon), "schedules differ"
    fast = best(lambda: plan_steps(demand, capacity, 0.7, 100.0, horizon))
    slow = best(lambda: loop_plan(demand, capacity, 0.7, 100.0, horizon), repeats=3)
    upgrades = int(np.count_nonzero(vectorised))
    print(
        f"  {label:<38} {months:>6,} months {upgrades:>5,} upgrades  {fast * 1e3:8.2f} ms  "
        f"loop {slow * 1e3:9.2f} ms  loop / vectorised {slow / fast:6.1f}"
    )


def wall(command: list[str], repeats: int = 5) -> float:
    return best(lambda: subprocess.run(command, check=True, capture_output=True, cwd=ROOT), repeats)


def main() -> None:
    print("capacity plan benchmark (minimum of several runs)")
    compare("15 years at 25%/yr, 24-month horizon", 180, 24, 0.25)
    compare("200 years at 5%/yr, 1-month horizon", 2400, 1, 0.05)
    rng = np.random.default_rng(1)
    rates = rng.uniform(0.15, 0.35, size=(10_000, 1))
    k = np.arange(180)
    demand = 200.0 * (1 + rates) ** (k / 12)
    capacity = np.where(k >= 36, 4000.0, 1000.0)
    samples = best(lambda: plan_steps(demand, capacity, 0.7, 100.0, 24), repeats=3)
    print(
        f"  10,000 samples x 180 months at once: {samples:.3f} s ({samples / 10_000 * 1e6:.1f} us a sample)"
    )

    bare = wall([sys.executable, "-c", "pass"])
    imports = wall([sys.executable, "-c", "import numpy, pydantic, yaml"])
    plan = wall([sys.executable, "-m", "capacity_model", "plan", str(BASELINE)])
    print(
        f"  capacity-model plan baseline.yaml: {plan:.2f} s wall; x{plan / bare:.1f} a bare python, "
        f"x{plan / imports:.2f} python importing numpy, pydantic and yaml"
    )


if __name__ == "__main__":
    main()
