"""Speed and memory of the Monte Carlo engine on the shipped baseline scenario.

Prints, for the baseline with its uncertainty section (8 parameters):

* samples x months per second at 10k x 180, 100k x 180, 100k x 360 and 1M x 180, with
  the peak memory (max RSS) of each, each measured in a fresh process;
* a straightforward per-sample Python loop on a small size, as a ratio to the engine;
* a memory-bandwidth floor measured in the same run: copying arrays of the same total
  size (samples x months float64) with numpy, as a ratio;
* Sobol' indices for the 8 parameters at 2^13 base samples.

Run: ``python benchmarks/bench_engine.py`` (about three minutes on 2 cores). Add
``--quick`` to skip the 1M-sample size.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SIZES = [(10_000, 180), (100_000, 180), (100_000, 360), (1_000_000, 180)]


def _scenario(months: int):  # type: ignore[no-untyped-def]
    from capacity_model.scenario_files import load_scenario

    scenario = load_scenario(BASELINE)
    period = scenario.period.model_copy(update={"end": scenario.period.start + months - 1})
    return scenario.model_copy(update={"period": period})


def measure_engine(samples: int, months: int) -> dict[str, float]:
    """One size, in this process: seconds, throughput, peak RSS, and the copy floor."""
    from capacity_model.engine.montecarlo import CHUNK_VALUES, run_monte_carlo

    scenario = _scenario(months)
    start = time.perf_counter()
    run_monte_carlo(scenario, samples=samples)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Floor: copy samples x months float64 with numpy, in chunks of the engine's size.
    chunk = max(1, CHUNK_VALUES // months)
    block = np.random.default_rng(0).random((chunk, months))
    start = time.perf_counter()
    for _ in range(0, samples, chunk):
        block.copy()
    copy_seconds = time.perf_counter() - start
    return {
        "samples": samples,
        "months": months,
        "seconds": seconds,
        "sample_months_per_second": samples * months / seconds,
        "peak_rss_mb": peak_mb,
        "copy_seconds": copy_seconds,
    }


def loops(samples: int = 200) -> dict[str, float]:
    """Seconds per sample-month of two per-sample Python loops and of the engine.

    ``months_vectorised``: a loop over samples, each evaluated by the engine over all its
    months at once. ``scalar``: a loop over samples and months, one month at a time (the
    straightforward loop; slow, so run on 10 samples).
    """
    from capacity_model.engine.montecarlo import draw, run_monte_carlo, values_for
    from capacity_model.engine.projection import evaluate, period_months

    scenario = _scenario(180)
    parameters = scenario.parameters()
    table = draw(scenario, samples, 1)
    months = period_months(scenario)
    start = time.perf_counter()
    for row in table:
        result = evaluate(scenario, months, values_for(parameters, row[None, :]))
        np.argmax(result.headroom_gbps < 0)  # first shortfall of this sample
    vectorised = (time.perf_counter() - start) / (samples * 180)
    few = 10
    start = time.perf_counter()
    for row in table[:few]:
        values = values_for(parameters, row[None, :])
        for month in months:
            evaluate(scenario, np.array([month]), values).headroom_gbps[0, 0] < 0  # noqa: B015
    scalar = (time.perf_counter() - start) / (few * 180)
    start = time.perf_counter()
    run_monte_carlo(scenario, samples=100_000)
    engine = (time.perf_counter() - start) / (100_000 * 180)
    return {"months_vectorised": vectorised, "scalar": scalar, "engine": engine}


def sobol_seconds() -> float:
    from capacity_model.engine.sensitivity import sobol

    scenario = _scenario(180)
    start = time.perf_counter()
    sobol(scenario, base_samples=2**13)
    return time.perf_counter() - start


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--size":
        print(json.dumps(measure_engine(int(sys.argv[2]), int(sys.argv[3]))))
        return
    sizes = SIZES[:-1] if "--quick" in sys.argv else SIZES
    print(f"capacity_model engine benchmark: {BASELINE.name}, 8 uncertain parameters, Latin hypercube")
    print(
        f"{'samples x months':>18} {'seconds':>8} {'M sample-months/s':>18} {'peak RSS MB':>12} {'x copy floor':>13}"
    )
    rates = []
    for samples, months in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--size", str(samples), str(months)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        rates.append(r["sample_months_per_second"])
        print(
            f"{samples:>10,} x {months:<5} {r['seconds']:8.2f} {r['sample_months_per_second'] / 1e6:18.2f} "
            f"{r['peak_rss_mb']:12.0f} {r['seconds'] / r['copy_seconds']:13.0f}"
        )
    print(
        f"throughput spread across sizes (max/min): {max(rates) / min(rates):.2f} (1.00 = time linear in samples x months)"
    )
    t = loops()
    engine = t["engine"]
    print(f"engine at 100k x 180: {engine * 1e9:.0f} ns per sample-month")
    print(
        f"per-sample loop, each sample's months at once: {t['months_vectorised'] * 1e9:.0f} ns per "
        f"sample-month; the engine is {t['months_vectorised'] / engine:.0f}x faster"
    )
    print(
        f"per-sample, per-month Python loop: {t['scalar'] * 1e9:.0f} ns per sample-month; "
        f"the engine is {t['scalar'] / engine:.0f}x faster"
    )
    print(
        f"Sobol' indices, 8 parameters, 2^13 base samples (incl. bootstrap and tornado): {sobol_seconds():.1f} s"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
