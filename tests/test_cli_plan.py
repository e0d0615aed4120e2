"""The capacity plan, shortfall volumes and carried shares through the command line."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from capacity_model.engine import project
from capacity_model.scenario_files import load_scenario, variant
from tests.cli_helpers import cli

SCENARIOS = Path(__file__).parent.parent / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
DELAYED = SCENARIOS / "delayed-phase2.yaml"

CALLS = {
    "plan": ("plan", BASELINE),
    "plan-csv": ("plan", BASELINE, "--csv"),
    "plan-csv-two": ("plan", BASELINE, DELAYED, "--csv"),
    "plan-set": (
        "plan",
        BASELINE,
        "--set",
        "planning.upgrade.step=1 Tbps",
        "--set",
        "planning.upgrade.horizon=3 years",
    ),
    "run": ("run", BASELINE, "--deterministic", "-o", "out"),
    "compare": ("compare", BASELINE, DELAYED, "--deterministic", "-o", "cmp", "--at", "2029-06"),
    "compare-outside": ("compare", BASELINE, DELAYED, "--deterministic", "-o", "bad", "--at", "2050-01"),
    "sweep": (
        "sweep",
        BASELINE,
        "--param",
        "links.new-cable.phases[0].in_service",
        "--values",
        "2030-01,2031-01,2032-01",
        "--deterministic",
        "--jobs",
        "1",
        "-o",
        "sweep",
    ),
    "solve": (
        "solve",
        BASELINE,
        "--find",
        "demand.chinese-transit.share.end",
        "--so-that",
        "months short <= 100",
        "--deterministic",
        "-o",
        "solve",
    ),
}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, subprocess.CompletedProcess[str]]]:
    folder = tmp_path_factory.mktemp("plan")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(cli, *args, cwd=folder) for name, args in CALLS.items()}
        return folder, {name: future.result() for name, future in futures.items()}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_plan_prints_the_upgrades_of_summary_json(
    ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]],
) -> None:
    folder, results = ran
    plan, run = results["plan"], results["run"]
    assert plan.returncode == 0 and plan.stderr == ""
    assert run.returncode == 0, run.stderr
    summary = json.loads((folder / "out" / "baseline" / "summary.json").read_text())
    upgrades = summary["plan"]["upgrades"]
    lines = plan.stdout.splitlines()
    words = " ".join(plan.stdout.split())  # wrapped lines joined
    assert lines[0] == f"Baseline ({BASELINE}): capacity plan"
    listed = [line.strip() for line in lines if line.strip()[:2] in {f"{k}." for k in range(1, 10)}]
    assert len(listed) == len(upgrades) == summary["plan"]["upgrades_needed"] > 0
    for line, upgrade in zip(listed, upgrades, strict=True):
        assert f"in service {upgrade['in_service']}: +" in line and f"order by {upgrade['order_by']}" in line
    # The baseline writes its step (400 Gbps, cited) and leaves the horizon and lead time to the defaults.
    assert "upgrades in steps of 400 Gbps, each sized to last 24 months, ordered 26 months ahead" in words
    assert "ordered 26 months ahead (horizon and lead time: defaults)" in words
    assert "announced against needed, at each target date:" in plan.stdout


def test_plan_csv_is_the_capacity_plan_file(
    ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]],
) -> None:
    folder, results = ran
    written = (folder / "out" / "baseline" / "capacity_plan.csv").read_text()
    assert results["plan-csv"].stdout == written
    table = rows(written)
    assert list(table[0]) == [
        "upgrade",
        "in_service",
        "order_by",
        "order_by_passed",
        "steps",
        "step_gbps",
        "size_gbps",
        "capacity_after_gbps",
        "lead_time_months",
    ]
    for row in table:
        assert (
            float(row["size_gbps"])
            == int(row["steps"]) * float(row["step_gbps"])
            == int(row["steps"]) * 400.0
        )
    # The plan keeps utilisation at or below 70% in every month of the timeline.
    timeline = rows((folder / "out" / "baseline" / "timeline.csv").read_text())
    for row in timeline:
        assert float(row["total_demand_gbps"]) <= 0.7 * float(row["capacity_with_plan_gbps"]) * (1 + 1e-12)


def test_plan_takes_set(ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]]) -> None:
    result = ran[1]["plan-set"]
    assert result.returncode == 0, result.stderr
    words = " ".join(result.stdout.split())
    assert "upgrades in steps of 1 Tbps, each sized to last 36 months" in words
    assert "each sized to last 36 months, ordered 26 months ahead (lead time: default)" in words


def test_compare_shows_what_the_slip_costs(
    ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]],
) -> None:
    folder, results = ran
    result = results["compare"]
    assert result.returncode == 0, result.stderr
    baseline, delayed = rows((folder / "cmp" / "comparison.csv").read_text())
    # The 4 Tbps phase moves from 2029-01 to 2030-07. The baseline is short 2027-05 to 2028-12 and
    # again 2029-08 to 2029-12; with the slip 1 Tbps stays until the new cable (2030-01), so the
    # corridor is also short 2029-01 to 2029-07: 7 more months. From 2030-01, 13 Tbps (16 Tbps
    # from 2030-07) stays above demand / 70% until the baseline's own 2032-06 shortfall.
    assert (
        int(delayed["months_short_vs_first"])
        == int(delayed["months_short"]) - int(baseline["months_short"])
        == 7
    )
    assert float(delayed["unserved_tbps_months_vs_first"]) > 0
    # In 2029-06 the baseline has 4 Tbps and no shortfall, so it carries all the transit invited;
    # with the slip 1 Tbps is short, and carries less.
    assert delayed["carried_share_month"] == "2029-06"
    assert float(delayed["carried_share_chinese-transit"]) < float(baseline["carried_share_chinese-transit"])
    assert "(+7 months, +" in result.stdout.splitlines()[1]


def test_compare_refuses_a_month_outside_a_period(
    ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]],
) -> None:
    folder, results = ran
    result = results["compare-outside"]
    assert result.returncode == 2 and result.stdout == ""
    assert "--at: 2050-01 is outside the period of" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "bad").exists()


def test_sweep_of_the_new_cable_date_is_not_flat(
    ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]],
) -> None:
    folder, results = ran
    assert results["sweep"].returncode == 0, results["sweep"].stderr
    table = rows((folder / "sweep" / "sweep.csv").read_text())
    short = [int(r["months_short"]) for r in table]
    lost = [float(r["unserved_tbps_months"]) for r in table]
    assert short == sorted(short) and short[0] < short[-1]
    assert lost == sorted(lost) and lost[0] < lost[-1]


def test_solve_months_short(ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]]) -> None:
    result = ran[1]["solve"]
    assert result.returncode == 0, result.stderr
    prefix = "demand.chinese-transit.share.end: at most "
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith(prefix)
    answer = float(first_line.removeprefix(prefix).split("%")[0]) / 100
    # Rounded down to 4 significant digits: the condition holds at the answer and fails one unit
    # of the last digit above it (more transit, more months short).
    unit = 10 ** (math.floor(math.log10(answer)) - 3)
    scenario = load_scenario(BASELINE).model_copy(update={"uncertainty": None})
    location = ("demand", 1, "share", "end")
    assert project(variant(scenario, {location: answer}, "t")).months_short <= 100
    assert project(variant(scenario, {location: answer + unit}, "t")).months_short > 100


def test_plan_csv_takes_one_file(ran: tuple[Path, dict[str, subprocess.CompletedProcess[str]]]) -> None:
    result = ran[1]["plan-csv-two"]
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "error: --csv prints one scenario's plan as one table; give one file\n"
