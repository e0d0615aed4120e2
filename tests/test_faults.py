"""Faults at random from the scenario file to the outputs: what a file may say, the Monte Carlo
run against the Poisson process's closed forms, the same faults whatever the chunks, the
sensitivity outcomes, and the sentence and ``summary.json`` entry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from capacity_model.engine.faults import DAYS_PER_YEAR
from capacity_model.engine.montecarlo import run_monte_carlo
from capacity_model.engine.sensitivity import tornado
from capacity_model.errors import ScenarioError
from capacity_model.results.faults import fault_line
from capacity_model.scenario_files import load
from tests.cli_helpers import cli
from tests.engine.test_faults import down_days

ROOT = Path(__file__).resolve().parents[1]

#: a (10 Gbps) fails twice a year and is repaired in exactly 10 days; b (10 Gbps) never fails;
#: demand is 12 Gbps, so while a is down 2 Gbps are lost. Two years from 2025-01 (730 days).
FAULTY = """\
name: Faults
period: {start: 2025-01, end: 2026-12}
links:
  - id: a
    phases: [{capacity: 10 Gbps, in_service: 2025-01}]
    faults: {rate: 2 per year, repair: {median: 10 days}}
  - id: b
    phases: [{capacity: 10 Gbps, in_service: 2025-01}]
demand:
  - id: d
    base: {value: 12 Gbps, at: 2025-01}
    growth: {model: cagr, rate: 0%}
uncertainty:
  samples: 4000
  seed: 7
