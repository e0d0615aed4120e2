"""The study commands and options through the command line, as a user runs them.

Covered: ``run --set``, ``extends``/``remove``, ``compare``, ``sweep``, ``solve``,
``run --check`` and ``run --format iamc``. Every figure a command writes is checked
against a separate single ``run`` (its ``timeline.csv`` / ``summary.json``) or a hand
calculation, never against what the same command printed.

Speed: each command is a fresh process (about 2 s of imports, 1-3 s per PDF report). The
calls are declared with :func:`call` next to the tests that read them, and run in one
folder that :func:`batch` prepares (paths in them are relative to it). Most do not depend
on each other, so :func:`batch` starts them on a thread pool, one subprocess per core at a
time, while the tests read the results in order; a test that needs a call nobody has
started yet runs it at once itself. Calls are shared: one ``run`` gives the references
of several tests. The brute-force checks of ``solve`` load and project in this process
(``--set`` as the command line reads it), which is milliseconds a run instead of seconds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from capacity_model.engine import project
from capacity_model.errors import ScenarioError
from capacity_model.results import timeline_columns
from capacity_model.results.words import volume
from capacity_model.scenario_files import load
from tests.cli_helpers import cli
from tests.scenario_data import one_link

SCENARIOS = Path(__file__).parent.parent / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
TRANSIT_15 = SCENARIOS / "transit-15.yaml"
DOMESTIC = SCENARIOS / "domestic-only.yaml"

SHARE_END = "demand.chinese-transit.share.end"
DOMESTIC_GROWTH = "demand.pakistan-china.growth.rate"
NEW_CABLE_DATE = "links.new-cable.phases[0].in_service"


# --- running the calls ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """A finished call, and the files in its output folder (``-o``) just after it ended."""

    result: subprocess.CompletedProcess[str]
    files: dict[str, bytes]
    """Contents by path relative to the output folder; empty if the folder does not exist."""

    @property
    def code(self) -> int:
        return self.result.returncode

    @property
    def stdout(self) -> str:
        return self.result.stdout

    @property
    def stderr(self) -> str:
        return self.result.stderr

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8")

    def csv(self, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.text(name))))

    def json(self, name: str) -> Any:
        return json.loads(self.text(name))

    def pdf(self, name: str) -> PdfReader:
        return PdfReader(io.BytesIO(self.files[name]))


@dataclass(frozen=True)
class Call:
    args: tuple[str | Path, ...]
    after: str | None = None
    """Name of a call that must have ended first (it writes the same folder)."""

    @property
    def output(self) -> str | None:
        args = [str(a) for a in self.args]
        return args[args.index("-o") + 1] if "-o" in args else None


CALLS: dict[str, Call] = {}


def call(name: str, *args: str | Path, after: str | None = None) -> str:
    """Declare a call of the command line that :func:`batch` runs; returns its name."""
    assert name not in CALLS, name
    CALLS[name] = Call(args, after)
    return name


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


class Batch:
    """The declared calls, each run once by whichever thread gets to it first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.results: dict[str, Future[Ran]] = {name: Future() for name in CALLS}
        self.claimed: set[str] = set()
        self.lock = threading.Lock()

    def ensure(self, name: str) -> None:
        """Run the call ``name`` unless some thread already has."""
        with self.lock:
            if name in self.claimed:
                return
            self.claimed.add(name)
        try:
            self.results[name].set_result(self._run(CALLS[name]))
        except BaseException as error:  # the test that reads it fails with this
            self.results[name].set_exception(error)

    def _run(self, item: Call) -> Ran:
        if item.after is not None:
            self[item.after]
        result = cli(*item.args, cwd=self.root)
        output = item.output
        return Ran(result, _snapshot(self.root / output) if output else {})

    def __getitem__(self, name: str) -> Ran:
        self.ensure(name)
        return self.results[name].result()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    root = tmp_path_factory.mktemp("studies")
    _write_inputs(root)
    runner = Batch(root)
    pool = ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) - 1))  # and the test thread
    for name in CALLS:
        pool.submit(runner.ensure, name)
    try:
        yield runner
    finally:  # calls no test asked for are dropped (e.g. with -k)
        pool.shutdown(wait=True, cancel_futures=True)


# --- inputs ----------------------------------------------------------------------------------

BASELINE_TEXT = BASELINE.read_text(encoding="utf-8")
SHARE_LINE = "share: {model: bass, start: 0%, end: 10%,"

CHILD = """\
extends: {parent}
name: Without the new cable
remove: [links.new-cable, "targets[New cable]"]
demand:
  - id: chinese-transit
    share: {{end: 15%}}
"""

#: What CHILD comes to, written out by hand from baseline.yaml.
HAND_WRITTEN = """\
name: Without the new cable
period: {start: 2026-01, end: 2040-12}
planning: {max_utilisation: 70%, default_lead_time: 26 months, upgrade: {step: 400 Gbps}}
links:
  - id: ofc
    name: Pak-China OFC (Rawalpindi-Khunjerab)
    phases:
      - {capacity: 450 Gbps, installed: 1 Tbps, in_service: 2025-01}
      - {capacity: 1 Tbps, in_service: 2026-07, lead_time: 6 months}
      - {capacity: 4 Tbps, in_service: 2029-01}
targets:
  - {name: Phase 1, capacity: 1 Tbps, by: 2027-01}
  - {name: Phase 2, capacity: 4 Tbps, by: 2029-01}
demand:
  - id: pakistan-china
    base: {value: 193.5 Gbps, at: 2025-01}
    growth: {model: cagr, rate: 30%}
  - id: chinese-transit
    base: {value: 8826302 Mbps, at: 2018-06}
    growth: {model: piecewise, rates: [{from: 2018-06, rate: 29%}, {from: 2022-06, rate: 24%}]}
    share: {model: bass, start: 0%, end: 15%, from: 2026-01, p: 0.03, q: 0.38}
"""

