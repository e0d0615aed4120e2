"""Scripted outages from the scenario file to the outputs: what a file may say, the sentences,
``summary.json``, ``outages.csv`` and the report page, all checked by hand on small scenarios,
and the AAE-1 outages of the shipped Pakistan scenario."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from capacity_model.engine import project
from capacity_model.errors import ScenarioError
from capacity_model.results.outages import outage_columns, outage_lines, outage_rows
from capacity_model.results.summary import summary
from capacity_model.results.words import tbps_days, tbps_days_alike
from capacity_model.scenario_files import dump_scenario_yaml, load
from tests.cli_helpers import cli

ROOT = Path(__file__).resolve().parents[1]

#: Two links of 10 Gbps (b has 14 Gbps installed), 12 Gbps of flat demand; line numbers below
#: are counted from here (line 1 is "name"), the first outage is on line 16.
TWO_LINKS = """\
name: Two links
period: {start: 2025-01, end: 2025-12}
planning: {activation_delay: 36 hours}
links:
  - id: a
    phases: [{capacity: 10 Gbps, in_service: 2025-01}]
  - id: b
    phases: [{capacity: 10 Gbps, installed: 14 Gbps, in_service: 2025-01}]
risk_groups:
  - {id: both, links: [a, b]}
demand:
  - id: d
    base: {value: 12 Gbps, at: 2025-01}
    growth: {model: cagr, rate: 0%}
outages:
"""


def write(tmp_path: Path, outages: str, head: str = TWO_LINKS) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(head + outages, encoding="utf-8")
    return path


A_FOR_TEN_DAYS = """\
  - id: cut
    name: Cut of a
    links: [a]
    start: 2025-03-01
    duration: 10 days
"""


def test_an_outage_by_hand_through_every_output(tmp_path: Path) -> None:
    # a lost for 10 days: 10 Gbps left for 12 Gbps. For 1.5 days 2 Gbps are lost; then b's
    # 4 Gbps of unlit capacity come on and 14 carry all 12. Lost: 2 x 1.5 = 3 Gbps·days.
    projection = project(load(write(tmp_path, A_FOR_TEN_DAYS)).scenario)
    (row,) = outage_rows(projection)
    assert row.capacity_lost_gbps == 10.0
    assert row.lost_first_day_gbps == pytest.approx(2.0)
    assert row.lost_after_week_gbps == 0.0
    assert row.lost_tbps_days == pytest.approx(0.003)
    assert row.lost_share == pytest.approx(3 / (12 * 10))
    block = summary(projection)["outages"]
    assert block["activation_delay_days"] == 1.5 and block["lost_tbps_days"] == pytest.approx(0.003)
    (event,) = block["events"]
    assert event["start"] == "2025-03-01" and event["duration_days"] == 10.0 and event["hit"] == "a"
    assert list(summary(projection))[list(summary(projection)).index("n_minus_1") + 1] == "outages"
    columns = outage_columns(projection)
    assert columns["start"][:3] == ["2025-03-01T00:00", "2025-03-02T00:00", "2025-03-02T12:00"]
    assert sum(columns["days"]) == pytest.approx(10.0)
    assert sum(columns["lost_tbps_days"]) == pytest.approx(0.003)
    assert set(columns["outages"]) == {"cut"}
    (headline,) = outage_lines(projection, brief=True)
    assert headline == (
        "Outages (links run at up to 100%, unlit capacity switched on after 36 hours): Cut of a (a, "
        "10 Gbps lost from 2025-03-01 for 10 days): 2 Gbps of traffic lost on its first day, none a "
        "week later; 3 Gbps·days in all, 2.5% of the demand in that time, beyond what is lost anyway."
    )


def test_a_group_at_half_capacity_and_a_rate(tmp_path: Path) -> None:
    # Half of both links for a day: 10 left for 12, 2 Gbps lost (no unlit capacity of a link
    # that is hit comes on). 15 Gbps over both: 5 left, 7 lost, capped outages never go below 0.
    outages = """\
  - {id: half, group: both, start: 2025-02-01, duration: 1 day, lost: 50%}
  - {id: most, links: [a, b], start: 2025-04-01, duration: 12 hours, lost: 15 Gbps}
  - {id: all, links: [a, b], start: 2025-05-01, duration: 1 day, lost: 1 Tbps}
