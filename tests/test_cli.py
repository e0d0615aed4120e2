"""The command line, through a subprocess, on valid input (bad input: test_cli_bad_input.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from capacity_model import __version__
from tests.cli_helpers import cli

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def test_run_writes_reports_folder_by_default(tmp_path: Path) -> None:
    result = cli("run", SCENARIOS / "baseline.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    folder = tmp_path / "reports" / "baseline"
    assert sorted(p.name for p in folder.iterdir()) == [
        "capacity_plan.csv",
        "report.pdf",
        "scenario.resolved.yaml",
        "summary.json",
        "timeline.csv",
        "timeline_quantiles.csv",  # the baseline has an uncertainty section
    ]
    assert "Phase 2 (4 Tbps by 2029-01): reached 2029-01; on time, sufficient" in result.stdout
    summary = json.loads((folder / "summary.json").read_text())
    # stdout opens with the verdict of summary.json (the central case, then the probabilities), wrapped.
    lines = result.stdout.splitlines()
    opening = " ".join(line.strip() for line in lines[1 : lines.index("  targets:")])
    assert opening == " ".join(summary["verdict"])
    # With uncertain inputs the answer comes from the samples, then the values written.
    assert opening.startswith(
        "No. Over 10,000 samples of the uncertain inputs, the corridor runs short in 100%"
    )
    assert (
        "With the values written (the central case): every announced target is met on time, but demand "
        "outgrows capacity from 2026-05" in opening
    )
    digest = __import__("hashlib").sha256((SCENARIOS / "baseline.yaml").read_bytes()).hexdigest()
    assert summary["scenario_sha256"] == digest
    # The resolved scenario is itself a valid scenario.
    assert cli("validate", folder / "scenario.resolved.yaml", cwd=tmp_path).returncode == 0


def test_run_several_files_into_output_folder(tmp_path: Path) -> None:
    result = cli(
        "run",
        SCENARIOS / "domestic-only.yaml",
        SCENARIOS / "transit-15.yaml",
        "-o",
        tmp_path / "out",
        "-q",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        str(tmp_path / "out" / "domestic-only"),
        str(tmp_path / "out" / "transit-15"),
    ]
    assert (tmp_path / "out" / "transit-15" / "report.pdf").stat().st_size > 10_000


def test_two_files_with_the_same_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    copy = tmp_path / "a" / "baseline.yaml"
    copy.write_bytes((SCENARIOS / "baseline.yaml").read_bytes())
    result = cli("run", SCENARIOS / "baseline.yaml", copy, cwd=tmp_path)
    assert result.returncode == 2
    assert "would both write to reports/baseline; rename one of them" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_validate_reports_each_file(tmp_path: Path) -> None:
    result = cli("validate", *sorted(SCENARIOS.glob("*.yaml")), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == 7
    assert not any(tmp_path.iterdir())  # validate writes nothing


@pytest.mark.parametrize(
    "entry", [["-m", "capacity_model"], ["-c", "from capacity_model.cli import main; main()"]]
)
def test_version(entry: list[str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, *entry, "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"capacity-model {__version__}"


def test_help_lists_commands_and_exit_codes(tmp_path: Path) -> None:
    result = cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "run" in result.stdout and "validate" in result.stdout and "Exit codes" in result.stdout
    run_help = cli("run", "--help", cwd=tmp_path).stdout
    # Python 3.13's argparse writes the metavar once: "-o, --output DIR".
    assert "-o DIR, --output DIR" in run_help or "-o, --output DIR" in run_help


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli("run", SCENARIOS / "baseline.yaml", "-o", blocker, "--deterministic", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot write the report to {blocker}/baseline")
    assert "Traceback" not in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_on_a_terminal_only_after_its_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    from capacity_model.cli.console import ProgressBar

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    quick = ProgressBar("quick", delay_seconds=3600)
    quick(1, 2)
    quick(2, 2)
    assert terminal.getvalue() == ""  # finished before its delay: never shown
    slow = ProgressBar("pages", delay_seconds=0)
    slow(13, 26)
    slow(26, 26)
    assert terminal.getvalue() == (f"\rpages [{'#' * 15}{'.' * 15}] 13/26\rpages [{'#' * 30}] 26/26\n")
    piped = io.StringIO()  # not a terminal: nothing, whatever the delay
    monkeypatch.setattr(sys, "stderr", piped)
    ProgressBar("piped", delay_seconds=0)(1, 1)
    assert piped.getvalue() == ""


def test_leaving_flushes_output_and_runs_exit_handlers_with_the_exit_code() -> None:
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "from capacity_model.__main__ import leave\n"
        "print('x' * 100000, end='')\n"  # more than a pipe's buffer, not yet flushed
        "print('to stderr', file=sys.stderr, end='')\n"
        "leave(3)\n"
    )
    quiet = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as for a user
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=quiet)
    assert result.returncode == 3
    assert result.stdout == "x" * 100000 + "handler ran\n"  # a handler's output is not lost
    assert result.stderr == "to stderr"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_ends_with_code_120() -> None:
    program = "from capacity_model.__main__ import leave\nprint('lost')\nleave(0)\n"
    quiet = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-c", program], stdout=full, env=quiet)
    assert result.returncode == 120


def test_a_run_in_this_process_leaves_no_object_frozen_out_of_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from capacity_model.cli import main
    from tests.scenario_data import MINIMAL_YAML

    (tmp_path / "x.yaml").write_text(MINIMAL_YAML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = gc.get_freeze_count()
    assert main(["run", "x.yaml", "-o", "out", "--deterministic", "-q"]) == 0
    assert gc.get_freeze_count() == before


@pytest.mark.parametrize("columns", ["50", "80", "120"])
def test_help_keeps_field_paths_whole_for_copying(
    columns: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from capacity_model.cli import main

    monkeypatch.setenv("COLUMNS", columns)
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert "demand.chinese-transit.share.end=15%" in shown.split()