#: A child whose own line 5 holds a bad value.
CHILD_WITH_ERROR = """\
extends: parent.yaml
name: Child with a mistake
demand:
  - id: chinese-transit
    share: {end: 150%}
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_inputs(root: Path) -> None:
    """The scenario files the calls read, relative to ``root``."""
    assert BASELINE_TEXT.count(SHARE_LINE) == 1
    _write(
        root / "edited" / "share15.yaml", BASELINE_TEXT.replace(SHARE_LINE, SHARE_LINE.replace("10%", "15%"))
    )
    # extends: one child through a copied parent (relative path), one through the shipped file
    _write(root / "ext" / "parent.yaml", BASELINE_TEXT)
    _write(root / "ext" / "child.yaml", CHILD.format(parent="parent.yaml"))
    _write(root / "ext" / "child_abs.yaml", CHILD.format(parent=BASELINE.resolve()))
    _write(root / "ext" / "hand.yaml", HAND_WRITTEN)
    _write(root / "ext" / "child_bad.yaml", CHILD_WITH_ERROR)
    assert BASELINE_TEXT.count("max_utilisation: 70%") == 1
    _write(
        root / "badparent" / "parent.yaml",
        BASELINE_TEXT.replace("max_utilisation: 70%", "max_utilisation: 170%"),
    )
    _write(root / "badparent" / "child.yaml", "extends: parent.yaml\nname: Child of a bad parent\n")
    _write(root / "cycle" / "a.yaml", "name: A\nextends: b.yaml\n")
    _write(root / "cycle" / "b.yaml", "name: B\n\nextends: a.yaml\n")
    _write(root / "missing.yaml", "name: Orphan\n\nextends: no-such-parent.yaml\n")
    # run --check: ample capacity for small demand, and a target met before the period
    ample = one_link(capacity="100 Tbps", base="1 Gbps", rate="10%")
    ample["targets"] = [{"name": "Ample", "capacity": "50 Tbps", "by": "2027-01"}]
    _write(root / "ample.yaml", json.dumps(ample, indent=2))  # JSON is YAML
    # The baseline with fewer Sobol' base samples (64, not 8192): --check does not read the
    # indices, and 8192 would cost 8 s a run. The Monte Carlo run itself is the baseline's.
    _write(
        root / "fast" / "baseline.yaml",
        f"extends: {BASELINE.resolve()}\nuncertainty: {{sobol_samples: 64}}\n",
    )
    # for a bug at the end
    _write(root / "two-uncertain.yaml", DOMESTIC.read_text(encoding="utf-8") + TWO_UNCERTAIN)


#: A parent with four phases whose uncertainty section delays the third (4 Tbps, 2029-01).
SHIFT_PARENT = """\
name: Four phases
period: {start: 2026-01, end: 2040-12}
links:
  - id: ofc
    phases:
      - {capacity: 450 Gbps, in_service: 2025-01}
      - {capacity: 1 Tbps, in_service: 2026-07}
      - {capacity: 4 Tbps, in_service: 2029-01}
      - {capacity: 8 Tbps, in_service: 2033-01}
demand:
  - id: domestic
    base: {value: 200 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 25%}
uncertainty:
  parameters:
    "links.ofc.phases[2].in_service": {dist: delay, low: 0 months, mode: 6 months, high: 24 months}
"""

#: domestic-only.yaml with two uncertain inputs.
TWO_UNCERTAIN = """\
uncertainty:
  samples: 200
  sobol_samples: 64
  parameters:
    demand.pakistan-china.growth.rate: {dist: uniform, low: 25%, high: 35%}
    demand.pakistan-china.base.value: {dist: uniform, low: 150 Gbps, high: 250 Gbps}
"""


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line containing ``needle``."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, needle
    return lines[0]


# --- reading outputs -------------------------------------------------------------------------


def month_index(text: str) -> int:
    year, month = text.split("-")
    return 12 * int(year) + int(month) - 1


def month_text(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def expected_outcomes(run: Ran, folder: str) -> dict[str, Any]:
    """The outcome columns of compare/sweep, read off a single run's files."""
    summary = run.json(f"{folder}/summary.json")
    last = run.csv(f"{folder}/timeline.csv")[-1]
    first = summary["exhaustions"][0] if summary["exhaustions"] else None
    assert last["date"] == summary["period"]["end"]
    assert float(last["gap_gbps"]) == pytest.approx(summary["horizon"]["gap_gbps"], rel=1e-12)
    out: dict[str, Any] = {
        "first_shortfall_month": first["month"] if first else "",
        "order_by_month": summary["plan"]["upgrades"][0]["order_by"] if first else "",
        "capacity_at_horizon_gbps": float(last["total_capacity_gbps"]),
        "demand_at_horizon_gbps": float(last["total_demand_gbps"]),
        "gap_at_horizon_gbps": float(last["gap_gbps"]),
    }
    for target in summary["targets"]:
        late = target["months_late"]
        out[f"months_late_{target['name']}"] = "" if late is None else late
    return out


