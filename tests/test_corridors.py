"""Corridors and routes from the scenario file to the outputs: each corridor's own scenario,
streams over corridors in series and backups by hand, what a file may say, and the network's
files beside the corridors' folders."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from capacity_model.corridors import corridor_scenario
from capacity_model.engine import project
from capacity_model.engine.network import project_network
from capacity_model.errors import ScenarioError
from capacity_model.results.network import network_lines, network_verdict
from capacity_model.scenario_files import load
from tests.cli_helpers import cli

ROOT = Path(__file__).resolve().parents[1]

#: China link 1 Tbps (usable 700 Gbps), Karachi subsea 500 Gbps (usable 350 Gbps); transit
#: 300 Gbps over both, local 200 Gbps over the subsea, flat. Line 1 is "name".
TWO_LEGS = """\
name: Two legs
period: {start: 2026-01, end: 2027-12}
corridors:
  - {id: china-link, name: China link}
  - {id: karachi-subsea, name: Karachi subsea}
links:
  - id: ofc
    corridor: china-link
    phases: [{capacity: 1 Tbps, in_service: 2025-01}]
  - id: subsea
    corridor: karachi-subsea
    phases: [{capacity: 500 Gbps, in_service: 2025-01}]
targets:
  - {name: Phase 2, capacity: 4 Tbps, by: 2027-06, corridor: china-link}
demand:
  - id: transit
    route: [china-link, karachi-subsea]
    base: {value: 300 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 0%}
  - id: local
    route: [karachi-subsea]
    base: {value: 200 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 0%}
