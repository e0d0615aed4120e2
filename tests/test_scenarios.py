"""Every shipped scenario validates, runs, cites its sources and says which question it answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from capacity_model.corridors import corridor_ids, corridor_scenario
from capacity_model.engine import project
from capacity_model.scenario_files import load_scenario
from capacity_model.schema import BassShare

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def test_the_seven_scenarios_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == [
        "baseline.yaml",
        "calibrated.yaml",
        "delayed-phase2.yaml",
        "domestic-only.yaml",
        "pakistan-international.yaml",
        "transit-15.yaml",
        "transit-two-legs.yaml",
    ]


def test_pakistan_international_answers_n1_from_the_pta_table_by_hand() -> None:
    projection = project(load_scenario(SCENARIOS / "pakistan-international.yaml"))
    # PTA 2025 per system, lit / installed [Gbps]: AAE-1 3580/4770, SMW4 1980/2580, IMEWE
    # 1900/2760, TW1 2600/2800, PEACE 800/1600, OFC 450/1000: 11,310 lit, 15,510 installed.
    assert (projection.in_place.lit_gbps, projection.in_place.installed_gbps) == (11310.0, 15510.0)
    # Losing AAE-1 (the largest until SMW6) leaves 7,730 Gbps; demand is 7,500 Gbps at 2024-12
    # growing 30% a year: 7500 x 1.3^(1/12) = 7,665 Gbps at 2025-01, fits; 7500 x 1.3^(2/12) =
    # 7,833 Gbps at 2025-02, does not: N-1 fails first in 2025-02.
    loss = projection.n_minus_1
    assert loss.lost_at(0) == "aae-1" and loss.left_gbps[0] == 7730.0
    assert 7500 * 1.3 ** (1 / 12) < 7730 < 7500 * 1.3 ** (2 / 12)
    assert loss.first_failure() == 1
    # Cutting SMW4 and IMEWE together leaves 11,310 - 3,880 = 7,430 Gbps: short from 2025-01.
    jeddah = projection.group_losses["jeddah"]
    assert jeddah.left_gbps[0] == 7430.0 and jeddah.first_failure() == 0


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_runs_and_cites(path: Path) -> None:
    first, second = path.read_text().splitlines()[:2]
    assert first.startswith("# yaml-language-server:") and second.startswith("# Question:")
    scenario = load_scenario(path)
    parts = [corridor_scenario(scenario, c) for c in corridor_ids(scenario)] or [scenario]
    for part in parts:  # a scenario with corridors is projected corridor by corridor
        assert project(part).months.size == 180
    assert all(p.source for link in scenario.links for p in link.phases)
    assert all(t.source for t in scenario.targets)
    assert all(s.base is None or s.base.source for s in scenario.demand)


def test_variants_differ_from_baseline_only_as_they_say() -> None:
    scenarios = {p.stem: load_scenario(p) for p in SHIPPED}
    base = scenarios["baseline"]
    transit = scenarios["transit-15"].demand[1].share
    assert isinstance(transit, BassShare) and transit.end == pytest.approx(0.15)
    assert scenarios["transit-15"].links == base.links
    delayed = scenarios["delayed-phase2"].links[0].phases[2].in_service
    assert delayed - base.links[0].phases[2].in_service == 18
    assert scenarios["delayed-phase2"].demand == base.demand
    assert [s.id for s in scenarios["domestic-only"].demand] == ["pakistan-china"]
    assert scenarios["domestic-only"].links == base.links


def test_pakistan_international_n1_with_unlit_capacity_switched_on_by_hand() -> None:
    """Unlit capacity (installed - lit) of the systems: AAE-1 1190, SMW4 600, IMEWE 860, TW1 200,
    PEACE 800, OFC 550 Gbps; SEA-ME-WE 6 gives none. Until 2025-10 AAE-1 is the largest: losing
    it leaves 7,730 + 3,010 = 10,740 Gbps, above demand then (7500 x 1.3^(10/12) = 9,318).
    From 2025-11 SEA-ME-WE 6 (4 Tbps) is the largest: losing it leaves 11,310 + 4,200 = 15,510
    Gbps, which demand passes when 7500 x 1.3^(m/12) > 15,510: m = 34 months after 2024-12,
    2027-10."""
    projection = project(load_scenario(SCENARIOS / "pakistan-international.yaml"))
    after = projection.n_minus_1_activated
    assert after is not None
    assert after.left_gbps[0] == 10740.0 and after.lost_at(0) == "aae-1"
    first = after.first_failure()
    assert first is not None and int(projection.months[first]) == 12 * 2027 + 9
    assert after.lost_at(first) == "smw6" and after.left_gbps[first] == 15510.0
    assert 7500 * 1.3 ** (33 / 12) <= 15510 < 7500 * 1.3 ** (34 / 12)
    jeddah = projection.group_losses_activated["jeddah"]
    assert jeddah.left_gbps[0] == 7430.0 + 1190 + 200 + 800 + 550  # the group's own unlit capacity stays off
