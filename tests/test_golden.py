"""A scenario without corridors, outages or faults gives the outputs it gave before the network
of corridors was built (issue 11): the files written by commit 82851e6 (numpy 2) for the
one-link scenario in ``tests/golden/one-link``: the CSV files byte for byte with numpy 2, and
with the oldest numpy supported every text cell the same and every number to its last digit's
rounding (1e-12 relative: numpy 1.23 rounds some powers differently); ``summary.json`` equal
once the keys added since (what is in place and what meeting a target takes, N-1) are taken out."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.cli_helpers import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "one-link"
#: Keys of summary.json added after 82851e6, for every scenario (flagged when they landed).
ADDED = ("capacity_in_place", "n_minus_1")
ADDED_TO_TARGETS = ("takes", "takes_text")


def without_added(summary: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in summary.items() if k not in ADDED and k != "version"}
    kept["targets"] = [{k: v for k, v in t.items() if k not in ADDED_TO_TARGETS} for t in kept["targets"]]
    return kept


def same(a: Any, b: Any) -> bool:
    """Equal, numbers to 1e-12 relative, through dictionaries and lists."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return bool(a == pytest.approx(b, rel=1e-12))
    return bool(a == b)


def test_a_single_corridor_scenario_writes_what_it_wrote_before_corridors(tmp_path: Path) -> None:
    shutil.copy(GOLDEN / "scenario.yaml", tmp_path / "one.yaml")
    ran = cli("run", "one.yaml", "--deterministic", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    out = tmp_path / "out" / "one"
    for name in ("timeline.csv", "capacity_plan.csv"):
        if int(np.__version__.split(".")[0]) >= 2:
            assert (out / name).read_bytes() == (GOLDEN / name).read_bytes(), name
        now_rows, before_rows = (
            list(csv.reader(f.read_text(encoding="utf-8").splitlines())) for f in (out / name, GOLDEN / name)
        )
        assert len(now_rows) == len(before_rows) and now_rows[0] == before_rows[0], name
        for now_row, before_row in zip(now_rows[1:], before_rows[1:], strict=True):
            for a, b in zip(now_row, before_row, strict=True):
                assert a == b or float(a) == pytest.approx(float(b), rel=1e-12), (name, a, b)
    before = json.loads((GOLDEN / "summary.json").read_text(encoding="utf-8"))
    now = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(now) - set(before) == set(ADDED)
    assert same(without_added(now), without_added(before))