def outcomes_with_transit_scaled(run: Ran, folder: str, factor: float) -> dict[str, Any]:
    """The outcome columns by hand, for the run's scenario with the transit stream times ``factor``.

    The baseline's transit share is a Bass curve starting at 0%, so it is proportional to
    ``share.end``: 5% instead of 10% halves that stream in every month and changes nothing
    else. Shortfall: headroom ``u C - D < 0``; order by: that month minus the lead time of the
    capacity plan; gap: ``max(0, D/u - C)``.
    """
    assert yaml.safe_load(BASELINE_TEXT)["demand"][1]["share"]["start"] == "0%"
    summary = run.json(f"{folder}/summary.json")
    rows = run.csv(f"{folder}/timeline.csv")
    u = summary["max_utilisation"]
    capacity = [float(r["total_capacity_gbps"]) for r in rows]
    demand = [
        float(r["demand_pakistan-china_gbps"]) + factor * float(r["demand_chinese-transit_gbps"])
        for r in rows
    ]
    short = [month_index(r["date"]) for r, c, d in zip(rows, capacity, demand, strict=True) if u * c - d < 0]
    assert short  # (the case at hand; the columns would be empty otherwise)
    months_late = {k: v for k, v in expected_outcomes(run, folder).items() if k.startswith("months_late_")}
    return {
        "first_shortfall_month": month_text(short[0]),
        # The capacity plan's first upgrade enters service in the first month short.
        "order_by_month": month_text(short[0] - summary["plan"]["lead_time_months"]),
        "capacity_at_horizon_gbps": capacity[-1],
        "demand_at_horizon_gbps": demand[-1],
        "gap_at_horizon_gbps": max(0.0, demand[-1] / u - capacity[-1]),
        **months_late,  # capacity is unchanged
    }


def assert_row_matches(row: dict[str, str], expected: dict[str, Any], rel: float = 1e-12) -> None:
    for column, value in expected.items():
        if isinstance(value, float):
            assert float(row[column]) == pytest.approx(value, rel=rel), column
        elif isinstance(value, int):
            assert int(row[column]) == value, column
        else:
            assert row[column] == value, column


def assert_one_line_error(ran: Ran, *fragments: str) -> None:
    """Exit 2, one line on stderr holding every fragment, no traceback, nothing on stdout."""
    assert ran.code == 2, (ran.stdout, ran.stderr)
    assert "Traceback" not in ran.stderr and ran.stdout == ""
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    for fragment in fragments:
        assert fragment in lines[0], ran.stderr


def lowest_headroom(overrides: list[str], before: str) -> float:
    """Smallest ``headroom_gbps`` before the month ``before`` in the timeline that
    ``run scenarios/domestic-only.yaml --set ...`` writes, computed here (no report)."""
    columns = timeline_columns(project(load(DOMESTIC, overrides).scenario))
    return float(min(h for d, h in zip(columns["date"], columns["headroom_gbps"], strict=True) if d < before))


# --- 1. run --set ----------------------------------------------------------------------------

#: References for several tests, in one process (start-up paid once): the shipped baseline,
#: a copy of it with share.end edited to 15% in the text, and the hand-written equivalent of
#: a child file (section 2). With --check, so this call is also the test of a check that
#: fails (section 6).
REFERENCES = call(
    "references",
    *("run", BASELINE, "edited/share15.yaml", "ext/hand.yaml", "--deterministic", "--check", "-o", "refs"),
)
#: The same edit through --set; also sets the growth rate that the uncertainty section
#: varies (and correlates) to the value the file already has, to see both taken out of it.
SET_15 = call(
    "set15",
    "run",
    BASELINE,
    "--deterministic",
    "--set",
    f"{SHARE_END}=15%",
    "--set",
    f"{DOMESTIC_GROWTH}=30%",
    "-o",
    "set",
)


def test_set_gives_the_run_of_the_edited_file(batch: Batch) -> None:
    by_set, edited = batch[SET_15], batch[REFERENCES]
    assert by_set.code == 0, by_set.stderr
    assert by_set.files["baseline/timeline.csv"] == edited.files["share15/timeline.csv"]
    ours, theirs = by_set.json("baseline/summary.json"), edited.json("share15/summary.json")
    # The hash is of the file run: the shipped baseline for --set, the edited copy otherwise.
    assert ours.pop("scenario_sha256") == hashlib.sha256(BASELINE.read_bytes()).hexdigest()
    theirs.pop("scenario_sha256")
    assert ours == theirs
    # and the setting did change something: the baseline's own run differs
    assert by_set.files["baseline/timeline.csv"] != edited.files["baseline/timeline.csv"]


def test_set_is_marked_on_the_assumptions_page(batch: Batch) -> None:
    pages = [page.extract_text() for page in batch[SET_15].pdf("baseline/report.pdf").pages]
    rows = [line for text in pages for line in text.splitlines() if "command line (--set)" in line]
    assert "Share end 15% command line (--set) demand[chinese-transit].share.end" in rows
    assert "Growth rate 30% command line (--set) demand[pakistan-china].growth.rate" in rows
    assert len([line for line in rows if "(--set) demand[" in line]) == 2, rows  # those two fields only
    assert "marked 'command line (--set)'" in " ".join(" ".join(pages).split())  # and what the mark means
    # the provenance on page 1 lists the --set (wrapped anywhere, hyphens included)
    assert "Setonthecommandline:--setdemand.chinese-transit.share.end=15%;--set" in "".join(
        "".join(pages).split()
    )


