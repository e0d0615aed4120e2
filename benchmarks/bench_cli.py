"""Speed and memory of the edit-then-rerun loop: the command line, end to end.

Prints, for each command on the shipped baseline, the minimum wall time of several runs,
each in a fresh process, as a ratio to a bare
``python -c "import numpy, scipy.stats, matplotlib.pyplot"`` measured in this same run
(the libraries a full run needs), and the process's peak resident memory:

* ``run scenarios/baseline.yaml`` (10,000 samples, Sobol' indices, the 26-page report);
* ``run scenarios/baseline.yaml --deterministic`` (the values written, 14 pages);
* ``validate scenarios/baseline.yaml`` and ``--help``.

Targets (issue 10): run ≤ 3×, run --deterministic ≤ 1.5×, validate and --help ≤ 0.3×,
the baseline run ≤ 500 MB peak.

Run: ``python benchmarks/bench_cli.py [--repeats N]`` (about a minute with the default 3).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "scenarios/baseline.yaml"
TOOL = [sys.executable, "-m", "capacity_model"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time [s] and peak resident memory [MB] of one run of ``command`` in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "bare import": [sys.executable, "-c", "import numpy, scipy.stats, matplotlib.pyplot"],
            "run": [*TOOL, "run", BASELINE, "-o", out, "-q"],
            "run --deterministic": [*TOOL, "run", BASELINE, "-o", out, "-q", "--deterministic"],
            "validate": [*TOOL, "validate", BASELINE],
            "--help": [*TOOL, "--help"],
        }
        targets = {"run": 3.0, "run --deterministic": 1.5, "validate": 0.3, "--help": 0.3}
        # Interleaved rounds, so that a busy spell on a shared machine touches every command.
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, command in commands.items():
                results[name].append(timed(command))
    seconds = {name: min(s for s, _ in runs) for name, runs in results.items()}
    memory = {name: max(m for _, m in runs) for name, runs in results.items()}
    bare = seconds["bare import"]
    print(f"minimum of {repeats} runs each, in fresh processes; ratios to the bare import ({bare:.2f} s)")
    print(f"{'command':<22}{'seconds':>9}{'ratio':>8}{'target':>9}{'peak MB':>10}")
    for name in commands:
        target = f"≤ {targets[name]:g}×" if name in targets else ""
        ratio = seconds[name] / bare
        print(f"{name:<22}{seconds[name]:>9.2f}{ratio:>7.2f}×{target:>9}{memory[name]:>10.0f}")


if __name__ == "__main__":
    main()
