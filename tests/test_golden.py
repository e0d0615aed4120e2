"""A scenario without corridors, outages or faults gives the outputs it gave before the network
of corridors was built (issue 11): the files written by commit 82851e6 for the one-link scenario
in ``tests/golden/one-link``, byte for byte; ``summary.json`` equal once the keys added since
(what is in place and what meeting a target takes, N-1) are taken out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.cli_helpers import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "one-link"
#: Keys of summary.json added after 82851e6, for every scenario (flagged when they landed).
ADDED = ("capacity_in_place", "n_minus_1")
ADDED_TO_TARGETS = ("takes", "takes_text")


def without_added(summary: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in summary.items() if k not in ADDED and k != "version"}
    kept["targets"] = [{k: v for k, v in t.items() if k not in ADDED_TO_TARGETS} for t in kept["targets"]]
    return kept


def test_a_single_corridor_scenario_writes_what_it_wrote_before_corridors(tmp_path: Path) -> None:
    shutil.copy(GOLDEN / "scenario.yaml", tmp_path / "one.yaml")
    ran = cli("run", "one.yaml", "--deterministic", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    out = tmp_path / "out" / "one"
    for name in ("timeline.csv", "capacity_plan.csv"):
        assert (out / name).read_bytes() == (GOLDEN / name).read_bytes(), name
    before = json.loads((GOLDEN / "summary.json").read_text(encoding="utf-8"))
    now = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(now) - set(before) == set(ADDED)
    assert without_added(now) == without_added(before)
