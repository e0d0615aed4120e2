"""Speed and memory of the edit-then-rerun loop: the command line, end to end.

Prints, for each command on the shipped baseline, the minimum wall time of several runs,
each in a fresh process, as a ratio to a bare
``python -c "import numpy, scipy.stats, matplotlib.pyplot"`` measured in this same run
(the libraries a full run needs), and the peak memory: of the largest process, and of all
the processes of the run together (the report's pages are drawn in child processes):

* ``run scenarios/baseline.yaml`` (10,000 samples, Sobol' indices, the 27-page report);
* ``run scenarios/baseline.yaml --deterministic`` (the values written, 16 pages);
* ``validate scenarios/baseline.yaml`` and ``--help``.

Targets (issue 10): run ≤ 3×, run --deterministic ≤ 1.5×, validate and --help ≤ 0.3×,
the baseline run ≤ 500 MB peak.

Run: ``python benchmarks/bench_cli.py [--repeats N]`` (about a minute with the default 3).
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "scenarios/baseline.yaml"
TOOL = [sys.executable, "-m", "capacity_model"]


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux: from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += children.get(current, [])
    return found


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of ``pids`` summed [MB]: pages shared after a fork counted once."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
                    break
        except OSError:
            continue
    return total_kb / 1024


def timed(command: list[str], sample_memory: bool = False) -> tuple[float, float, float]:
    """Wall time [s] of one run of ``command`` in a fresh process, the peak resident memory of
    its largest process [MB] and, with ``sample_memory``, the peak of the memory of all its
    processes together [MB] (their proportional set sizes summed, sampled every 20 ms, on
    Linux; the sampling takes time of its own, so timed runs do not sample)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sample_memory = sample_memory and Path("/proc/self/smaps_rollup").exists()
    peak_all = 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG if sample_memory else 0)
        if pid:
            break
        peak_all = max(peak_all, _pss_mb(_descendants(process.pid)))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024, peak_all  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    repeats = parser.parse_args().repeats
    # Python keeps the package's compiled bytecode beside it on a user's machine; a machine
    # with PYTHONDONTWRITEBYTECODE set would compile it in every run, which no user sees.
    compileall.compile_dir(ROOT / "capacity_model", quiet=1)
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
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, command in commands.items():
                results[name].append(timed(command))
        together = {name: timed(command, sample_memory=True)[2] for name, command in commands.items()}
    seconds = {name: min(s for s, _, _ in runs) for name, runs in results.items()}
    largest = {name: max(m for _, m, _ in runs) for name, runs in results.items()}
    bare = seconds["bare import"]
    print(f"minimum of {repeats} runs each, in fresh processes; ratios to the bare import ({bare:.2f} s)")
    print("peak MB: of the largest process; all: of its processes together, in one more run")
    print(f"{'command':<22}{'seconds':>9}{'ratio':>8}{'target':>9}{'peak MB':>10}{'all':>7}")
    for name in commands:
        target = f"≤ {targets[name]:g}×" if name in targets else ""
        ratio = seconds[name] / bare
        print(
            f"{name:<22}{seconds[name]:>9.2f}{ratio:>7.2f}×{target:>9}{largest[name]:>10.0f}{together[name]:>7.0f}"
        )


if __name__ == "__main__":
    main()