def test_set_takes_a_field_out_of_the_uncertainty_section(batch: Batch) -> None:
    resolved = yaml.safe_load(batch[SET_15].text("baseline/scenario.resolved.yaml"))
    shipped = yaml.safe_load(BASELINE_TEXT)["uncertainty"]
    uncertainty = resolved["uncertainty"]
    assert SHARE_END in shipped["parameters"] and DOMESTIC_GROWTH in shipped["parameters"]
    assert set(uncertainty["parameters"]) == set(shipped["parameters"]) - {SHARE_END, DOMESTIC_GROWTH}
    # the only correlation involved the growth rate: gone with it
    assert shipped["correlations"] and not uncertainty.get("correlations")
    assert resolved["demand"][1]["share"]["end"] == "15%"


BAD_SETS = {
    "outside 0-100%": (f"{SHARE_END}=150%", "'150%' is outside 0-100%"),
    "not a percentage": (f"{SHARE_END}=abc", "'abc' is not a percentage"),
    "unknown path": ("demand.chinese-transitt.share.end=15%", "did you mean 'chinese-transit'"),
    "no '='": (SHARE_END, "write --set PATH=VALUE"),
}
for _case, (_text, _message) in BAD_SETS.items():
    call(f"validate --set {_case}", "validate", BASELINE, "--set", _text)
BAD_SET_RUN = call("run --set bad", "run", BASELINE, "--set", f"{SHARE_END}=150%", "-o", "bad-set")


@pytest.mark.parametrize("case", BAD_SETS)
def test_bad_set_is_one_clear_line(batch: Batch, case: str) -> None:
    text, message = BAD_SETS[case]
    assert_one_line_error(batch[f"validate --set {case}"], f"--set {text}: ", message)


def test_run_with_a_bad_set_writes_nothing(batch: Batch) -> None:
    assert_one_line_error(batch[BAD_SET_RUN], f"--set {SHARE_END}=150%: ")
    assert not (batch.root / "bad-set").exists()


# --- 2. extends / remove ---------------------------------------------------------------------

VALIDATE_CHILDREN = call("validate children", "validate", "ext/child.yaml", "ext/child_abs.yaml")
RUN_CHILD = call("run child", "run", "ext/child.yaml", "--deterministic", "-o", "ext-out")
CHILD_ERROR = call("child error", "validate", "ext/child_bad.yaml")
PARENT_ERROR = call("parent error", "validate", "badparent/child.yaml")
CYCLE = call("cycle", "validate", "cycle/a.yaml")
MISSING_PARENT = call("missing parent", "validate", "missing.yaml")


def test_validate_says_what_a_child_extends(batch: Batch) -> None:
    ran = batch[VALIDATE_CHILDREN]
    assert ran.code == 0, ran.stderr
    relative, absolute = ran.stdout.splitlines()
    # new-cable removed: one link left
    assert relative == (
        "ext/child.yaml: ok ('Without the new cable', 1 link, 2 demand streams, extends ext/parent.yaml)"
    )
    assert absolute.startswith("ext/child_abs.yaml: ok ('Without the new cable', 1 link,")
    assert absolute.endswith(f"extends {BASELINE.resolve()})")


def test_child_runs_like_the_hand_written_file(batch: Batch) -> None:
    ran, refs = batch[RUN_CHILD], batch[REFERENCES]
    assert ran.code == 0, ran.stderr
    assert ran.files["child/timeline.csv"] == refs.files["hand/timeline.csv"]
    assert "capacity_new-cable_gbps" not in ran.text("child/timeline.csv").splitlines()[0]
    child, hand = ran.json("child/summary.json"), refs.json("hand/summary.json")
    for key in (
        "exhaustions",
        "shortfall_episodes",
        "phases",
        "targets",
        "target_steps",
        "carried",
        "plan",
        "largest_gap",
        "horizon",
    ):
        assert child[key] == hand[key], key
    assert [t["name"] for t in child["targets"]] == ["Phase 1", "Phase 2"]
    # the hash covers the child, then its parent
    folder = batch.root / "ext"
    chain = (folder / "child.yaml").read_bytes() + (folder / "parent.yaml").read_bytes()
    assert child["scenario_sha256"] == hashlib.sha256(chain).hexdigest()


def test_error_in_the_child_points_at_the_child(batch: Batch) -> None:
    line = line_of(CHILD_WITH_ERROR, "150%")
    assert_one_line_error(
        batch[CHILD_ERROR], f"ext/child_bad.yaml:{line}: demand[chinese-transit].share.end: '150%'"
    )


def test_error_inherited_from_the_parent_points_at_the_parent(batch: Batch) -> None:
    line = line_of(BASELINE_TEXT, "max_utilisation: 70%")
    assert_one_line_error(
        batch[PARENT_ERROR], f"badparent/parent.yaml:{line}: planning.max_utilisation: '170%'"
    )


def test_extends_cycle_names_both_files(batch: Batch) -> None:
    ran = batch[CYCLE]
    assert_one_line_error(ran, "cycle/a.yaml", "cycle/b.yaml", "circle", ": extends: ")
    # at an extends line: b.yaml's line 3 closes the circle (a.yaml's is line 2)
    assert ran.stderr.startswith(("cycle/b.yaml:3: ", "cycle/a.yaml:2: ")), ran.stderr


def test_missing_parent_is_reported_at_the_extends_line(batch: Batch) -> None:
    assert_one_line_error(batch[MISSING_PARENT], "missing.yaml:3: extends: ", "no-such-parent.yaml")


# --- 3. compare ------------------------------------------------------------------------------

