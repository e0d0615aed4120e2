"""Every shipped scenario validates, runs, cites its sources and says which question it answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from capacity_model.engine import project
from capacity_model.scenario_files import load_scenario
from capacity_model.schema import BassShare

SHIPPED = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def test_the_four_scenarios_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == [
        "baseline.yaml",
        "delayed-phase2.yaml",
        "domestic-only.yaml",
        "transit-15.yaml",
    ]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_runs_and_cites(path: Path) -> None:
    first, second = path.read_text().splitlines()[:2]
    assert first.startswith("# yaml-language-server:") and second.startswith("# Question:")
    scenario = load_scenario(path)
    projection = project(scenario)
    assert projection.months.size == 180
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
