"""The verdict and headlines in words, built from the figures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from capacity_model.engine import project
from capacity_model.engine.montecarlo import run_monte_carlo
from capacity_model.results.narrative import percent, target_status_text, verdict, volume
from capacity_model.results.uncertainty_text import central_case_differences, parameter_label
from capacity_model.scenario_files import load_scenario
from capacity_model.units import parse_month
from tests.scenario_data import build, one_link


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.773, "77.3%"),
        (0.0997, "10%"),
        (0.05, "5%"),
        (0.1456, "14.6%"),
        (-0.15, "-15%"),
        (0.7, "70%"),
        (0.0078, "0.78%"),
        (0.99962, "99.9%"),
        (0.995, "99.5%"),
        (1e-7, "<0.01%"),
        (8.72, "872%"),
    ],
)
def test_percent(fraction: float, text: str) -> None:
    assert percent(fraction) == text


def test_volume() -> None:
    assert volume(4788.0002) == "4,788 Tbps·months"
    assert volume(11.157) == "11.2 Tbps·months"
    assert volume(0.06303) == "0.063 Tbps·months"
    assert volume(0.0) == "0 Tbps·months"


def test_yes_when_capacity_keeps_up() -> None:
    data = one_link(capacity="100 Tbps", end="2030-12")
    data["targets"] = [{"name": "T", "capacity": "100 Tbps", "by": "2026-06"}]
    projection = project(build(data))
    utilisation = 200 * 1.25 ** (59 / 12) / 100_000  # demand in 2030-12 over 100 Tbps
    assert verdict(projection) == [
        "Yes. Demand stays within 70% of capacity in every month to 2030-12, and the announced target is "
        "met on time.",
        f"At 2030-12 demand uses {percent(utilisation)} of the 100 Tbps in service.",
    ]


def test_yes_though_a_target_is_late() -> None:
    data = one_link(capacity="100 Tbps", end="2030-12")
    data["links"][0]["phases"].append({"capacity": "200 Tbps", "in_service": "2028-01"})
    data["targets"] = [{"name": "Big", "capacity": "200 Tbps", "by": "2027-01"}]
    (first, _) = verdict(project(build(data)))
    assert first == (
        "Yes. Demand stays within 70% of capacity in every month to 2030-12, though Big is 12 months late."
    )


def test_no_names_the_first_shortfall_the_months_short_and_the_plan() -> None:
    # 1 Tbps at 70%: 200 Gbps growing 25% a year first exceeds 700 Gbps in month
    # floor(12 ln 3.5 / ln 1.25) + 1 = 68 (2031-09), and stays short to 2035-12: 52 of 120 months.
    first_month = math.floor(12 * math.log(3.5) / math.log(1.25)) + 1
    assert first_month == 68
    projection = project(build(one_link(end="2035-12")))
    sentences = verdict(projection)
    # Pro rata with one stream: at 2035-12 it carries u C / D = 700 / (200 x 1.25^(119/12)).
    carried = 700 / (200 * 1.25 ** (119 / 12))
    assert sentences[0] == (
        "No. Demand outgrows capacity from 2031-09: the corridor is short for 52 of 120 months; "
        f"at 2035-12 it carries {percent(carried)} of demand."
    )
    required = 200 * 1.25 ** (119 / 12) / 0.7
    upgrades = projection.plan.upgrades
    assert sentences[1].startswith(
        f"Meeting demand at 2035-12 needs {required / 1000:.3g} Tbps of capacity, not the 1 Tbps planned: the "
        f"capacity plan adds {len(upgrades)} upgrades"
    )
    # In service by the first short month, ordered the default lead time (24 months) before.
    assert sentences[1].endswith("the first in service by 2031-09, which must be ordered by 2029-09.")


def test_targets_on_time_but_too_small() -> None:
    data = one_link(capacity="1 Tbps", end="2035-12")
    data["targets"] = [{"name": "Small", "capacity": "1 Tbps", "by": "2034-01"}]
    projection = project(build(data))
    (target,) = projection.targets
    assert target.status == "short"
    assert target_status_text(target).startswith("on time, short by ")
    assert verdict(projection)[0].startswith(
        "No. The announced target is met on time, but Small is too small for demand at its due date "
        "(short by "
    )


def test_uncertain_verdict_states_probabilities_and_the_central_case() -> None:
    data = one_link(end="2035-12")
    data["links"][0]["phases"].append({"capacity": "4 Tbps", "in_service": "2030-01"})
    data["uncertainty"] = {
        "samples": 500,
        "parameters": {
            "links.ofc.phases[1].in_service": {
                "dist": "delay",
                "low": "0 months",
                "mode": "6 months",
                "high": "36 months",
            },
            "demand.domestic.growth.rate": {"dist": "uniform", "low": "20%", "high": "40%"},
        },
    }
    scenario = build(data)
    # Triangular(0, 6, 36) has its median at 36 - sqrt(36 x 30 / 2) = 12.8 months; uniform 20-40% at 30%.
    assert 36 - math.sqrt(36 * 30 / 2) == pytest.approx(12.76, abs=0.01)
    assert central_case_differences(scenario) == [
        "the written dates assume no delay, while the ranges put the median delay of ofc phase 2 (4 Tbps) at 13 months",
        "the median of the growth rate of domestic is 30%, not the 25% written",
    ]
    mc = run_monte_carlo(scenario)
    sentences = verdict(project(scenario), mc)
    assert len(sentences) == 4
    # First the answer over the samples: how often short, and how long when short.
    short = mc.per_sample["months_short"]
    p_short = float(np.mean(short > 0))
    assert 0.5 <= p_short < 1  # growth above 25% outruns 1 Tbps before the 4 Tbps phase, often
    typical = [int(np.quantile(short[short > 0], q, method="inverted_cdf")) for q in (0.1, 0.5, 0.9)]
    assert sentences[0] == (
        f"No. Over 500 samples of the uncertain inputs, the corridor runs short in {percent(p_short)} of "
        f"them, for a median of {typical[1]} months when it does (80% of those between {typical[0]} and "
        f"{typical[2]})."
    )
    # Then the values written, which never run short here.
    assert sentences[1].startswith(
        "With the values written (the central case): demand stays within 70% of capacity in every month"
    )
    assert sentences[3] == (
        "The central case uses the values written; the written dates assume no delay, while the ranges put "
        "the median delay of ofc phase 2 (4 Tbps) at 13 months and the median of the growth rate of domestic is "
        "30%, "
        "not the 25% written."
    )


def test_yes_though_a_target_on_time_is_too_small() -> None:
    data = one_link(capacity="100 Tbps")
    data["targets"] = [{"name": "S", "capacity": "300 Gbps", "by": "2040-01"}]
    (first, _) = verdict(project(build(data)))
    needed = 200 * 1.25**14 / 0.7  # demand in 2040-01 over 70%
    assert first == (
        "Yes. Demand stays within 70% of capacity in every month to 2040-12, though S is too small for "
        f"demand at its due date (short by {(needed - 300) / 1000:.3g} Tbps)."
    )


def test_a_shortfall_that_ends_before_the_horizon_is_not_called_a_shortage_there() -> None:
    data = one_link(end="2036-12")
    data["links"].append({"id": "big", "phases": [{"capacity": "50 Tbps", "in_service": "2033-01"}]})
    projection = project(build(data))
    (episode,) = projection.episodes
    assert (episode.start, episode.end) == (parse_month("2031-09"), parse_month("2032-12"))
    (first, second) = verdict(projection)
    # All 16 months short come before the last phase (no split to report), and by 2036-12 all is carried.
    assert first == "No. Demand outgrows capacity from 2031-09: the corridor is short for 16 of 132 months."
    assert second.startswith(
        "The last shortfall ends in 2032-12; the 51 Tbps planned by 2036-12 is enough then"
    )


def test_months_short_are_split_at_the_last_announced_phase() -> None:
    data = one_link(end="2040-12")
    data["links"][0]["phases"].append({"capacity": "4 Tbps", "in_service": "2033-01"})
    projection = project(build(data))
    # Short from 2031-09 (month 68) until 4 Tbps arrives in 2033-01 (16 months), and again once
    # 200 x 1.25^(k/12) > 2,800 Gbps: from k = floor(12 ln 14 / ln 1.25) + 1 = 142 (2037-11), 38 months.
    again = math.floor(12 * math.log(14) / math.log(1.25)) + 1
    assert again == 142
    assert projection.months_short == 16 + (180 - again)
    assert (
        f"short for {projection.months_short} of 180 months, 16 before the last announced phase enters service (2033-01) and {180 - again} after it"
        in verdict(projection)[0]
    )


def test_uncertain_inputs_are_named_for_a_reader() -> None:
    scenario = load_scenario(Path(__file__).parent.parent / "scenarios" / "baseline.yaml")
    labels = {p.path: parameter_label(scenario, p) for p in scenario.parameters()}
    transit = "Chinese operators' traffic routed via Pakistan (peak)"
    assert labels == {
        "demand.pakistan-china.base.value": "the base value of Pakistan's own China-bound traffic (peak)",
        "demand.pakistan-china.growth.rate": "the growth rate of Pakistan's own China-bound traffic (peak)",
        "demand.chinese-transit.growth.rates[1].rate": f"the growth rate of {transit} from 2022-06",
        "demand.chinese-transit.share.end": f"the final share of {transit}",
        "demand.chinese-transit.share.p": f"the Bass p of {transit}",
        "demand.chinese-transit.share.q": f"the Bass q of {transit}",
        "links.ofc.phases[2].in_service": "ofc phase 3 (4 Tbps) in service",
        "links.new-cable.phases[0].in_service": "new-cable phase 1 (12 Tbps) in service",
    }
