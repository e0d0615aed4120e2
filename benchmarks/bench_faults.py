"""Cost of drawing faults at random, on one corridor and over a network of corridors.

* One corridor: the shipped ``pakistan-international.yaml`` (7 links, 7 fault sources, about
  1.7 faults a year, 15 years), its Monte Carlo run (:func:`run_monte_carlo`).
* A network: the shipped ``transit-two-legs.yaml`` (2 corridors, 8 links, 7 fault sources,
  3 streams, one with a backup; 15 years), the network's run over the samples
  (:func:`network_monte_carlo`), whose faults are drawn once for the whole network and costed
  end to end by routing the streams while links are down.

Prints, at 10k and 100k samples over the 15 years (180 months), each measured in a fresh
process (minimum of ``--repeats`` runs):

* the run with faults, and the same run with the faults taken out, in the same process: the
  faults' cost as a ratio to the run without them;
* the faults drawn and costed per second, and the peak memory (max RSS) of the run with faults.

Run: ``python benchmarks/bench_faults.py`` (a few minutes on 2 cores); ``--repeats N``.
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
CASES = {
    "corridor": ROOT / "scenarios" / "pakistan-international.yaml",
    "network": ROOT / "scenarios" / "transit-two-legs.yaml",
}
SIZES = (10_000, 100_000)


def measure(case: str, samples: int, repeats: int) -> dict[str, float]:
    """One case and size, in this process: seconds with and without faults (minimum of ``repeats``)."""
    from capacity_model.engine.montecarlo import run_monte_carlo
    from capacity_model.engine.network import network_monte_carlo
    from capacity_model.scenario_files import load_scenario

    run = run_monte_carlo if case == "corridor" else network_monte_carlo
    scenario = load_scenario(CASES[case])
    links = [link.model_copy(update={"faults": None}) for link in scenario.links]
    groups = [g.model_copy(update={"faults": None}) for g in scenario.risk_groups]
    without = scenario.model_copy(update={"links": links, "risk_groups": groups})
    with_faults, without_faults = [], []
    faults = 0.0
    for _ in range(repeats):  # alternate, so that both see the same machine
        start = time.perf_counter()
        mc = run(scenario, samples=samples)
        with_faults.append(time.perf_counter() - start)
        start = time.perf_counter()
        run(without, samples=samples)
        without_faults.append(time.perf_counter() - start)
        assert mc.faults is not None
        faults = float(mc.faults.faults.sum())
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
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.case, arguments.one, arguments.repeats)))
        return
    for case, path in CASES.items():
        print(f"fault sampling, {case}: {path.name}, 180 months, minimum of {arguments.repeats} runs each")
        print(
            f"{'samples':>9} {'with faults':>12} {'without':>9} {'ratio':>6} {'faults/s':>11} {'peak RSS':>9}"
        )
        for samples in SIZES:
            command = [sys.executable, __file__, "--case", case, "--one", str(samples)]
            out = subprocess.run(
                [*command, "--repeats", str(arguments.repeats)], capture_output=True, text=True, check=True
            ).stdout
            r = json.loads(out)
            print(
                f"{samples:>9,} {r['seconds_with_faults']:>11.2f}s {r['seconds_without_faults']:>8.2f}s "
                f"{r['ratio']:>5.1f}x {r['faults_per_second']:>11,.0f} {r['peak_rss_mb']:>7.0f} MB"
            )


if __name__ == "__main__":
    main()