COMPARE = call("compare", "compare", BASELINE, "edited/share15.yaml", "-o", "compare", "--deterministic")
COMPARE_UNCERTAIN = call(
    "compare uncertain", "compare", BASELINE, TRANSIT_15, "-o", "compare-mc", "--samples", "200"
)


def test_compare_rows_equal_single_runs(batch: Batch) -> None:
    ran, refs = batch[COMPARE], batch[REFERENCES]
    assert ran.code == 0, ran.stderr
    rows = ran.csv("comparison.csv")
    # both are named "Baseline": told apart by file
    assert [r["scenario"] for r in rows] == ["Baseline (baseline.yaml)", "Baseline (share15.yaml)"]
    assert [r["file"] for r in rows] == [str(BASELINE), "edited/share15.yaml"]
    expected = [expected_outcomes(refs, "baseline"), expected_outcomes(refs, "share15")]
    for row, outcome in zip(rows, expected, strict=True):
        assert_row_matches(row, outcome)
    # differences against the first scenario, by hand
    first = [month_index(o["first_shortfall_month"]) for o in expected]
    assert [int(r["first_shortfall_vs_first_months"]) for r in rows] == [0, first[1] - first[0]]
    assert first[1] != first[0]
    gaps = [o["gap_at_horizon_gbps"] for o in expected]
    assert float(rows[0]["gap_at_horizon_vs_first_gbps"]) == 0.0
    assert float(rows[1]["gap_at_horizon_vs_first_gbps"]) == pytest.approx(gaps[1] - gaps[0], rel=1e-12)
    assert len(ran.pdf("comparison.pdf").pages) == 2


def test_compare_with_uncertainty_has_probabilities(batch: Batch) -> None:
    ran = batch[COMPARE_UNCERTAIN]
    assert ran.code == 0, ran.stderr
    baseline, transit = ran.csv("comparison.csv")
    columns = [c for c in baseline if c.startswith("p_on_time_")]
    assert columns == ["p_on_time_Phase 1", "p_on_time_Phase 2", "p_on_time_New cable"]
    for column in columns:
        assert 0.0 <= float(baseline[column]) <= 1.0
        assert transit[column] == ""  # transit-15.yaml has no uncertainty section
    # the same 200 samples as a single run of the baseline (section 6)
    single = batch[CHECK_NO_MINIMUM].json("baseline/summary.json")["uncertainty"]
    assert single["samples"] == 200
    for target in single["targets"]:
        assert float(baseline[f"p_on_time_{target['name']}"]) == pytest.approx(target["p_on_time"], abs=1e-12)
    assert float(baseline["p_no_shortfall"]) == pytest.approx(single["p_no_shortfall"], abs=1e-12)
    assert len(ran.pdf("comparison.pdf").pages) == 2


# --- 4. sweep --------------------------------------------------------------------------------

SWEEP_1 = call(
    "sweep jobs 1",
    *("sweep", BASELINE, "--param", SHARE_END, "--range", "5%:15%:5%", "--deterministic"),
    *("--jobs", "1", "-o", "sweep1"),
)
SWEEP_2 = call(
    "sweep jobs 2",
    *("sweep", BASELINE, "--param", SHARE_END, "--range", "5%:15%:5%", "--deterministic"),
    *("--jobs", "2", "-o", "sweep2"),
)
SWEEP_GRID = call(
    "sweep grid",
    *("sweep", BASELINE, "--param", SHARE_END, "--values", "10%,15%"),
    *("--param", DOMESTIC_GROWTH, "--values", "25%,30%", "--deterministic", "-o", "grid"),
)


def test_sweep_rows_equal_single_runs(batch: Batch) -> None:
    ran = batch[SWEEP_1]
    assert ran.code == 0, ran.stderr
    rows = ran.csv("sweep.csv")
    assert [r[SHARE_END] for r in rows] == ["5%", "10%", "15%"]  # the end of the range included
    refs, by_set = batch[REFERENCES], batch[SET_15]
    assert_row_matches(rows[0], outcomes_with_transit_scaled(refs, "baseline", 0.5), rel=1e-9)
    assert_row_matches(rows[1], expected_outcomes(refs, "baseline"))  # 10%: the file's own value
    assert_row_matches(rows[2], expected_outcomes(by_set, "baseline"))  # run --set ...=15%
    assert len({r["first_shortfall_month"] for r in rows}) == 3  # the field made a difference
    # stdout: a line a run, with the figures of its row
    printed = [line.strip() for line in ran.stdout.splitlines() if line.startswith(f"  {SHARE_END} = ")]
    assert printed == [
        f"{SHARE_END} = {r[SHARE_END]}: short from {r['first_shortfall_month']}; "
        f"{int(r['months_short']):,} months short, {volume(float(r['unserved_tbps_months']))} unserved"
        for r in rows
    ]


def test_sweep_results_do_not_depend_on_jobs(batch: Batch) -> None:
    one, two = batch[SWEEP_1], batch[SWEEP_2]
    assert two.code == 0, two.stderr
    assert one.files["sweep.csv"] == two.files["sweep.csv"]


def test_two_params_sweep_a_grid(batch: Batch) -> None:
    ran = batch[SWEEP_GRID]
    assert ran.code == 0, ran.stderr
    rows = ran.csv("sweep.csv")
    assert [(r[SHARE_END], r[DOMESTIC_GROWTH]) for r in rows] == [
        ("10%", "25%"),
        ("10%", "30%"),
        ("15%", "25%"),
        ("15%", "30%"),
    ]
    # at the file's growth rate (30%) the rows are the baseline's and the --set 15% run's
    assert_row_matches(rows[1], expected_outcomes(batch[REFERENCES], "baseline"))
    assert_row_matches(rows[3], expected_outcomes(batch[SET_15], "baseline"))
    assert float(rows[0]["demand_at_horizon_gbps"]) < float(rows[1]["demand_at_horizon_gbps"])
    assert len(ran.pdf("sweep.pdf").pages) >= 1


