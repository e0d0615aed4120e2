"""The whole projection against closed forms and hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from capacity_model.engine import project
from capacity_model.errors import ScenarioError
from capacity_model.units import parse_month
from tests.scenario_data import build, one_link

JAN_2026 = parse_month("2026-01")


def exhaustion_month_by_formula(capacity: float, base: float, rate: float, threshold: float) -> int:
    """First whole month m after the base with D0 (1 + r)^(m/12) > u C."""
    m = 12 * math.log(threshold * capacity / base) / math.log1p(rate)
    return math.floor(m) + 1


@pytest.mark.parametrize(
    ("capacity_gbps", "base_gbps", "rate", "threshold"),
    [
        (1000.0, 200.0, 0.25, 0.7),
        (4000.0, 900.0, 0.30, 0.5),
        (12000.0, 100.0, 0.60, 0.8),
        (450.0, 300.0, 0.05, 0.9),
    ],
)
def test_exhaustion_month_matches_closed_form(
    capacity_gbps: float, base_gbps: float, rate: float, threshold: float
) -> None:
    scenario = build(
        one_link(
            capacity=f"{capacity_gbps} Gbps",
            base=f"{base_gbps} Gbps",
            rate=f"{rate * 100}%",
            threshold=f"{threshold * 100}%",
            end="2099-12",
        )
    )
    projection = project(scenario)
    expected = JAN_2026 + exhaustion_month_by_formula(capacity_gbps, base_gbps, rate, threshold)
    assert [e.month for e in projection.exhaustions] == [expected]
    # No later phase is planned: the fix takes the default lead time.
    assert projection.exhaustions[0].order_by == expected - 24
    assert projection.exhaustions[0].next_phase is None


def test_demand_and_derived_columns_by_hand() -> None:
    projection = project(build(one_link(capacity="1 Tbps", base="200 Gbps", rate="25%", end="2028-12")))
    months = np.arange(36)
    demand = 200.0 * 1.25 ** (months / 12)
    assert_allclose(projection.demand_gbps, demand, rtol=1e-13)
    assert_allclose(projection.capacity_gbps, 1000.0)
    assert_allclose(projection.utilisation, demand / 1000.0, rtol=1e-13)
    assert_allclose(projection.headroom_gbps, 700.0 - demand, rtol=1e-13)
    assert_allclose(projection.required_capacity_gbps, demand / 0.7, rtol=1e-13)
    assert_allclose(projection.gap_gbps, np.maximum(0.0, demand / 0.7 - 1000.0), atol=1e-9)


def test_shortfall_starting_again_after_a_phase_and_its_order_by() -> None:
    # 1 Tbps, +50%/yr from 400 Gbps: exceeds 700 Gbps after 12 ln(1.75)/ln(1.5) = 16.56 months,
    # i.e. in month 17. A 4 Tbps phase (lead 18 months) at month 24 relieves it until demand
    # passes 2800 Gbps: 12 ln(7)/ln(1.5) = 57.6 -> month 58; no phase after that: default lead.
    data = one_link(capacity="1 Tbps", base="400 Gbps", rate="50%", end="2035-12")
    data["links"][0]["phases"].append(
        {"capacity": "4 Tbps", "in_service": "2028-01", "lead_time": "18 months"}
    )
    projection = project(build(data))
    starts = [(e.month - JAN_2026, e.order_by - JAN_2026, e.next_phase) for e in projection.exhaustions]
    assert starts == [(17, 17 - 18, "ofc phase 2"), (58, 58 - 24, None)]


def test_targets_on_time_late_and_missed() -> None:
    data = one_link(capacity="450 Gbps", end="2035-12")
    data["links"][0]["phases"] += [
        {"capacity": "1 Tbps", "in_service": "2027-01"},
        {"capacity": "4 Tbps", "in_service": "2030-07", "ramp": "6 months"},
    ]
    data["targets"] = [
        {"name": "Phase 1", "capacity": "1 Tbps", "by": "2027-06"},
        {"name": "Phase 2", "capacity": "4 Tbps", "by": "2029-12"},
        {"name": "Beyond", "capacity": "12 Tbps", "by": "2032-12"},
    ]
    projection = project(build(data))
    phase1, phase2, beyond = projection.targets
    assert (phase1.met_month, phase1.on_time, phase1.months_late) == (parse_month("2027-01"), True, 0)
    # The ramp reaches 4 Tbps six months after in_service: 2031-01, 13 months after 2029-12.
    assert (phase2.met_month, phase2.on_time, phase2.months_late) == (parse_month("2031-01"), False, 13)
    assert (beyond.met_month, beyond.on_time, beyond.months_late) == (None, False, None)
    # Demand at 2029-12 (47 months after the base) on exactly 4 Tbps.
    assert phase2.utilisation_at_by == pytest.approx(200.0 * 1.25 ** (47 / 12) / 4000.0, rel=1e-13)


def test_target_reached_before_the_period_is_dated_when_reached() -> None:
    data = one_link(capacity="450 Gbps")  # in service since 2020-01
    data["links"][0]["phases"].append({"capacity": "1 Tbps", "in_service": "2024-03"})
    data["targets"] = [
        {"name": "Early", "capacity": "1 Tbps", "by": "2025-01"},
        {"name": "Too early", "capacity": "1 Tbps", "by": "2023-01"},
    ]
    early, too_early = project(build(data)).targets
    assert (early.met_month, early.on_time, early.months_late) == (parse_month("2024-03"), True, 0)
    assert (too_early.met_month, too_early.on_time, too_early.months_late) == (
        parse_month("2024-03"),
        False,
        14,
    )


def test_target_steps_imply_cagr_beside_demand() -> None:
    data = one_link(capacity="500 Gbps", rate="25%")
    data["links"][0]["phases"] += [{"capacity": "1 Tbps", "in_service": "2027-01"}]
    data["targets"] = [
        {"name": "B", "capacity": "4 Tbps", "by": "2029-01"},
        {"name": "A", "capacity": "1 Tbps", "by": "2027-01"},
    ]
    steps = project(build(data)).steps
    assert [(s.from_label, s.to_label) for s in steps] == [("Start", "A"), ("A", "B")]
    assert steps[0].capacity_cagr == pytest.approx(1.0, rel=1e-14)  # 500 Gbps -> 1 Tbps in a year
    assert steps[1].capacity_cagr == pytest.approx(1.0, rel=1e-14)  # 1 -> 4 Tbps in two years
    assert steps[0].demand_cagr == pytest.approx(0.25, rel=1e-12)
    assert steps[1].demand_cagr == pytest.approx(0.25, rel=1e-12)


def test_phase_order_by_and_whether_it_has_passed() -> None:
    data = one_link(capacity="450 Gbps")
    data["links"][0]["phases"] += [
        {"capacity": "1 Tbps", "in_service": "2027-01", "lead_time": "12 months"},
        {"capacity": "4 Tbps", "in_service": "2027-06"},
    ]
    phases = project(build(data)).phases
    summary = [(p.phase, p.order_by, p.order_by_passed) for p in phases]
    assert summary == [
        (1, parse_month("2020-01") - 24, True),
        (2, JAN_2026, False),  # ordered exactly at the start: not yet passed
        (3, parse_month("2025-06"), True),
    ]


def test_corridor_sums_links_and_streams() -> None:
    data = one_link(capacity="1 Tbps", end="2027-12")
    data["links"].append({"id": "second", "phases": [{"capacity": "2 Tbps", "in_service": "2027-01"}]})
    data["demand"].append(
        {
            "id": "transit",
            "base": {"value": "10 Tbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "0%"},
            "share": {"model": "constant", "value": "10%"},
        }
    )
    projection = project(build(data))
    assert_allclose(projection.capacity_gbps, np.where(np.arange(24) >= 12, 3000.0, 1000.0))
    assert_allclose(projection.stream_demand_gbps["transit"], 1000.0, rtol=1e-15)
    assert_allclose(projection.demand_gbps, projection.stream_demand_gbps["domestic"] + 1000.0, rtol=1e-15)


def test_retired_link_and_link_arriving_after_the_period() -> None:
    data = one_link(capacity="1 Tbps", end="2027-12")
    data["links"][0]["retire"] = "2027-01"
    data["links"].append({"id": "late", "phases": [{"capacity": "2 Tbps", "in_service": "2030-01"}]})
    projection = project(build(data))
    assert_allclose(projection.link_capacity_gbps["ofc"], np.where(np.arange(24) < 12, 1000.0, 0.0))
    assert_allclose(projection.link_capacity_gbps["late"], 0.0)
    # Capacity falls to nothing in 2027-01: a shortfall starts then, with no later phase inside... the
    # 'late' link's phase (2030-01, default lead time 24 months) is the next planned one.
    assert [(e.month, e.order_by, e.next_phase) for e in projection.exhaustions] == [
        (parse_month("2027-01"), parse_month("2025-01"), "late phase 1")
    ]


def test_one_month_period() -> None:
    projection = project(build(one_link(capacity="1 Tbps", start="2030-01", end="2030-01")))
    assert projection.months.tolist() == [parse_month("2030-01")]
    assert projection.demand_gbps.tolist() == [200.0]


def test_overflowing_growth_is_a_scenario_error() -> None:
    data = one_link(end="2200-12", rate="-99%")
    data["demand"][0]["base"]["at"] = "2200-12"  # carried back 175 years at -99%/yr: 100^175
    with pytest.raises(ScenarioError, match=r"demand\[domestic\].growth: growth from the base overflows"):
        project(build(data))


def test_target_adequacy_by_hand() -> None:
    data = one_link(capacity="450 Gbps", base="200 Gbps", rate="25%", end="2040-12")
    data["links"][0]["phases"] += [
        {"capacity": "1 Tbps", "in_service": "2027-01"},
        {"capacity": "4 Tbps", "in_service": "2029-01"},
    ]
    data["targets"] = [
        {"name": "A", "capacity": "1 Tbps", "by": "2027-06"},  # met 2027-01; needs 391.9 Gbps then
        {"name": "B", "capacity": "300 Gbps", "by": "2040-01"},  # met before the period; needs 6.5 Tbps then
        {"name": "C", "capacity": "4 Tbps", "by": "2028-01"},  # met 2029-01
        {"name": "D", "capacity": "10 Tbps", "by": "2030-01"},  # never
    ]
    a, b, c, d = project(build(data)).targets
    needed = {t.name: 200 * 1.25 ** ((t.by - JAN_2026) / 12) / 0.7 for t in (a, b, c, d)}
    for t in (a, b, c, d):
        assert t.needed_gbps == pytest.approx(needed[t.name], rel=1e-13)
    assert (a.status, a.short_by_gbps) == ("sufficient", 0.0)
    assert needed["A"] == pytest.approx(391.9, abs=0.1)
    assert b.status == "short" and b.on_time
    assert b.short_by_gbps == pytest.approx(needed["B"] - 300, rel=1e-13)
    assert (c.status, c.months_late) == ("late", 12)
    assert (d.status, d.met_month, d.months_late) == ("not_met", None, None)


def test_a_target_reached_before_a_link_retires_is_not_on_time() -> None:
    data = one_link(capacity="1 Tbps", end="2030-12")
    data["links"][0]["retire"] = "2027-01"
    data["links"].append({"id": "new", "phases": [{"capacity": "1 Tbps", "in_service": "2028-07"}]})
    data["targets"] = [{"name": "T", "capacity": "1 Tbps", "by": "2027-03"}]
    (target,) = project(build(data)).targets
    # 1 Tbps from 2020 until the link retires in 2027-01; again from 2028-07 on the new link.
    assert (target.status, target.on_time, target.met_month) == ("late", False, parse_month("2028-07"))
    assert target.months_late == 16
