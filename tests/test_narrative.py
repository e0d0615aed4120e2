"""The verdict and headlines in words, built from the figures."""

from __future__ import annotations

import math

import pytest

from capacity_model.engine import project
from capacity_model.engine.montecarlo import run_monte_carlo
from capacity_model.results.narrative import (
    central_case_differences,
    percent,
    target_status_text,
    verdict,
    volume,
)
from tests.scenario_data import build, one_link


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.773, "77%"),
        (0.0997, "10%"),
        (0.05, "5.0%"),
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
    assert sentences[0] == (
        "No. Demand outgrows capacity from 2031-09: the corridor is short for 52 of 120 months."
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
        "the written dates assume no delay, while the ranges put the median delay of ofc phase 2 at 13 months",
        "the median of demand.domestic.growth.rate is 30%, not the 25% written",
    ]
    mc = run_monte_carlo(scenario)
    sentences = verdict(project(scenario), mc)
    assert len(sentences) == 4
    assert sentences[2].startswith("Over 500 samples of the uncertain inputs, the corridor runs short in ")
    assert sentences[3] == (
        "The central case above uses the values written in the scenario; the written dates assume no delay, "
        "while the ranges put the median delay of ofc phase 2 at 13 months and the median of "
        "demand.domestic.growth.rate is 30%, not the 25% written."
    )