"""
    projection = project(load(write(tmp_path, outages)).scenario)
    half, most, everything = outage_rows(projection)
    assert half.hit == "risk group both" and half.capacity_lost_gbps == 10.0
    assert half.lost_tbps_days == pytest.approx(0.002)
    assert most.capacity_lost_gbps == 15.0 and most.lost_tbps_days == pytest.approx(7 * 0.5 / 1000)
    assert most.lost_first_day_gbps == pytest.approx(7.0)  # 7 Gbps while it lasts, half a day
    assert everything.capacity_lost_gbps == 20.0 and everything.lost_share == pytest.approx(1.0)
    assert projection.outages is not None
    assert float(projection.outages.lost_tbps_days()) == pytest.approx(0.002 + 0.0035 + 0.012)


def test_only_what_an_outage_adds_is_its_cost_and_overlaps_are_counted_once(tmp_path: Path) -> None:
    # Demand 25 Gbps on 20: 5 are lost anyway. 1 Gbps of a lost for 10 days adds 1 Gbps:
    # 10 Gbps·days. Then a and b out on overlapping days: a alone (days 0-4) leaves 10, so it
    # adds 10 Gbps; b alone (days 2-6) the same; together on days 2-4 nothing is left: 20 added.
    head = TWO_LINKS.replace("value: 12 Gbps", "value: 25 Gbps").replace("{activation_delay: 36 hours}", "{}")
    outages = """\
  - {id: small, links: [a], start: 2025-03-01, duration: 10 days, lost: 1 Gbps}
  - {id: x, links: [a], start: 2025-06-01, duration: 4 days}
  - {id: y, links: [b], start: 2025-06-03, duration: 4 days}
