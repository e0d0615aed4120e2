"""Cost of drawing faults at random, on the shipped ``pakistan-international.yaml`` (7 links,
7 fault sources, about 1.7 faults a year, 15 years).

Prints, at 10k and 100k samples over the scenario's 15 years (180 months), each measured in a
fresh process (minimum of ``--repeats`` runs):

* the Monte Carlo run with faults, and the same run with the faults taken out, in the same
  process: the faults' cost as a ratio to the run without them;
* the faults drawn and costed per second, and the peak memory (max RSS) of the run with faults.

Run: ``python benchmarks/bench_faults.py`` (about a minute on 2 cores); ``--repeats N``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "pakistan-international.yaml"
SIZES = (10_000, 100_000)


def measure(samples: int, repeats: int) -> dict[str, float]:
    """One size, in this process: seconds with and without faults (minimum of ``repeats``)."""
    from capacity_model.engine.montecarlo import run_monte_carlo
    from capacity_model.scenario_files import load_scenario

    scenario = load_scenario(SCENARIO)
    links = [link.model_copy(update={"faults": None}) for link in scenario.links]
    groups = [g.model_copy(update={"faults": None}) for g in scenario.risk_groups]
    without = scenario.model_copy(update={"links": links, "risk_groups": groups})
    with_faults, without_faults = [], []
    faults = 0.0
    for _ in range(repeats):  # alternate, so that both see the same machine
        start = time.perf_counter()
        mc = run_monte_carlo(scenario, samples=samples)
        with_faults.append(time.perf_counter() - start)
        start = time.perf_counter()
        run_monte_carlo(without, samples=samples)
        without_faults.append(time.perf_counter() - start)
        assert mc.fault_counts is not None
        faults = float(mc.fault_counts.sum())
    best, base = min(with_faults), min(without_faults)
    return {
        "samples": samples,
        "seconds_with_faults": best,
        "seconds_without_faults": base,
        "ratio": best / base,
        "faults_per_second": faults / (best - base) if best > base else float("inf"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, in this process
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one, arguments.repeats)))
        return
    print(f"fault sampling on {SCENARIO.name}, 180 months, minimum of {arguments.repeats} runs each")
    print(f"{'samples':>9} {'with faults':>12} {'without':>9} {'ratio':>6} {'faults/s':>11} {'peak RSS':>9}")
    for samples in SIZES:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(samples), "--repeats", str(arguments.repeats)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out)
        print(
            f"{samples:>9,} {r['seconds_with_faults']:>11.2f}s {r['seconds_without_faults']:>8.2f}s "
            f"{r['ratio']:>5.1f}x {r['faults_per_second']:>11,.0f} {r['peak_rss_mb']:>7.0f} MB"
        )


if __name__ == "__main__":
    main()
