"""``capacity-model watch``: each save is checked and run; a bad save is reported and the
earlier report kept; the next good save is run and its report written."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from capacity_model.watch import fingerprint
from tests.test_hostile_input import BASE
from tests.test_output_safety import run_and_stop


def wait_for(condition, seconds: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


class Lines:
    """The lines a process writes to a pipe, read as they come (on a thread of their own)."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(
            target=lambda: self.lines.extend(iter(stream.readline, "")), daemon=True
        )
        self.thread.start()

    def text(self) -> str:
        return "".join(self.lines)


def demand_at(report: Path, month: str) -> float:
    rows = csv.DictReader((report / "timeline.csv").read_text(encoding="utf-8").splitlines())
    return next(float(row["total_demand_gbps"]) for row in rows if row["date"] == month)


def start_watch(folder: Path, runs: int) -> subprocess.Popen[str]:
    """``watch x.yaml -o out --deterministic --runs RUNS`` in ``folder``, its output piped."""
    command = ["watch", "x.yaml", "-o", "out", "--deterministic", "--runs", str(runs)]
    return subprocess.Popen(
        [sys.executable, "-m", "capacity_model", *command],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_each_save_is_checked_then_run(tmp_path: Path) -> None:
    scenario = tmp_path / "x.yaml"
    scenario.write_text(BASE, encoding="utf-8")
    process = start_watch(tmp_path, runs=3)
    assert process.stdout is not None and process.stderr is not None
    out, err = Lines(process.stdout), Lines(process.stderr)
    try:
        report = tmp_path / "out" / "x"
        wait_for(lambda: "report written" in out.text())  # the first report, whole
        assert demand_at(report, "2027-01") == pytest.approx(200 * 1.25, rel=1e-12)  # 200 Gbps, 25% a year
        first = (report / "report.pdf").read_bytes()
        scenario.write_text(BASE.replace("rate: 25%", "rate: 2500%"), encoding="utf-8")  # a bad save
        wait_for(lambda: "not run" in err.text())
        assert (report / "report.pdf").read_bytes() == first  # the earlier report stays
        scenario.write_text(BASE.replace("rate: 25%", "rate: 40%"), encoding="utf-8")
        process.wait(timeout=90)
    finally:
        process.kill()
        process.wait()
        out.thread.join(timeout=10)
        err.thread.join(timeout=10)
        process.stdout.close()
        process.stderr.close()
    printed, warned = out.text(), err.text()
    assert process.returncode == 0, warned
    assert demand_at(report, "2027-01") == pytest.approx(200 * 1.4, rel=1e-12)
    assert "x.yaml: not run; fix the file and save it again:" in warned
    assert "  x.yaml:10: demand[domestic].growth.rate:" in warned
    assert printed.count("writing the full report in the background...") == 2
    assert printed.count("report written") == 2
    assert "Traceback" not in warned


def test_a_fingerprint_changes_with_a_save_and_marks_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a", encoding="utf-8")
    before = fingerprint([path, tmp_path / "missing.yaml"])
    assert before[1] == (str(tmp_path / "missing.yaml"), None, None)
    path.write_text("ab", encoding="utf-8")
    assert fingerprint([path]) != before[:1]


def test_ctrl_c_stops_watching_with_one_line_and_leaves_no_partial_report(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    stopped = run_and_stop(tmp_path, signal.SIGINT, ["watch", "x.yaml", "-o", "out"], after_seconds=4.0)
    assert stopped.returncode == 130, stopped.stderr
    assert stopped.stderr.strip().splitlines()[-1] == (
        "interrupted: reports not complete were not written; earlier ones are unchanged"
    )
    assert "Traceback" not in stopped.stderr
    assert list(tmp_path.rglob("*.partial")) == []


def test_a_fix_in_the_file_it_extends_is_run_too(tmp_path: Path) -> None:
    """The first check fails in the parent: the parent is watched from then on, and its fix runs."""
    (tmp_path / "p.yaml").write_text(BASE.replace("rate: 25%", "rate: 2500%"), encoding="utf-8")
    (tmp_path / "x.yaml").write_text("extends: p.yaml\nname: Child\n", encoding="utf-8")
    process = start_watch(tmp_path, runs=2)
    try:
        time.sleep(3.0)  # the first check: refused
        (tmp_path / "p.yaml").write_text(BASE.replace("rate: 25%", "rate: 30%"), encoding="utf-8")
        out, err = process.communicate(timeout=90)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "p.yaml:10: demand[domestic].growth.rate:" in err
    assert demand_at(tmp_path / "out" / "x", "2027-01") == pytest.approx(200 * 1.3, rel=1e-12)
    assert out.count("report written") == 1


@pytest.mark.parametrize(
    ("options", "passed"),
    [
        (["--samples", "500", "--seed", "7"], ["--samples", "500", "--seed", "7"]),
        (["--deterministic", "--samples", "500"], ["--deterministic"]),
        ([], []),
    ],
)
def test_the_background_report_samples_as_asked(
    options: list[str], passed: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from capacity_model import watch
    from capacity_model.cli import main

    seen: dict[str, list[str]] = {}

    class Recorded:
        def __init__(self, report: list[str], **_: object) -> None:
            seen["report"] = report

        def loop(self) -> int:
            return 0

    monkeypatch.setattr(watch, "Watch", Recorded)
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["watch", "x.yaml", "-o", "out", *options]) == 0
    assert seen["report"][seen["report"].index("-q") + 1 :] == passed