BAD_SWEEPS = {
    "values without param": (["--values", "5%"], ["--values must follow the --param"]),
    "two values for one param": (
        ["--param", SHARE_END, "--values", "5%", "--values", "10%"],
        [f"--param {SHARE_END} already has its values"],
    ),
    "outside the field's range": (
        ["--param", SHARE_END, "--values", "10%,150%"],
        [f"--param {SHARE_END}: ", "'150%' is outside 0-100%"],
    ),
    "value makes the scenario invalid": (
        ["--param", "links.ofc.phases[1].in_service", "--values", "2027-06,2029-06"],
        ["--param links.ofc.phases[1].in_service = 2029-06: ", "phases[2].in_service"],
    ),
    "range going down": (
        ["--param", SHARE_END, "--range", "10%:5%:1%"],
        [f"--param {SHARE_END}: ", "high is below low"],
    ),
    "three params": (
        [
            *("--param", SHARE_END, "--values", "5%"),
            *("--param", DOMESTIC_GROWTH, "--values", "30%"),
            *("--param", "demand.pakistan-china.base.value", "--values", "200 Gbps"),
        ],
        ["one or two --param"],
    ),
}
for _n, (_case, (_args, _fragments)) in enumerate(BAD_SWEEPS.items()):
    call(f"sweep {_case}", "sweep", BASELINE, *_args, "--deterministic", "-o", f"bad-sweep-{_n}")


@pytest.mark.parametrize("case", BAD_SWEEPS)
def test_bad_sweep_is_a_clear_error(batch: Batch, case: str) -> None:
    name = f"sweep {case}"
    ran = batch[name]
    assert ran.code == 2, (ran.stdout, ran.stderr)
    assert "Traceback" not in ran.stderr and ran.stdout == ""
    for fragment in BAD_SWEEPS[case][1]:
        assert fragment in ran.stderr
    if case == "value makes the scenario invalid":  # the value that is allowed is not blamed
        assert "2027-06" not in ran.stderr
    if "usage:" not in ran.stderr:  # argparse shows its usage; our own messages are one line
        assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    output = CALLS[name].output
    assert output is not None and not (batch.root / output).exists()


# --- 5. solve --------------------------------------------------------------------------------

NO_SHORTFALL = "no shortfall before 2036-01"
SOLVE_RATE = call(
    "solve rate", "solve", DOMESTIC, "--find", DOMESTIC_GROWTH, "--so-that", NO_SHORTFALL, "-o", "solve-rate"
)
SOLVE_DATE = call(
    "solve date", "solve", DOMESTIC, "--find", NEW_CABLE_DATE, "--so-that", NO_SHORTFALL, "-o", "solve-date"
)
#: Demand grows with the rate; at the lowest, 60%, D(2026-02) = 193.5 Gbps x 1.6^(13/12)
#: = 322 Gbps is already above 70% of the 450 Gbps in service: no rate from 60% on avoids it.
SOLVE_NONE = call(
    "solve none",
    *("solve", DOMESTIC, "--find", DOMESTIC_GROWTH, "--so-that", "no shortfall before 2027-01"),
    *("--between", "60%:100%", "-o", "solve-none"),
)


def test_solve_growth_rate_against_brute_force(batch: Batch) -> None:
    ran = batch[SOLVE_RATE]
    assert ran.code == 0, ran.stderr
    answer = re.fullmatch(
        rf"{re.escape(DOMESTIC_GROWTH)}: at most (-?[0-9.]+)% for '{NO_SHORTFALL}'",
        ran.stdout.splitlines()[0],
    )
    assert answer, ran.stdout
    rate = Decimal(answer.group(1))

    def holds(percent: Decimal) -> bool:
        return lowest_headroom([f"{DOMESTIC_GROWTH}={percent}%"], "2036-01") >= 0

    # "at most X": X and just below hold, 0.01 percentage points more does not
    step = Decimal("0.01")
    assert holds(rate - step) and holds(rate) and not holds(rate + step)
    # and across the range searched, -50% to 100%: it holds exactly up to X
    for percent in range(-50, 101, 2):
        assert holds(Decimal(percent)) == (percent <= rate), percent
    assert len(ran.pdf("solve.pdf").pages) == 1
    assert ran.csv("solve.csv")[0][DOMESTIC_GROWTH] == "-50%"


def test_solve_date_against_brute_force(batch: Batch) -> None:
    ran = batch[SOLVE_DATE]
    assert ran.code == 0, ran.stderr
    answer = re.fullmatch(
        rf"{re.escape(NEW_CABLE_DATE)}: latest ([0-9]{{4}}-[0-9]{{2}}) for '{NO_SHORTFALL}'",
        ran.stdout.splitlines()[0],
    )
    assert answer, ran.stdout
    latest = month_index(answer.group(1))

    def holds(month: int) -> bool:
        return lowest_headroom([f"{NEW_CABLE_DATE}={month_text(month)}"], "2036-01") >= 0

    # every month from ten years before the period (where the search starts) to 2036-12
    for month in (month_index("2016-01"), *range(month_index("2026-01"), month_index("2037-01"))):
        assert holds(month) == (month <= latest), month_text(month)
    assert len(ran.pdf("solve.pdf").pages) == 1


