"""Output folders and output text: nothing written outside ``-o DIR``, nothing half-written,
earlier reports kept whole when a run is interrupted or fails, concurrent runs consistent,
spreadsheet formulas neutralised, a closed stdout or a narrow encoding survived."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capacity_model import cli
from capacity_model.results.tables import csv_text
from tests.cli_helpers import cli as run_cli
from tests.scenario_data import MINIMAL_YAML as BASE
from tests.scenario_data import OVERFLOWS_YAML as OVERFLOWS

UNCERTAIN = BASE + (
    "uncertainty:\n  samples: 200000\n  sobol_samples: 8192\n  parameters:\n"
    "    demand.domestic.growth.rate: {dist: uniform, low: 20%, high: 30%}\n"
)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def partials(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.partial")]


@pytest.mark.parametrize("name", ["...yaml", "..yaml", ". .yaml"])
def test_a_file_named_with_dots_writes_inside_the_output_folder(name: str, tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / name).write_text(BASE, encoding="utf-8")
    result = run_cli("run", name, "-o", "out", "--deterministic", "-q", cwd=tmp_path / "work")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "work" / "out").iterdir()) == ["scenario"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]  # nothing beside the working folder
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == [name, "out"]


def test_run_a_b_writes_nothing_when_b_fails_computing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(OVERFLOWS, encoding="utf-8")
    result = run_cli("run", "a.yaml", "b.yaml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("b.yaml:10: demand[domestic].growth: growth from the base overflows")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "out").exists() or tree(tmp_path / "out") == {}
    assert partials(tmp_path) == []


def test_run_a_b_writes_nothing_when_b_fails_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from capacity_model.report import files

    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(BASE.replace("Minimal", "Breaks"), encoding="utf-8")
    real = files.write_pdf

    def failing(projection, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if projection.scenario.name == "Breaks":
            raise RuntimeError("rendering failed")
        real(projection, path, *args, **kwargs)

    monkeypatch.setattr(files, "write_pdf", failing)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError, match="rendering failed"):  # a bug: its traceback is shown
        cli.main(["run", "a.yaml", "b.yaml", "-o", "out", "--deterministic"])
    assert not (tmp_path / "out").exists() or tree(tmp_path / "out") == {}
    assert partials(tmp_path) == []
    assert capsys.readouterr().out == ""


def test_pages_drawn_while_sampling_stop_when_sampling_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from capacity_model.engine import sensitivity
    from capacity_model.report import files

    started = []
    real = files.start_pages

    def start_pages(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(real(*args, **kwargs))
        return started[-1]

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the Sobol' runs failed")

    (tmp_path / "x.yaml").write_text(UNCERTAIN.replace("200000", "1000"), encoding="utf-8")
    monkeypatch.setattr(files, "start_pages", start_pages)
    monkeypatch.setattr(sensitivity, "sobol", failing)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError, match="Sobol"):
        cli.main(["run", "x.yaml", "-o", "out"])
    assert len(started) == 1 and started[0]._child is None  # stopped and waited for
    assert not (tmp_path / "out").exists() or tree(tmp_path / "out") == {}
    assert partials(tmp_path) == []


def run_and_stop(
    folder: Path, signum: int, args: list[str], after_seconds: float
) -> subprocess.CompletedProcess[str]:
    # A shell starts background jobs with Ctrl-C ignored, and a child inherits that: give the
    # program the default disposition a terminal gives it, whatever started the tests.
    process = subprocess.Popen(
        [sys.executable, "-m", "capacity_model", *args],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(after_seconds)
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_an_interrupted_rerun_keeps_the_earlier_report_whole(signum: int, code: int, tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(UNCERTAIN, encoding="utf-8")
    first = run_cli("run", "x.yaml", "-o", "out", "--deterministic", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = tree(tmp_path / "out")
    # The second run samples 1,000,000 times and computes Sobol' indices from 65,536 points: about
    # 9 s on an idle machine, longer on a busy one; stop it 2.5 s in, while it computes.
    (tmp_path / "x.yaml").write_text(
        UNCERTAIN.replace("samples: 200000", "samples: 1000000").replace(
            "sobol_samples: 8192", "sobol_samples: 65536"
        ),
        encoding="utf-8",
    )
    stopped = run_and_stop(tmp_path, signum, ["run", "x.yaml", "-o", "out"], after_seconds=2.5)
    assert stopped.returncode == code, stopped.stderr
    assert stopped.stderr.strip().splitlines() == [
        "interrupted: reports not complete were not written; earlier ones are unchanged"
    ]
    assert tree(tmp_path / "out") == before
    assert partials(tmp_path) == []


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_stop_before_the_command_starts_is_one_line_too(
    signum: int, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The entry point's guard covers loading the libraries and reading the arguments."""
    from capacity_model.__main__ import run

    def stopped_while_loading() -> int:
        os.kill(os.getpid(), signum)  # delivered before os.kill returns: Python runs the handler next
        raise AssertionError("the signal did not stop the program")

    monkeypatch.setattr(cli, "main", stopped_while_loading)
    # As Python sets it up when Ctrl-C is not ignored (the tests may run as a background job).
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        assert run() == code
    finally:
        signal.signal(signal.SIGINT, interrupt)
    assert capsys.readouterr().err.splitlines() == [
        "interrupted: reports not complete were not written; earlier ones are unchanged"
    ]
    assert signal.getsignal(signal.SIGTERM) is previous  # the guard puts the earlier handler back


