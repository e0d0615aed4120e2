"""Faults at random over a network of corridors: drawn once for the whole network (a risk group
spanning corridors fails at once), each stream routed end to end while links are down, checked
against the closed forms of the Poisson process (an M/D/∞ queue), and in the network's outputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from capacity_model.engine.faults import DAYS_PER_YEAR
from capacity_model.engine.network import network_monte_carlo
from capacity_model.scenario_files import load
from tests.cli_helpers import cli
from tests.engine.test_faults import down_days

#: Subsea: two links of 1 Tbps; China link: one of 1 Tbps. National traffic 1.5 Tbps over the
#: subsea with the China link as its backup; Pakistan-China traffic 300 Gbps over the China
#: link; all flat, utilisation 100%, two years from 2030-01 (730 days). The risk group
#: "landing" (both subsea links) fails twice a year, each repair exactly 10 days: while it is
#: down the backup takes the China link's spare 700 Gbps and 800 Gbps are lost.
NETWORK = """\
name: Faults in a network
period: {start: 2030-01, end: 2031-12}
planning: {max_utilisation: 100%}
corridors:
  - {id: subsea, name: Karachi subsea}
  - {id: china, name: China link}
links:
  - {id: a1, corridor: subsea, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: a2, corridor: subsea, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: ofc, corridor: china, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
risk_groups:
  - id: landing
    links: [a1, a2]
    faults: {rate: 2 per year, repair: {median: 10 days}}
demand:
  - id: national
    route: [subsea]
    backup: [[china]]
    base: {value: 1500 Gbps, at: 2030-01}
    growth: {model: cagr, rate: 0%}
  - {id: pk-china, route: [china], base: {value: 300 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
uncertainty:
  samples: 3000
  seed: 11
"""
DAYS = 730.0


def run(tmp_path: Path, text: str = NETWORK, **kwargs: int):  # type: ignore[no-untyped-def]
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return network_monte_carlo(load(path).scenario, **kwargs)


def mean_within(values: np.ndarray, expected: float) -> None:
    """The sample mean is within four standard errors of the closed form."""
    assert abs(values.mean() - expected) <= 4 * values.std() / np.sqrt(values.size) + 1e-9


def test_a_landing_cut_spills_onto_the_backup_as_the_closed_form_says(tmp_path: Path) -> None:
    mc = run(tmp_path)
    assert mc.faults is not None
    expected_count = 2.0 * DAYS / DAYS_PER_YEAR
    assert abs(mc.faults.faults.mean() - expected_count) < 4 * np.sqrt(expected_count / mc.samples)
    down = down_days(2.0, 10.0, DAYS)  # expected days the landing is down in the two years
    years = DAYS / DAYS_PER_YEAR
    national = mc.per_stream["national"]
    mean_within(national["fault_loss_tbps_days_per_year"] * 1000, 800.0 * down / years)
    mean_within(national["fault_moved_tbps_days_per_year"] * 1000, 700.0 * down / years)
    assert np.all(mc.per_stream["pk-china"]["fault_loss_tbps_days_per_year"] == 0.0)
    mean_within(mc.faults.loss_tbps_days_per_year * 1000, 800.0 * down / years)
    mean_within(mc.faults.availability, 1 - down / DAYS)
    # each sample's loss is exactly 800 Gbps times its time down: the network total is the sum
    # over streams, and the time lost the time down
    assert np.allclose(
        mc.faults.lost_tbps_days.sum(axis=1) * 1000, 800.0 * mc.faults.losing_days.sum(axis=1), rtol=1e-9
    )


def test_a_risk_group_spanning_corridors_takes_both_at_once(tmp_path: Path) -> None:
    # The group takes a1 and the OFC together: the subsea keeps 1000 for 1500 of national
    # traffic, the backup has nothing, and Pakistan-China traffic loses its 300: 800 Gbps lost
    # while it is down, 500 of them national. Drawn apart in each corridor, the two would
    # rarely be down together.
    text = NETWORK.replace("links: [a1, a2]", "links: [a1, ofc]")
    mc = run(tmp_path, text)
    down = down_days(2.0, 10.0, DAYS)
    years = DAYS / DAYS_PER_YEAR
    mean_within(mc.per_stream["national"]["fault_loss_tbps_days_per_year"] * 1000, 500.0 * down / years)
    mean_within(mc.per_stream["pk-china"]["fault_loss_tbps_days_per_year"] * 1000, 300.0 * down / years)
    loss = mc.per_stream["national"]["fault_loss_tbps_days_per_year"]
    other = mc.per_stream["pk-china"]["fault_loss_tbps_days_per_year"]
    assert np.allclose(loss * 300, other * 500, rtol=1e-9)  # always down together
    assert np.all(mc.per_stream["national"]["fault_moved_tbps_days_per_year"] == 0.0)


def test_growing_demand_over_one_leg_matches_the_corridors_exact_loss(tmp_path: Path) -> None:
    # Without a backup, national traffic growing 30% a year loses end to end what the subsea
    # corridor alone loses, each sample exactly (the corridor's integral is exact; the network's
    # adaptive rule agrees to rounding), on the same draws of faults.
    from capacity_model.corridors import corridor_scenario
    from capacity_model.engine.montecarlo import run_monte_carlo

    text = (
        NETWORK.replace("    backup: [[china]]\n", "")
        .replace(
            "growth: {model: cagr, rate: 0%}\n  - {id: pk-china",
            "growth: {model: cagr, rate: 30%}\n  - {id: pk-china",
        )
        .replace("samples: 3000", "samples: 300")
    )
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load(path).scenario
    network = network_monte_carlo(scenario)
    alone = run_monte_carlo(corridor_scenario(scenario, "subsea"))
    assert network.faults is not None and alone.faults is not None
    assert np.array_equal(network.faults.faults, alone.faults.faults)  # one source, the same draws
    np.testing.assert_allclose(
        network.per_stream["national"]["fault_loss_tbps_days_per_year"],
        alone.per_sample["fault_loss_tbps_days_per_year"],
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_allclose(network.faults.availability, alone.faults.availability, rtol=1e-9)


def test_the_same_seed_draws_the_same_faults_whatever_the_chunks(tmp_path: Path) -> None:
    whole = run(tmp_path, samples=600)
    chunked = run(tmp_path, samples=600, chunk_size=77)
    for name in ("fault_loss_tbps_days_per_year", "fault_moved_tbps_days_per_year"):
        assert np.array_equal(whole.per_stream["national"][name], chunked.per_stream["national"][name])
    assert whole.faults is not None and chunked.faults is not None
    assert np.array_equal(whole.faults.lost_tbps_days, chunked.faults.lost_tbps_days)


def test_the_network_reports_its_faults(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK.replace("samples: 3000", "samples: 500"), encoding="utf-8")
    result = cli("run", path, "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "Faults at random end to end" in said
    summary = json.loads((tmp_path / "out" / "net" / "summary.json").read_text())
    faults = summary["uncertainty"]["faults"]
    assert faults["faults_per_year"] == pytest.approx(2.0, rel=0.2)
    streams = {s["stream"]: s for s in summary["uncertainty"]["streams"]}
    assert streams["national"]["fault_loss_tbps_days_per_year"]["mean"] > 0
    assert streams["pk-china"]["fault_loss_tbps_days_per_year"]["mean"] == 0.0
    assert streams["national"]["fault_moved_tbps_days_per_year"]["mean"] > 0


def nested_network(corridors: int, samples: int) -> str:
    """A network whose stream ``i`` crosses the last ``i + 1`` of ``corridors`` corridors, each
    of a different size: a filling round per corridor, over every crossing."""
    lines = ["name: Nested", "period: {start: 2026-01, end: 2040-12}", "corridors:"]
    lines += [f"  - {{id: c{i}}}" for i in range(corridors)]
    lines += ["links:"] + [
        f"  - {{id: l{i}, corridor: c{i}, phases: [{{capacity: {(i + 1) ** 2} Tbps, in_service: 2025-01}}]}}"
        for i in range(corridors)
    ]
    lines += ["demand:"]
    for i in range(corridors):
        route = ", ".join(f"c{j}" for j in range(corridors - 1 - i, corridors))
        lines.append(
            f"  - {{id: s{i}, route: [{route}], base: {{value: {1000 + i} Gbps, at: 2026-01}}, "
            "growth: {model: cagr, rate: 25%}}"
        )
    lines += ["uncertainty:", f"  samples: {samples}", "  parameters:"]
    lines += ["    demand.s0.growth.rate: {dist: uniform, low: 20%, high: 30%}"]
    return "\n".join(lines) + "\n"


def test_a_network_too_costly_to_route_is_refused_with_its_line(tmp_path: Path) -> None:
    # 50 corridors and 1,275 crossings: (50 + 1) x 1,275 per routing, over 10,000 samples of
    # 180 months: 1.2e11, twice the most allowed (6e10); 1,000 samples are within it.
    path = tmp_path / "nested.yaml"
    text = nested_network(50, 10_000)
    path.write_text(text, encoding="utf-8")
    result = cli("validate", path, cwd=tmp_path)
    assert result.returncode == 2
    line = text.splitlines().index("  samples: 10000") + 1
    assert f"nested.yaml:{line}: uncertainty.samples: routing 50 streams over 50 corridors" in result.stderr
    assert "would take too long" in result.stderr and "Traceback" not in result.stderr
    path.write_text(nested_network(50, 1_000), encoding="utf-8")
    assert cli("validate", path, cwd=tmp_path).returncode == 0
    ran = cli("run", path, "--samples", "20000", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 2 and "--samples: routing 50 streams" in ran.stderr
    assert not (tmp_path / "out").exists()


def test_the_shipped_two_legs_scenario_draws_its_faults_end_to_end() -> None:
    from capacity_model.engine.network import network_monte_carlo as run_network

    root = Path(__file__).resolve().parents[1]
    scenario = load(root / "scenarios" / "transit-two-legs.yaml").scenario
    mc = run_network(scenario, samples=300)
    assert mc.faults is not None
    # 7 sources (5 submarine systems, the OFC, the Jeddah group): 1.71 faults a year in all
    rates = sum(source.rate_per_year for source in scenario.fault_sources())
    assert rates == pytest.approx(0.59 + 0.31 + 0.15 + 0.077 + 0.3 + 0.13 + 0.15)
    assert mc.faults.faults.mean() == pytest.approx(rates * mc.faults.years, rel=0.15)
    national = mc.per_stream["national"]
    assert national["fault_loss_tbps_days_per_year"].mean() > 0
    assert national["fault_moved_tbps_days_per_year"].mean() > 0  # onto the China link


def test_a_chunk_of_samples_without_a_fault_costs_nothing(tmp_path: Path) -> None:
    # A rate of 0 draws no fault in any sample: nothing to route, nothing lost.
    mc = run(tmp_path, NETWORK.replace("rate: 2 per year", "rate: 0 per year"), samples=200)
    assert mc.faults is not None and not mc.faults.faults.any()
    assert not mc.faults.lost_tbps_days.any() and np.all(mc.faults.availability == 1.0)
    assert not mc.per_stream["national"]["fault_loss_tbps_days_per_year"].any()