def test_solve_with_no_answer_says_so(batch: Batch) -> None:
    ran = batch[SOLVE_NONE]
    assert 193.5 * 1.6 ** (13 / 12) > 0.7 * 450  # the hand calculation above
    assert lowest_headroom([f"{DOMESTIC_GROWTH}=60%"], "2027-01") < 0
    # "no value" is an answer, not an error: exit 0, as the README says under "solve"
    assert ran.code == 0, ran.stderr
    assert ran.stdout.splitlines()[0] == (
        f"no value of {DOMESTIC_GROWTH} from 60% to 100% gives 'no shortfall before 2027-01'"
    )
    assert len(ran.pdf("solve.pdf").pages) == 1


BAD_SOLVES = {
    "condition not understood": (["--so-that", "foo"], ["--so-that 'foo': write one of"]),
    "unknown target": (
        ["--so-that", "Phase 9 on time"],
        ["no target named 'Phase 9'", "Phase 1, Phase 2, New cable"],
    ),
    "between malformed": (["--so-that", "no shortfall", "--between", "5%"], ["--between 5%: write low:high"]),
    "probability without uncertainty": (
        ["--so-that", "probability of no shortfall >= 90%"],
        ["--so-that: ", "needs an uncertainty section"],
    ),
}
for _n, (_case, (_args, _fragments)) in enumerate(BAD_SOLVES.items()):
    call(f"solve {_case}", "solve", DOMESTIC, "--find", DOMESTIC_GROWTH, *_args, "-o", f"bad-solve-{_n}")


@pytest.mark.parametrize("case", BAD_SOLVES)
def test_bad_solve_is_a_clear_error(batch: Batch, case: str) -> None:
    name = f"solve {case}"
    assert_one_line_error(batch[name], *BAD_SOLVES[case][1])
    output = CALLS[name].output
    assert output is not None and not (batch.root / output).exists()


# --- 6. run --check --------------------------------------------------------------------------

CHECK_AMPLE = call("check ample", "run", "ample.yaml", "--check", "-o", "ample")
#: The baseline sampled (200 samples); with --format iamc for section 7.
CHECK_NO_MINIMUM = call(
    "check 0%",
    *("run", "fast/baseline.yaml", "--samples", "200", "--check", "--min-probability", "0%"),
    *("--format", "iamc", "-o", "check"),
)
#: The same, written into the same folder afterwards (section 7: no --format this time).
CHECK_CERTAIN = call(
    "check 100%",
    *("run", "fast/baseline.yaml", "--samples", "200", "--check", "--min-probability", "100%"),
    *("-o", "check"),
    after=CHECK_NO_MINIMUM,
)


def test_check_fails_on_a_shortfall_and_still_writes_reports(batch: Batch) -> None:
    ran = batch[REFERENCES]  # run --check --deterministic of three files
    assert ran.code == 4, ran.stderr
    expected = []
    for file, folder in (
        (BASELINE, "baseline"),
        ("edited/share15.yaml", "share15"),
        ("ext/hand.yaml", "hand"),
    ):
        written = {p.split("/")[1] for p in ran.files if p.startswith(folder + "/")}
        assert {"report.pdf", "timeline.csv", "summary.json", "scenario.resolved.yaml"} <= written
        summary = ran.json(f"{folder}/summary.json")
        for target in summary["targets"]:
            if target["met_month"] is None:
                expected.append(f"{file}: check failed: target {target['name']} not reached")
            elif not target["on_time"]:
                expected.append(f"{file}: check failed: target {target['name']} late by")
        if summary["exhaustions"]:
            expected.append(f"{file}: check failed: shortfall from {summary['exhaustions'][0]['month']} (")
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == len(expected), ran.stderr
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert f"{BASELINE}: check failed: shortfall from 2026-05 (demand above 70% of capacity)" in lines


def test_check_passes_with_ample_capacity(batch: Batch) -> None:
    ran = batch[CHECK_AMPLE]
    assert ran.code == 0, ran.stderr
    assert ran.stderr == ""
    summary = ran.json("ample/summary.json")
    assert summary["exhaustions"] == [] and summary["targets"][0]["on_time"] is True


def test_check_with_uncertainty_against_min_probability(batch: Batch) -> None:
    lenient, strict = batch[CHECK_NO_MINIMUM], batch[CHECK_CERTAIN]
    assert lenient.code == 0, lenient.stderr
    assert lenient.stderr == ""
    # What must fail at 100%: every probability below 1 in the (same) sampled run.
    uncertainty = lenient.json("baseline/summary.json")["uncertainty"]
    assert uncertainty["samples"] == 200
    failing = [t["name"] for t in uncertainty["targets"] if t["p_on_time"] < 1]
    assert 0 < len(failing) < len(uncertainty["targets"])  # Phase 1 is certain, the others not
    assert strict.code == 4, strict.stderr
    lines = strict.stderr.strip().splitlines()
    assert [line.split(" on time with probability ")[0] for line in lines if " on time " in line] == [
        f"fast/baseline.yaml: check failed: {name}" for name in failing
    ]
    shortfall = [line for line in lines if "check failed: no shortfall in the period" in line]
    assert len(shortfall) == (1 if uncertainty["p_no_shortfall"] < 1 else 0)
    assert len(lines) == len(failing) + len(shortfall)
    assert "baseline/report.pdf" in strict.files


# --- 7. run --format iamc --------------------------------------------------------------------


