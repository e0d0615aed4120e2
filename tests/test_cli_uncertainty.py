"""Runs with an uncertainty section, through the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli_helpers import cli
from tests.scenario_data import CONTRACT_YAML

SECTION = """\
uncertainty:
  samples: 1000
  seed: 3
  sobol_samples: 128
  parameters:
    demand.chinese-transit.growth.rate: {dist: triangular, low: 15%, mode: 22%, high: 30%}
    demand.chinese-transit.share.end:   {dist: uniform, low: 10%, high: 15%}
    links.ofc.phases[2].in_service:     {dist: delay, low: 0 months, mode: 6 months, high: 24 months}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mc")
    (folder / "mc.yaml").write_text(CONTRACT_YAML + SECTION, encoding="utf-8")
    result = cli("run", "mc.yaml", "-o", "out", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "samples of the uncertain inputs:" in result.stdout and "Phase 2 on time:" in result.stdout
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    return folder / "out" / "mc"


def test_quantile_table(run: Path) -> None:
    with open(run / "timeline_quantiles.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 180
    header = list(rows[0])
    assert header[:6] == [
        "date",
        "demand_p5_gbps",
        "demand_p10_gbps",
        "demand_p50_gbps",
        "demand_p90_gbps",
        "demand_p95_gbps",
    ]
    assert "utilisation_p50" in header and "gap_p95_gbps" in header and "headroom_p5_gbps" in header
    for row in rows:
        levels = [float(row[f"demand_p{p}_gbps"]) for p in (5, 10, 50, 90, 95)]
        assert levels == sorted(levels)


def test_summary_has_probabilities_and_sensitivity(run: Path) -> None:
    summary = json.loads((run / "summary.json").read_text())
    uncertainty = summary["uncertainty"]
    assert uncertainty["samples"] == 1000
    assert [t["name"] for t in uncertainty["targets"]] == ["Phase 1", "Phase 2", "New cable"]
    for target in uncertainty["targets"]:
        assert 0 <= target["p_on_time"] <= 1
        assert target["p_on_time"] + sum(v for k, v in target["months_late"].items() if k != "0") + target[
            "p_not_met"
        ] == pytest.approx(1)
    assert set(uncertainty["sobol"]) == {
        "first_exhaustion_months",
        "gap_at_horizon_gbps",
        "months_short",
        "unserved_tbps_months",
        "carried_share:chinese-transit",
    }
    months = uncertainty["months_short"]
    assert 0 <= months["p10"] <= months["p50"] <= months["p90"] <= 180
    assert all(float(v).is_integer() for v in months.values())
    lost = uncertainty["unserved_tbps_months"]
    assert 0 <= lost["p10"] <= lost["p50"] <= lost["p90"]
    carried = uncertainty["carried_share_at_horizon"]["chinese-transit"]
    assert 0 <= carried["p10"] <= carried["p50"] <= carried["p90"] <= 0.15  # at most the highest share
    assert len(uncertainty["tornado"]) == 3
    assert set(uncertainty["sobol_utilisation_by_year"]) == {str(y) for y in range(2026, 2041)}


def test_report_has_the_uncertainty_pages(run: Path) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(run / "report.pdf").pages)
    for title in (
        "samples of the uncertain inputs",
        "Phase 2 on time:",
        "Capacity against demand: range over the uncertain inputs",
        "Utilisation: range over the uncertain inputs",
        "When the corridor first runs short",
        "Capacity targets: chance of being on time",
        "Tornado: which input moves each outcome, one at a time",
        "Which input matters most: Sobol' indices",
        "Which input matters when: Sobol' indices of utilisation by year",
    ):
        assert title in text


def test_same_seed_same_results_and_flags(tmp_path: Path, run: Path) -> None:
    (tmp_path / "mc.yaml").write_text(CONTRACT_YAML + SECTION, encoding="utf-8")
    again = cli("run", "mc.yaml", "-o", "again", "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "mc" / "timeline_quantiles.csv").read_bytes() == (
        run / "timeline_quantiles.csv"
    ).read_bytes()
    other = cli("run", "mc.yaml", "-o", "other", "-q", "--seed", "4", "--samples", "500", cwd=tmp_path)
    assert other.returncode == 0, other.stderr
    assert (
        json.loads((tmp_path / "other" / "mc" / "summary.json").read_text())["uncertainty"]["samples"] == 500
    )
    flat = cli("run", "mc.yaml", "-o", "flat", "-q", "--deterministic", cwd=tmp_path)
    assert flat.returncode == 0, flat.stderr
    assert not (tmp_path / "flat" / "mc" / "timeline_quantiles.csv").exists()
    assert "uncertainty" not in json.loads((tmp_path / "flat" / "mc" / "summary.json").read_text())


@pytest.mark.parametrize(("flag", "value"), [("--samples", "0"), ("--samples", "many"), ("--seed", "-1")])
def test_bad_flag_values_are_usage_errors(tmp_path: Path, flag: str, value: str) -> None:
    (tmp_path / "mc.yaml").write_text(CONTRACT_YAML + SECTION, encoding="utf-8")
    result = cli("run", "mc.yaml", flag, value, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"argument {flag}: " in result.stderr
    assert not (tmp_path / "reports").exists()