"""


def write(tmp_path: Path, text: str, name: str = "legs.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_corridor_is_its_own_scenario(tmp_path: Path) -> None:
    scenario = load(write(tmp_path, TWO_LEGS)).scenario
    china = corridor_scenario(scenario, "china-link")
    subsea = corridor_scenario(scenario, "karachi-subsea")
    assert [link.id for link in china.links] == ["ofc"] and [s.id for s in china.demand] == ["transit"]
    assert [t.name for t in china.targets] == ["Phase 2"] and not subsea.targets
    assert [s.id for s in subsea.demand] == ["transit", "local"]
    assert china.name == "Two legs: China link"
    # its projection is the single-corridor model's: 300 Gbps on 1 Tbps, 500 on 500
    assert_allclose(project(china).utilisation, 0.3)
    assert_allclose(project(subsea).utilisation, 1.0)


def test_two_corridors_in_series_by_hand(tmp_path: Path) -> None:
    # The subsea's usable 350 Gbps is shared pro rata by 300 (transit) and 200 (local): 210
    # and 140. Transit is limited by the subsea, not by the China link's 700.
    network = project_network(load(write(tmp_path, TWO_LEGS)).scenario)
    assert_allclose(network.carried_gbps("transit"), 210.0)
    assert_allclose(network.carried_gbps("local"), 140.0)
    assert network.tightest("transit", 0) == "karachi-subsea"
    assert_allclose(network.used_gbps("china-link"), 210.0)
    assert_allclose(network.used_gbps("karachi-subsea"), 350.0)
    # with priority to local, local is whole (200) and transit gets the subsea's 150 left
    text = TWO_LEGS.replace("  - id: local\n", "  - id: local\n    priority: 0\n")
    network = project_network(load(write(tmp_path, text)).scenario)
    assert_allclose(network.carried_gbps("local"), 200.0)
    assert_allclose(network.carried_gbps("transit"), 150.0)


def test_the_network_answers_first_in_one_sentence(tmp_path: Path) -> None:
    # TWO_LEGS: the subsea's usable 350 Gbps against 500 Gbps routed over it, from the first
    # month: both streams short from 2026-01, each limited by the subsea.
    network = project_network(load(write(tmp_path, TWO_LEGS)).scenario)
    assert network_verdict(network) == (
        "No. End to end, 2 of 2 streams run short: transit from 2026-01, limited by Karachi subsea; "
        "local from 2026-01, limited by Karachi subsea."
    )
    assert network_lines(network)[0] == network_verdict(network)
    # a subsea of 800 Gbps (usable 560) carries both in full
    roomy = TWO_LEGS.replace("capacity: 500 Gbps", "capacity: 800 Gbps")
    assert network_verdict(project_network(load(write(tmp_path, roomy)).scenario)) == (
        "Yes. End to end, every stream is carried in full in every month to 2027-12."
    )


def test_a_backup_takes_spare_capacity_only(tmp_path: Path) -> None:
    # local may fall back on the China link: after transit's 210, the China link has 490
    # usable left; local takes its missing 60 there.
    text = TWO_LEGS.replace(
        "    route: [karachi-subsea]\n", "    route: [karachi-subsea]\n    backup: [[china-link]]\n"
    )
    network = project_network(load(write(tmp_path, text)).scenario)
    assert_allclose(network.carried_gbps("local"), 200.0)
    assert_allclose(network.carried_gbps("transit"), 210.0)
    assert_allclose(network.used_gbps("china-link"), 270.0)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    corridor: china-link\n",
            "    corridor: china\n",
            "links[ofc].corridor: no corridor 'china'; did you mean 'china-link'?",
        ),
        (
            "    corridor: china-link\n",
            "",
            "links[ofc]: a link (corridor:) must name its corridor when there are several",
        ),
        (
            "route: [china-link, karachi-subsea]",
            "route: [china-link, karachi-subsea, china-link]",
            "demand[transit].route[2]: 'china-link' is crossed twice",
        ),
        (
            "route: [china-link, karachi-subsea]",
            "route: [china-link, mars]",
            "demand[transit].route[1]: no corridor 'mars'",
        ),
        ("    route: [karachi-subsea]\n", "", "demand[local]: a stream (route:) must name its corridor"),
        (
            "    route: [karachi-subsea]\n",
            "    route: [karachi-subsea]\n    backup: [[karachi-subsea]]\n",
            "demand[local].backup: a backup route is the stream's own route",
        ),
        (", corridor: china-link}", "}", "targets[Phase 2]: a target (corridor:) must name its corridor"),
        (
            "  - {id: karachi-subsea, name: Karachi subsea}\n",
            "  - {id: karachi-subsea, name: Karachi subsea}\n  - {id: spare}\n",
            "corridors[spare]: no stream's route crosses corridor 'spare'",
        ),
        (
            "  - {id: karachi-subsea, name: Karachi subsea}\n",
            "  - {id: karachi-subsea, name: Karachi subsea}\n  - {id: china-link}\n",
            "corridors[china-link].id: 'china-link' is already the id of entry 1",
        ),
    ],
)
def test_corridors_that_make_no_sense_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in TWO_LEGS
    path = write(tmp_path, TWO_LEGS.replace(old, new, 1))
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}:")


def test_run_writes_each_corridor_and_the_network(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_LEGS)
    ran = cli("run", path, "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    top = tmp_path / "out" / "legs"
    for corridor in ("china-link", "karachi-subsea"):
        assert {"report.pdf", "timeline.csv", "summary.json", "scenario.resolved.yaml"} <= {
            p.name for p in (top / corridor).iterdir()
        }
        # each corridor's resolved scenario runs on its own
        assert load(top / corridor / "scenario.resolved.yaml").scenario.corridors[0].id == corridor
    with open(top / "routes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 24 and float(rows[0]["carried_transit_gbps"]) == pytest.approx(210.0)
    assert float(rows[0]["spare_china-link_gbps"]) == pytest.approx(490.0)
    summary = json.loads((top / "summary.json").read_text())
    transit = summary["streams"][0]
    assert transit["limited_by"] == "karachi-subsea" and transit["months_short"] == 24
    assert transit["unserved_tbps_months"] == pytest.approx(24 * 90 / 1000)
    assert "limited by Karachi subsea" in ran.stdout
    # plan gives each corridor's plan, as its own report does; as one CSV table it is refused
    planned = cli("plan", path, cwd=tmp_path)
    assert planned.returncode == 0
    assert [
        line.split(" (")[0] for line in planned.stdout.splitlines() if line.endswith(": capacity plan")
    ] == [
        "Two legs: China link",
        "Two legs: Karachi subsea",
    ]
    as_csv = cli("plan", path, "--csv", cwd=tmp_path)
    assert as_csv.returncode == 2 and "has 2 corridors" in as_csv.stderr and not as_csv.stdout
    # the studies look at one corridor: they refuse the whole file and say where to look
    for command in (
        ["compare", path, path],
        ["sweep", path, "--param", "demand.local.base.value", "--values", "1 Gbps,2 Gbps"],
    ):
        refused = cli(*command, "-o", "studies", cwd=tmp_path)
        assert (
            refused.returncode == 2
            and "'capacity-model run' writes each corridor's own scenario" in refused.stderr
        )
    # the same file without corridors again: a single report, no network files left behind
    single = TWO_LEGS.split("corridors:")[0] + "links:" + TWO_LEGS.split("links:")[1]
    single = single.replace("    corridor: china-link\n", "").replace("    corridor: karachi-subsea\n", "")
    single = single.replace(", corridor: china-link}", "}").replace(
        "    route: [china-link, karachi-subsea]\n", ""
    )
    single = single.replace("    route: [karachi-subsea]\n", "")
    path.write_text(single, encoding="utf-8")
    again = cli("run", path, "-o", "out", "--deterministic", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not (top / "routes.csv").exists() and (top / "timeline.csv").exists()
    assert not (top / "china-link").exists() and not (top / "karachi-subsea").exists()
    assert "corridors:" not in (top / "scenario.resolved.yaml").read_text()
    assert "backup:" not in (top / "scenario.resolved.yaml").read_text()


def test_the_shipped_two_legs_scenario() -> None:
    """The baseline's transit over the OFC then Karachi's submarine cables (lit 10.86 Tbps of
    the PTA table without the OFC, plus SEA-ME-WE 6's 4 Tbps from 2025-11), with the country's
    own 7.5 Tbps (Dec 2024) growing 30% a year over them."""
    scenario = load(ROOT / "scenarios" / "transit-two-legs.yaml").scenario
    network = project_network(scenario)
    subsea = network.corridors["karachi-subsea"]
    assert subsea.capacity_gbps[0] == pytest.approx(3580 + 1980 + 1900 + 2600 + 800 + 4000)
    # national demand at 2026-01 (13 months after 2024-12) fits in the subsea's usable 70% x
    # 14.86 Tbps = 10.4 Tbps; from 2026-03 (15 months) it and the transit no longer do
    usable = 0.7 * 14860
    national = [7500 * 1.3 ** (m / 12) for m in (13, 14, 15)]
    assert_allclose(subsea.stream_demand_gbps["national"][:3], national)
    transit = subsea.stream_demand_gbps["chinese-transit"][:3]
    assert national[1] + transit[1] <= usable < national[2] + transit[2]
    short = network.unserved_gbps("chinese-transit") > 0
    assert not short[:2].any() and short[2]
    assert network.tightest("chinese-transit", 2) == "karachi-subsea"
    assert np.all(network.carried_gbps("chinese-transit") <= network.demand_gbps("chinese-transit") + 1e-6)
    # The 2027 what-if cut of AAE-1 (3.58 Tbps lit) for 142 days: end to end, no more can be lost
    # than what the cut takes, 3.58 Tbps x 142 days at 100%; national traffic moves onto the OFC.
    assert network.outages is not None
    (cut,) = network.outages.alone
    assert float(cut.totals.outage_capacity_lost_gbps[0, 0]) == pytest.approx(3580.0)
    lost = float(cut.totals.lost_tbps_days(0))
    assert 0 < lost <= 3.58 * 142
    national = [s.id for s in scenario.demand].index("national")
    assert cut.stream_moved_tbps_days(national, 0) > 0
    assert sum(cut.stream_lost_tbps_days(i, 0) for i in range(3)) == pytest.approx(lost)


def test_the_corridor_that_limits_a_stream_is_the_first_to_fill(tmp_path: Path) -> None:
    # a: 1 Tbps (usable 700), b: 300 Gbps (usable 210); x 400 over [a, b], y 600 over [a]. As
    # both grow, b fills first (210 / 400 < 700 / 1000): x stops at 210; y then fills a with
    # 490. Both corridors end full; x is limited by b, y by a.
    text = """\
name: Tight
period: {start: 2026-01, end: 2026-12}
corridors: [{id: a}, {id: b}]
links:
  - {id: la, corridor: a, phases: [{capacity: 1 Tbps, in_service: 2025-01}]}
  - {id: lb, corridor: b, phases: [{capacity: 300 Gbps, in_service: 2025-01}]}
demand:
  - {id: x, route: [a, b], base: {value: 400 Gbps, at: 2026-01}, growth: {model: cagr, rate: 0%}}
  - {id: y, route: [a], base: {value: 600 Gbps, at: 2026-01}, growth: {model: cagr, rate: 0%}}
uncertainty:
  samples: 10
  parameters:
    "links[1].phases[0].capacity": {dist: uniform, low: 250 Gbps, high: 350 Gbps}
    "demand[1].base.value": {dist: uniform, low: 500 Gbps, high: 700 Gbps}
"""
    scenario = load(write(tmp_path, text)).scenario
    network = project_network(scenario)
    assert (network.tightest("x", 0), network.tightest("y", 0)) == ("b", "a")
    assert_allclose(network.carried_gbps("x"), 210.0)
    assert_allclose(network.carried_gbps("y"), 490.0)
    # uncertain inputs given by position name the same entries in each corridor, by id
    a, b = (corridor_scenario(scenario, c) for c in ("a", "b"))
    assert a.uncertainty is not None and list(a.uncertainty.parameters) == ["demand.y.base.value"]
    assert b.uncertainty is not None and list(b.uncertainty.parameters) == ["links.lb.phases[0].capacity"]


def test_one_corridor_listed_is_the_single_corridor_model(tmp_path: Path) -> None:
    text = TWO_LEGS.replace("  - {id: karachi-subsea, name: Karachi subsea}\n", "").replace(
        "    corridor: karachi-subsea\n", "    corridor: china-link\n"
    )
    text = text.replace("route: [china-link, karachi-subsea]", "route: [china-link]").replace(
        "route: [karachi-subsea]", "route: [china-link]"
    )
    path = write(tmp_path, text)
    ran = cli("run", path, "-o", "out", "--deterministic", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "out" / "legs" / "timeline.csv").exists()
    assert not (tmp_path / "out" / "legs" / "routes.csv").exists()


def test_an_outage_rate_cannot_be_shared_between_corridors(tmp_path: Path) -> None:
    text = (
        TWO_LEGS
        + "outages:\n  - {id: cut, links: [ofc, subsea], start: 2026-03-01, duration: 2 days, lost: 100 Gbps}\n"
    )
    with pytest.raises(ScenarioError, match=r"outages\[cut\]\.lost: the outage hits links in 2 corridors"):
        load(write(tmp_path, text))
    shared = text.replace("lost: 100 Gbps", "lost: 50%")
    network = project_network(load(write(tmp_path, shared)).scenario)
    assert [o.id for o in network.corridors["china-link"].scenario.outages] == ["cut"]
    assert network.corridors["china-link"].scenario.outages[0].links == ["ofc"]


def test_the_network_over_the_samples(tmp_path: Path) -> None:
    """The subsea's capacity C drawn from 400 to 600 Gbps: its usable 0.7 C is shared pro rata
    by transit (300) and local (200), so transit carries 0.42 C and loses 300 - 0.42 C each
    month: 24 x (300 - 0.42 C) / 1000 Tbps·months. Its P10, P50 and P90 come from C's P90,
    P50 and P10: 580, 500 and 420 Gbps."""
    from capacity_model.engine.network import network_monte_carlo

    text = TWO_LEGS + (
        "uncertainty:\n  samples: 4000\n  method: latin-hypercube\n  parameters:\n"
        '    "links.subsea.phases[0].capacity": {dist: uniform, low: 400 Gbps, high: 600 Gbps}\n'
    )
    scenario = load(write(tmp_path, text)).scenario
    mc = network_monte_carlo(scenario)
    expected = [24 * (300 - 0.42 * c) / 1000 for c in (580, 500, 420)]
    assert_allclose(mc.quantiles("transit", "unserved_tbps_months"), expected, rtol=2e-3)
    assert mc.p_short("transit") == 1.0
    assert_allclose(mc.quantiles("transit", "carried_fraction_at_horizon")[1], 0.42 * 500 / 300, rtol=2e-3)
    chunked = network_monte_carlo(scenario, samples=1000, chunk_size=77)
    whole = network_monte_carlo(scenario, samples=1000)
    assert np.array_equal(
        chunked.per_stream["local"]["unserved_tbps_months"], whole.per_stream["local"]["unserved_tbps_months"]
    )
    # a run says so in the network's summary
    ran = cli(
        "run",
        write(tmp_path, text.replace("samples: 4000", "samples: 200\n  sobol_samples: 64")),
        "-o",
        "out",
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    summary = json.loads((tmp_path / "out" / "legs" / "summary.json").read_text())
    assert summary["uncertainty"]["samples"] == 200
    assert [s["stream"] for s in summary["uncertainty"]["streams"]] == ["transit", "local"]
    assert "Over 200 samples of the uncertain inputs, end to end:" in ran.stdout