"""
    projection = project(load(write(tmp_path, outages, head)).scenario)
    small, x, y = outage_rows(projection)
    assert small.lost_tbps_days == pytest.approx(0.010) and small.lost_first_day_gbps == pytest.approx(1.0)
    assert x.lost_tbps_days == pytest.approx(0.040) and x.overlaps == ("y",)
    assert y.lost_tbps_days == pytest.approx(0.040)
    assert projection.outages is not None
    # together: days 0-2 a out (10), days 2-4 both out (20), days 4-6 b out (10): 80 Gbps·days
    together = float(projection.outages.lost_tbps_days()) - small.lost_tbps_days
    assert together == pytest.approx(0.080)
    lines = outage_lines(projection)
    assert lines[-1] == "All outages together lose 90 Gbps·days, overlaps counted once."
    assert (
        "x (a, 10 Gbps lost from 2025-06-01 for 4 days)" in lines[2]
        and "; counted alone, as it overlaps y." in lines[2]
    )


def test_set_changes_an_outage_and_studies_refuse_it(tmp_path: Path) -> None:
    path = write(tmp_path, A_FOR_TEN_DAYS)
    longer = project(load(path, ["planning.activation_delay=3 days"]).scenario)
    assert outage_rows(longer)[0].lost_tbps_days == pytest.approx(0.006)  # 2 Gbps for 3 days
    none = project(load(path, ["outages[cut].lost=10%"]).scenario)  # 19 left: nothing lost
    assert outage_rows(none)[0].lost_tbps_days == 0.0
    late = project(load(path, ["outages[cut].start=2025-12-20"]).scenario)
    assert outage_rows(late)[0].start_day == outage_rows(none)[0].start_day + 294
    with pytest.raises(ScenarioError, match=r"outages and the activation delay are replayed as written"):
        load(
            write(
                tmp_path,
                A_FOR_TEN_DAYS
                + "uncertainty:\n  parameters:\n    outages[cut].duration: {dist: uniform, low: 1 day, high: 2 days}\n",
            )
        )


@pytest.mark.parametrize(
    ("tbps", "text"),
    [
        (0.0, "0 Tbps·days"),
        (8.33e-5, "0.0833 Gbps·days"),
        (0.9996, "1 Tbps·days"),
        (0.003, "3 Gbps·days"),
        (5.2249, "5.22 Tbps·days"),
        (999.7, "1,000 Tbps·days"),
        (1838.4, "1,838 Tbps·days"),
        (1e-9, "under 0.001 Gbps·days"),
    ],
)
def test_volumes_are_written_without_exponents(tbps: float, text: str) -> None:
    assert tbps_days(tbps) == text


@pytest.mark.parametrize(
    ("tbps", "texts"),
    [
        ((0.08, 0.0, 0.2), ["80 Gbps·days", "0 Gbps·days", "200 Gbps·days"]),
        ((1.5, 0.0, 4.2), ["1.5 Tbps·days", "0 Tbps·days", "4.2 Tbps·days"]),
        ((0.9, 0.0005, 1.2), ["0.9 Tbps·days", "under 0.001 Tbps·days", "1.2 Tbps·days"]),
        ((1200.0, 300.0, 2500.0), ["1,200 Tbps·days", "300 Tbps·days", "2,500 Tbps·days"]),
    ],
)
def test_volumes_side_by_side_share_the_unit_of_the_largest(
    tbps: tuple[float, ...], texts: list[str]
) -> None:
    assert tbps_days_alike(*tbps) == texts


def test_the_resolved_file_runs_the_same(tmp_path: Path) -> None:
    scenario = load(write(tmp_path, A_FOR_TEN_DAYS)).scenario
    again = tmp_path / "again.yaml"
    again.write_text(dump_scenario_yaml(scenario), encoding="utf-8")
    assert load(again).scenario == scenario.resolved()


@pytest.mark.parametrize(
    ("outages", "expected"),
    [
        (
            "  - {id: x, links: [c], start: 2025-03-01, duration: 1 day}\n",
            "16: outages[x].links[0]: no link 'c'",
        ),
        (
            "  - {id: x, group: g, start: 2025-03-01, duration: 1 day}\n",
            "16: outages[x].group: no risk group 'g'",
        ),
        (
            "  - {id: x, links: [a], group: both, start: 2025-03-01, duration: 1 day}\n",
            "16: outages[x].group: give the links hit",
        ),
        ("  - {id: x, start: 2025-03-01, duration: 1 day}\n", "16: outages[x]: give the links hit"),
        (
            "  - {id: x, links: [a], start: 2024-12-31, duration: 1 day}\n",
            "16: outages[x].start: the outage runs from 2024-12-31 for 1 day, outside the period 2025-01-01 to 2025-12-31",
        ),
        (
            "  - {id: x, links: [a], start: 2025-12-31, duration: 25 hours}\n",
            "16: outages[x].duration: the outage runs from 2025-12-31 for 25 hours",
        ),
        (  # a start after the period is the start's fault, not the duration's
            "  - {id: x, links: [a], start: 2026-02-01, duration: 1 day}\n",
            "16: outages[x].start: the outage runs from 2026-02-01 for 1 day, outside the period",
        ),
        (
            "  - {id: x, links: [a], start: 2025-03-01, duration: 10 days}\n"
            "  - {id: y, group: both, start: 2025-03-10, duration: 1 day}\n",
            "17: outages[y].start: a is already out in outage 'x' then (2025-03-01 for 10 days)",
        ),
        (
            "  - {id: x, links: [a], start: 2025-03, duration: 1 day}\n",
            "16: outages[x].start: '2025-03' is not a day",
        ),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 2 months}\n", "is not a duration in days"),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 30 minutes}\n", "is not a duration in days"),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 0.5 hours}\n", "shorter than one hour"),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 1001 days}\n", "more than 1,000 days"),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 1 day, lost: 0%}\n", "loses nothing"),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 1 day, lost: 150%}\n", "outages[x].lost"),
        ("  - {id: x, links: [a], start: 2025-03-01, duration: 1 day, lost: 5 GB}\n", "outages[x].lost"),
        (
            "  - {id: x, links: [a], start: 2025-03-01, duration: 1 day}\n"
            "  - {id: x, links: [b], start: 2025-04-01, duration: 1 day}\n",
            "17: outages[x].id: 'x' is already the id of entry 1",
        ),
    ],
)
def test_outages_that_make_no_sense_are_refused_by_line(tmp_path: Path, outages: str, expected: str) -> None:
    path = write(tmp_path, outages)
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert f"{path}:" in str(caught.value) and expected in str(caught.value)


def test_a_link_not_in_service_cannot_be_cut(tmp_path: Path) -> None:
    head = TWO_LINKS.replace("in_service: 2025-01}]\n  - id: b", "in_service: 2025-06}]\n  - id: b")
    path = write(tmp_path, "  - {id: x, links: [a], start: 2025-03-01, duration: 1 day}\n", head)
    with pytest.raises(ScenarioError, match=r"16: outages\[x\].start: a is not in service on 2025-03-01"):
        load(path)


def test_the_command_line_writes_the_outage_outputs_or_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, A_FOR_TEN_DAYS)
    ran = cli("run", path, "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "Cut of a (a, 10 Gbps lost from 2025-03-01 for 10 days)" in ran.stdout
    folder = tmp_path / "out" / "s"
    with open(folder / "outages.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(float(r["lost_tbps_days"]) for r in rows) == pytest.approx(0.003)
    assert json.loads((folder / "summary.json").read_text())["outages"]["events"][0]["id"] == "cut"
    pages = [page.extract_text() for page in PdfReader(folder / "report.pdf").pages]
    assert any("Outages" in text and "Days from the outage" in text for text in pages)
    # the same folder again without the outage: no outages.csv left behind
    path.write_text(TWO_LINKS.replace("outages:\n", ""), encoding="utf-8")
    again = cli("run", path, "-o", "out", "--deterministic", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not (folder / "outages.csv").exists()
    assert "outages" not in json.loads((folder / "summary.json").read_text())
    assert "outages" not in (folder / "scenario.resolved.yaml").read_text()
    # a bad outage: exit 2, the file and line named, nothing written
    path.write_text(
        TWO_LINKS + "  - {id: x, links: [z], start: 2025-03-01, duration: 1 day}\n", encoding="utf-8"
    )
    bad = cli("run", path, "-o", "fresh", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert f"{path.name}:16: outages[x].links[0]: no link 'z'" in bad.stderr.replace(str(tmp_path) + "/", "")
    assert not (tmp_path / "fresh").exists()


def test_the_aae1_outages_of_the_pakistan_scenario_by_hand() -> None:
    """The PTA 2025 table: lit 11.31 Tbps (+4 Tbps SMW6 from 2025-11), installed minus lit on
    the systems other than AAE-1: SMW4 600, IMEWE 860, TW1 200, PEACE 800, OFC 550 Gbps = 3.01
    Tbps. Demand 7.5 Tbps at 2024-12 growing 30% a year, linear between months' first days."""
    projection = project(load(ROOT / "scenarios" / "pakistan-international.yaml").scenario)
    replay, what_if = outage_rows(projection)

    def demand_gbps(year: int, month: int, day: float, days_in_month: int) -> float:
        months_since = (12 * year + month - 1) - (12 * 2024 + 11)
        start = 7500 * 1.3 ** (months_since / 12)
        return start + (7500 * 1.3 ** ((months_since + 1) / 12) - start) * day / days_in_month

    # January 2025: 1 Tbps of AAE-1 lost leaves 10.31 Tbps for about 7.66 Tbps: nothing lost.
    assert replay.capacity_lost_gbps == 1000.0 and replay.lost_tbps_days == 0.0
    # 24 Feb 2027: all of AAE-1 (3.58 Tbps) lost leaves 11.73 Tbps; the first day's demand is
    # at its midpoint (day 23.5 of 28 after 1 February).
    assert what_if.capacity_lost_gbps == 3580.0
    assert what_if.lost_first_day_gbps == pytest.approx(demand_gbps(2027, 2, 23.5, 28) - 11730, rel=1e-9)
    # after two days the 3.01 Tbps of unlit capacity come on: 14.74 Tbps carry the demand a week on
    assert demand_gbps(2027, 3, 3.5, 31) < 14740 and what_if.lost_after_week_gbps == 0.0


def test_a_rule_broken_by_a_set_value_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, A_FOR_TEN_DAYS)
    with pytest.raises(ScenarioError) as caught:
        load(path, ["outages[cut].start=2025-12-30"])
    message = str(caught.value)
    assert f"{path}:20: outages[cut].duration: the outage runs from 2025-12-30 for 10 days" in message
    assert message.endswith("(with --set outages[cut].start=2025-12-30)")