def test_two_runs_into_one_folder_end_with_one_consistent_report(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "capacity_model",
                "run",
                "x.yaml",
                "-o",
                "out",
                "-q",
                "--set",
                f"demand.domestic.growth.rate={rate}",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for rate in ("10%", "40%")
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    folder = tmp_path / "out" / "x"
    summary = json.loads((folder / "summary.json").read_text())
    timeline = list(csv.DictReader(io.StringIO((folder / "timeline.csv").read_text())))
    resolved = (folder / "scenario.resolved.yaml").read_text()
    # Every file of the folder comes from the same run: the demand in the timeline is the one the
    # summary reports, and the resolved scenario holds the rate that gives it.
    assert float(timeline[-1]["total_demand_gbps"]) == summary["horizon"]["demand_gbps"]
    rate = 0.10 if summary["horizon"]["demand_gbps"] < 600 else 0.40  # 320 or 1,046 Gbps
    assert summary["horizon"]["demand_gbps"] == pytest.approx(200 * (1 + rate) ** (59 / 12), rel=1e-12)
    assert f"rate: {rate * 100:g}%" in resolved
    assert partials(tmp_path) == []


def test_formulas_are_neutralised_in_csv_cells() -> None:
    text = csv_text(
        {
            "name": [
                '=HYPERLINK("http://x")',
                "+1+2",
                "-2+3",
                "@SUM(A1)",
                "plain",
                "-50%",
                "-5 Gbps",
                "2026-01",
            ],
            "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        }
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1+2",
        "'-2+3",
        "'@SUM(A1)",
        "plain",
        "-50%",  # values the model writes stay as they are
        "-5 Gbps",
        "2026-01",
    ]
    assert rows[1][1] == "-1.5"  # numbers are numbers


def test_a_scenario_named_like_a_formula_is_neutralised_in_the_comparison(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(BASE.replace("name: Minimal", "name: '=cmd|calc'"), encoding="utf-8")
    result = run_cli("compare", "x.yaml", "-o", "cmp", "--deterministic", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO((tmp_path / "cmp" / "comparison.csv").read_text()))
    assert row["scenario"] == "'=cmd|calc"


def test_a_closed_stdout_ends_quietly_and_writes_every_report(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(BASE.replace("Minimal", name.upper()), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "capacity_model", "run", "a.yaml", "b.yaml", "c.yaml", "-o", "out"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 0, err
    assert first.startswith(b"A (a.yaml)")
    assert err == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a", "b", "c"]
    assert all((tmp_path / "out" / n / "report.pdf").exists() for n in "abc")


def test_a_file_name_the_terminal_cannot_encode(tmp_path: Path) -> None:
    (tmp_path / "café-étude.yaml").write_text(BASE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "capacity_model", "run", "café-étude.yaml", "-o", "out", "--deterministic"],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"caf\\xe9-\\xe9tude.yaml" in result.stdout and b"Traceback" not in result.stderr


def test_control_characters_in_a_file_name_are_escaped(tmp_path: Path) -> None:
    name = "x\x1b[2J.yaml"
    (tmp_path / name).write_text(BASE.replace("name: Minimal", "name: [not text]"), encoding="utf-8")
    result = run_cli("validate", name, cwd=tmp_path)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "x\\x1b[2J.yaml:1: name:" in result.stderr