def test_iamc_table_matches_the_timeline(batch: Batch) -> None:
    ran = batch[CHECK_NO_MINIMUM]
    timeline = ran.csv("baseline/timeline.csv")
    text = ran.text("baseline/timeline_iamc.csv")
    assert text.splitlines()[0] == "model,scenario,region,variable,unit,time,value"
    every = list(csv.DictReader(io.StringIO(text)))
    rows = [r for r in every if r["scenario"] == "Baseline"]  # the central case
    links = [c for c in timeline[0] if c.startswith("capacity_") and c != "capacity_with_plan_gbps"]
    streams = [c for c in timeline[0] if c.startswith("demand_")]
    variables = {r["variable"] for r in rows}
    # Capacity and links, Demand and streams, 4 planning quantities, unserved, carried and
    # streams, capacity added by the plan.
    assert len(variables) == 1 + len(links) + 1 + len(streams) + 4 + 1 + 1 + len(streams) + 1 == 15
    assert len(rows) == len(timeline) * len(variables) == 180 * 15
    # The quantiles over the samples follow as scenarios Baseline|P5 ... Baseline|P95, the values
    # of timeline_quantiles.csv (utilisation in %).
    quantiles = ran.csv("baseline/timeline_quantiles.csv")
    assert {r["scenario"] for r in every} == {"Baseline", *(f"Baseline|P{q}" for q in (5, 10, 50, 90, 95))}
    p90 = {r["variable"]: [] for r in every if r["scenario"] == "Baseline|P90"}
    for r in every:
        if r["scenario"] == "Baseline|P90":
            p90[r["variable"]].append(float(r["value"]))
    assert set(p90) == {"Demand", "Capacity", "Utilisation", "Headroom", "Capacity Gap"}
    assert p90["Demand"] == [float(r["demand_p90_gbps"]) for r in quantiles]
    assert p90["Utilisation"] == pytest.approx(
        [100 * float(r["utilisation_p90"]) for r in quantiles], rel=1e-12
    )
    by_variable: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_variable.setdefault(row["variable"], []).append(row)
    capacity, utilisation = by_variable["Capacity"], by_variable["Utilisation"]
    assert [r["time"] for r in capacity] == [f"{r['date']}-01" for r in timeline]
    assert {r["unit"] for r in capacity} == {"Gbps"} and {r["unit"] for r in utilisation} == {"%"}
    assert [float(r["value"]) for r in capacity] == [float(r["total_capacity_gbps"]) for r in timeline]
    assert [float(r["value"]) for r in utilisation] == pytest.approx(
        [100 * float(r["utilisation"]) for r in timeline], rel=1e-12
    )
    same = {
        "Unserved Traffic": "unserved_gbps",
        "Capacity Added by Plan": "plan_added_gbps",
        "Carried Traffic|chinese-transit": "carried_chinese-transit_gbps",
        "Carried Traffic|pakistan-china": "carried_pakistan-china_gbps",
    }
    for variable, column in same.items():
        assert [float(r["value"]) for r in by_variable[variable]] == [float(r[column]) for r in timeline]
    # Sub-variables add up to their parent, as pyam's check_aggregate expects.
    parts = zip(
        *(by_variable[f"Carried Traffic|{s}"] for s in ("chinese-transit", "pakistan-china")), strict=True
    )
    assert [float(r["value"]) for r in by_variable["Carried Traffic"]] == pytest.approx(
        [sum(float(r["value"]) for r in rows_) for rows_ in parts], rel=1e-12
    )


def test_a_run_without_format_removes_the_stale_iamc_table(batch: Batch) -> None:
    before, after = batch[CHECK_NO_MINIMUM], batch[CHECK_CERTAIN]  # one folder, one after the other
    assert "baseline/timeline_iamc.csv" in before.files
    assert "baseline/timeline_iamc.csv" not in after.files
    assert {"baseline/timeline.csv", "baseline/timeline_quantiles.csv"} <= set(after.files)


# --- bugs found (fixed) --------------------------------------------------------------------------------

SET_LEAVES_ONE_UNCERTAIN = call(
    "set leaves one uncertain input",
    *("run", "two-uncertain.yaml", "--set", "demand.pakistan-china.base.value=193.5 Gbps", "-o", "one-left"),
)


def test_set_leaving_one_uncertain_input_runs(batch: Batch) -> None:
    ran = batch[SET_LEAVES_ONE_UNCERTAIN]
    assert "Traceback" not in ran.stderr, ran.stderr[-400:]
    assert ran.code == 0
    uncertainty = ran.json("two-uncertain/summary.json")["uncertainty"]
    assert uncertainty["parameters"] == [DOMESTIC_GROWTH]


def test_remove_keeps_the_parents_distributions_on_their_fields(tmp_path: Path) -> None:
    # A question of merging: loaded here, as every command loads it (no run needed).
    _write(tmp_path / "parent.yaml", SHIFT_PARENT)
    _write(tmp_path / "child.yaml", 'extends: parent.yaml\nname: C\nremove: ["links.ofc.phases[0]"]\n')
    try:
        scenario = load(tmp_path / "child.yaml").scenario
    except ScenarioError as error:  # refusing the file, saying why, would do too
        assert "phases" in str(error)
        return
    assert [p.capacity for p in scenario.links[0].phases] == [1000, 4000, 8000]  # Gbps
    assert scenario.uncertainty is not None
    # the delay still applies to the 4 Tbps phase, now phases[1]
    assert list(scenario.uncertainty.parameters) == ["links.ofc.phases[1].in_service"]