"""
#: The same with an uncertain input, for the Sobol' indices and the tornado.
WITH_INPUT = (
    FAULTY + "  parameters:\n    links.a.faults.repair.median: {dist: uniform, low: 5 days, high: 15 days}\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_monte_carlo_run_matches_the_poisson_closed_forms(tmp_path: Path) -> None:
    # Expected faults: λT. a is down at t when a fault began in (t - 10 days, t]: with
    # P(t) = 1 - exp(-λ min(t, 10 days)), expected loss 2 Gbps x ∫P dt and downtime ∫P dt.
    mc = run_monte_carlo(load(write(tmp_path, FAULTY)).scenario)
    assert mc.faults is not None
    days = 730.0
    expected_count = 2.0 * days / DAYS_PER_YEAR
    assert abs(mc.faults.faults.mean() - expected_count) < 4 * np.sqrt(expected_count / mc.samples)
    down = down_days(2.0, 10.0, days)
    per_year = mc.per_sample["fault_loss_tbps_days_per_year"] * 1000  # Gbps·days a year
    expected = 2.0 * down / (days / DAYS_PER_YEAR)
    assert abs(per_year.mean() - expected) < 4 * per_year.std() / np.sqrt(mc.samples)
    availability = mc.per_sample["fault_availability"]
    assert abs(availability.mean() - (1 - down / days)) < 4 * availability.std() / np.sqrt(mc.samples)
    # a year loses more than 1% of its demand (12 x 365 x 1% = 43.8 Gbps·days) when a is down
    # more than 21.9 days in it: more than two faults, or overlapping ones
    assert 0 < mc.faults.p_loss_above(0.01) < mc.faults.p_loss_above(0.0001) <= 1


def test_the_same_seed_draws_the_same_faults_whatever_the_chunks(tmp_path: Path) -> None:
    scenario = load(write(tmp_path, FAULTY)).scenario
    whole = run_monte_carlo(scenario, samples=900)
    chunked = run_monte_carlo(scenario, samples=900, chunk_size=101)
    for name in ("fault_loss_tbps_days_per_year", "fault_availability"):
        assert np.array_equal(whole.per_sample[name], chunked.per_sample[name])
    assert whole.faults is not None and chunked.faults is not None
    assert np.array_equal(whole.faults.faults, chunked.faults.faults)
    other = run_monte_carlo(scenario, samples=900, seed=8)
    assert not np.array_equal(whole.per_sample["fault_availability"], other.per_sample["fault_availability"])


def test_fault_rates_and_repair_times_as_uncertain_inputs(tmp_path: Path) -> None:
    text = FAULTY + (
        "  parameters:\n"
        "    links.a.faults.rate: {dist: uniform, low: 1 per year, high: 4 per year}\n"
        "    links.a.faults.repair.median: {dist: uniform, low: 5 days, high: 20 days}\n"
    )
    scenario = load(write(tmp_path, text)).scenario
    baseline, bars = tornado(scenario)
    rate, repair = bars
    for bar in bars:  # a higher rate or a longer repair costs more, on the same draws of faults
        assert (
            bar.outcome_at_high["fault_loss_tbps_days_per_year"]
            > bar.outcome_at_low["fault_loss_tbps_days_per_year"]
        )
        assert bar.outcome_at_high["fault_availability"] < bar.outcome_at_low["fault_availability"]
    assert rate.low_value == pytest.approx(1.3) and repair.high_value == pytest.approx(18.5)
    assert baseline["months_short"] == 0.0


def test_a_rate_per_1000_km_uses_the_length(tmp_path: Path) -> None:
    text = FAULTY.replace(
        "faults: {rate: 2 per year,",
        "length: 4000 km\n    faults: {rate_per_1000_km: 0.5 per 1000 km per year,",
    )
    scenario = load(write(tmp_path, text)).scenario
    assert scenario.links[0].faults_per_year == pytest.approx(2.0)
    mc = run_monte_carlo(scenario, samples=2000)
    assert mc.faults is not None
    expected = 2.0 * 730 / DAYS_PER_YEAR
    assert abs(mc.faults.faults.mean() - expected) < 4 * np.sqrt(expected / 2000)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{rate: 2 per year,",
            "{rate: 2 per year, rate_per_1000_km: 0.1 per 1000 km per year,",
            "links[a].faults: give rate",
        ),
        (
            "{rate: 2 per year,",
            "{rate_per_1000_km: 0.1 per 1000 km per year,",
            "links[a].faults.rate_per_1000_km: a rate per 1,000 km needs the link's length",
        ),
        ("rate: 2 per year", "rate: 2", "links[a].faults.rate: 2 has no unit"),
        ("rate: 2 per year", "rate: 21 per year", "is outside 0 to 20"),
        (
            "rate: 2 per year",
            "rate: 0.1 per 1000 km per year",
            "a rate per 1,000 km goes in 'rate_per_1000_km'",
        ),
        (
            "{median: 10 days}",
            "{median: 10 days, p90: 5 days}",
            "links[a].faults.repair.p90: 5 days is below the median 10 days",
        ),
        ("{median: 10 days}", "{median: 0 days}", "a repair lasts at least '1 hour'"),
        (
            "uncertainty:\n  samples: 4000\n  seed: 7\n",
            "",
            "links[a].faults: faults are drawn at random in a Monte Carlo run",
        ),
        (
            "end: 2026-12}\nlinks:\n  - id: a\n    phases: [{capacity: 10 Gbps, in_service: 2025-01}]\n"
            "    faults: {rate: 2 per year,",
            "end: 2200-12}\nlinks:\n  - id: a\n    phases: [{capacity: 10 Gbps, in_service: 2025-01}]\n"
            "    faults: {rate: 20 per year,",
            "links[a].faults: the fault rates expect 4,000 faults in each sample over the period, more than 2,000",
        ),
        (
            "end: 2026-12}\nlinks:\n  - id: a\n    phases: [{capacity: 10 Gbps, in_service: 2025-01}]\n"
            "    faults: {rate: 2 per year,",
            "end: 2034-12}\nlinks:\n  - id: a\n    phases: [{capacity: 10 Gbps, in_service: 2025-01}]\n"
            "    faults: {rate: 20 per year,",
            "",
        ),
    ],
)
def test_faults_that_make_no_sense_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in FAULTY
    text = FAULTY.replace(old, new).replace("start: 2025-01, end: 2200-12", "start: 2001-01, end: 2200-12")
    if not message:  # 2,000,000 samples of 200 faults each over 120 months: too much work
        text = text.replace("samples: 4000", "samples: 2000000")
        message = "uncertainty.samples: 2,000,000 runs of faults (samples) over 2 links and 120 months would take too long"
    with pytest.raises(ScenarioError) as caught:
        load(write(tmp_path, text))
    assert message in str(caught.value) and str(caught.value).startswith(str(tmp_path))


def test_a_risk_group_fails_whole_and_has_no_length(tmp_path: Path) -> None:
    group = (
        "risk_groups:\n  - {id: both, links: [a, b], faults: {rate: 1 per year, repair: {median: 2 days}}}\n"
    )
    text = FAULTY.replace("demand:", group + "demand:", 1).replace(
        "    faults: {rate: 2 per year, repair: {median: 10 days}}\n", ""
    )
    # both links down 2 days a fault: all 12 Gbps lost, 24 Gbps·days a fault, λ = 1 a year
    mc = run_monte_carlo(load(write(tmp_path, text)).scenario)
    per_year = mc.per_sample["fault_loss_tbps_days_per_year"] * 1000
    expected = 12.0 * down_days(1.0, 2.0, 730.0) / (730 / DAYS_PER_YEAR)
    assert abs(per_year.mean() - expected) < 4 * per_year.std() / np.sqrt(mc.samples)
    with pytest.raises(ScenarioError, match=r"risk_groups\[both\]\.faults.*a risk group has no length"):
        load(
            write(tmp_path, text.replace("{rate: 1 per year,", "{rate_per_1000_km: 1 per 1000 km per year,"))
        )


def test_studies_refuse_fault_fields(tmp_path: Path) -> None:
    path = write(tmp_path, FAULTY)
    swept = cli(
        "sweep",
        path,
        "--param",
        "links.a.faults.rate",
        "--values",
        "1 per year,2 per year",
        "-o",
        "out",
        cwd=tmp_path,
    )
    assert swept.returncode == 2 and "acts through faults drawn at random" in swept.stderr
    assert not (tmp_path / "out").exists()


def test_the_sentence_and_the_summary(tmp_path: Path) -> None:
    path = write(tmp_path, WITH_INPUT.replace("samples: 4000", "samples: 500\n  sobol_samples: 64"))
    ran = cli("run", path, "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "Faults at random (2 a year on average): they cost " in ran.stdout
    data = json.loads((tmp_path / "out" / "f" / "summary.json").read_text())["uncertainty"]
    faults = data["faults"]
    assert set(faults) == {
        "faults_per_year",
        "loss_tbps_days_per_year",
        "availability",
        "year_loss_tbps_days",
        "p_year_loss_above",
        "whole_years",
    }
    assert list(faults["p_year_loss_above"]) == ["0.01%", "0.1%", "1%", "10%"]
    assert faults["faults_per_year"] == pytest.approx(2.0, rel=0.1)
    assert (
        "fault_loss_tbps_days_per_year" in data["sobol"] and "fault_availability" in data["tornado_baseline"]
    )


def test_the_pakistan_scenarios_fault_rates(tmp_path: Path) -> None:
    """Seven sources: AAE-1 0.59, SMW4 0.31, IMEWE 0.15, TW1 0.077, PEACE 0.3, the OFC 0.13 and
    the Jeddah group 0.15 faults a year: 1.707 a year over 15 years."""
    scenario = load(ROOT / "scenarios" / "pakistan-international.yaml").scenario
    assert sum(s.rate_per_year for s in scenario.fault_sources()) == pytest.approx(1.707)
    mc = run_monte_carlo(scenario, samples=2000)
    assert mc.faults is not None
    years = (365 * 15 + 4) / DAYS_PER_YEAR  # 2025-2039 holds 4 leap days
    expected = 1.707 * years
    assert abs(mc.faults.faults.mean() - expected) < 4 * np.sqrt(expected / 2000)
    line = fault_line(mc.faults)
    assert line is not None and line.startswith("Faults at random (1.7 a year on average)")


def test_an_uncertainty_section_without_parameters_needs_fault_rates(tmp_path: Path) -> None:
    text = FAULTY.replace("    faults: {rate: 2 per year, repair: {median: 10 days}}\n", "")
    with pytest.raises(
        ScenarioError, match=r"uncertainty\.parameters: the uncertainty section has no parameters"
    ):
        load(write(tmp_path, text))
    ran = cli(
        "run", write(tmp_path, FAULTY.replace("samples: 4000", "samples: 200")), "-o", "out", cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stderr  # faults alone: no tornado or Sobol' pages
    assert "tornado" not in json.loads((tmp_path / "out" / "f" / "summary.json").read_text())["uncertainty"]


def test_set_sweep_and_fixed_inputs_keep_the_faults(tmp_path: Path) -> None:
    path = write(tmp_path, FAULTY)
    varied = load(path, ["demand.d.growth.rate=5%"]).scenario
    assert varied.uncertainty is not None and varied.fault_sources()
    swept = cli(
        "sweep",
        path,
        "--param",
        "demand.d.growth.rate",
        "--values",
        "0%,10%",
        "--samples",
        "50",
        "-o",
        "out",
        cwd=tmp_path,
    )
    assert swept.returncode == 0, swept.stderr


def test_a_sampled_date_or_capacity_moves_no_unlit_capacity(tmp_path: Path) -> None:
    # b has no unlit capacity (installed = lit) and enters service at a date drawn from two
    # years: switching unlit capacity on at once must change nothing.
    text = FAULTY.replace(
        "  seed: 7\n",
        "  seed: 7\n  parameters:\n    links.b.phases[0].in_service: {dist: uniform, low: 2025-01, high: 2026-12}\n",
    )
    text = text.replace(
        "period: {start: 2025-01, end: 2026-12}",
        "period: {start: 2025-01, end: 2026-12}\nplanning: {activation_delay: 0 days}",
    )
    with_delay = run_monte_carlo(load(write(tmp_path, text)).scenario, samples=300)
    without = run_monte_carlo(
        load(write(tmp_path, text.replace("planning: {activation_delay: 0 days}\n", ""))).scenario,
        samples=300,
    )
    assert np.array_equal(
        with_delay.per_sample["fault_loss_tbps_days_per_year"],
        without.per_sample["fault_loss_tbps_days_per_year"],
    )


def test_the_fault_limits_use_the_highest_rates_the_section_can_draw(tmp_path: Path) -> None:
    text = FAULTY.replace(
        "  seed: 7\n",
        "  seed: 7\n  parameters:\n    links.a.faults.rate: {dist: uniform, low: 1 per year, high: 20 per year}\n",
    )
    text = text.replace("end: 2026-12", "end: 2124-12")  # 100 years at up to 20 a year: 2,000
    load(write(tmp_path, text))
    with pytest.raises(
        ScenarioError, match=r"expect 2,020 faults in each sample over the period \(with the highest rates"
    ):
        load(write(tmp_path, text.replace("end: 2124-12", "end: 2125-12")))


def test_sobol_rows_of_b_draw_their_own_faults() -> None:
    from capacity_model.engine.sensitivity import _fault_streams

    # n = 4 base rows, 1 input: rows 0-3 are A, 4-7 B, 8-11 AB_1 (which takes its faults from A)
    assert _fault_streams(0, 12, 4).tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3]
    assert _fault_streams(6, 10, 4).tolist() == [6, 7, 0, 1]


def test_year_figures_use_the_years_the_period_covers_whole(tmp_path: Path) -> None:
    # 2025-12 to 2027-01: one month of 2025, all of 2026, one month of 2027. The chance of a
    # bad year counts 2026 alone, so it equals that of 2026 over the samples.
    text = FAULTY.replace("period: {start: 2025-01, end: 2026-12}", "period: {start: 2025-12, end: 2027-01}")
    mc = run_monte_carlo(load(write(tmp_path, text)).scenario, samples=500)
    assert mc.faults.whole_years.tolist() == [False, True, False]
    assert mc.faults is not None
    assert mc.faults.p_loss_above(0.01) == pytest.approx(float(np.mean(mc.faults.share[:, 1] > 0.01)))


def test_deterministic_runs_say_that_no_fault_is_drawn(tmp_path: Path) -> None:
    ran = cli("run", write(tmp_path, FAULTY), "-o", "out", "--deterministic", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "Faults at random are drawn only in Monte Carlo runs" in ran.stdout


def test_the_faults_drawn_are_counted_beside_targets(tmp_path: Path) -> None:
    # A target's months counted late share nothing with the faults drawn: λT = 2 x 730 / 365.2425.
    text = FAULTY.replace("demand:", "targets: [{name: Big, capacity: 30 Gbps, by: 2026-06}]\ndemand:", 1)
    mc = run_monte_carlo(load(write(tmp_path, text)).scenario, samples=1000)
    assert mc.faults is not None
    expected = 2.0 * 730 / DAYS_PER_YEAR
    assert abs(mc.faults.faults.mean() - expected) < 4 * np.sqrt(expected / 1000)
