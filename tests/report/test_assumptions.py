"""The assumption pages group inputs as a reader looks for them and name them in words."""

from __future__ import annotations

import pytest

from capacity_model.report.assumptions import _grouped_rows, input_label
from tests.scenario_data import CONTRACT_YAML
from tests.test_starter import load


@pytest.mark.parametrize(
    ("location", "label"),
    [
        (("phases", 2, "in_service"), "Phase 3 in service"),
        (("phases", 0, "lead_time"), "Phase 1 lead time"),
        (("growth", "rates", 1, "rate"), "Growth period 2 rate"),
        (("base", "at"), "Base month"),
        (("share", "p"), "Share Bass p"),
        (("max_utilisation",), "Utilisation threshold"),
        (("growth", "points", 0, "value"), "Growth point 1 value"),
    ],
)
def test_inputs_are_named_in_words(location: tuple[str | int, ...], label: str) -> None:
    assert input_label(location) == label


def test_inputs_are_grouped_by_link_target_and_stream() -> None:
    groups = _grouped_rows(load(CONTRACT_YAML), None)
    assert list(groups) == [
        "Scenario and period",
        "Planning",
        "Link: Pak-China OFC (Rawalpindi-Khunjerab)",
        "Link: New China-Pakistan cable system",
        "Targets",
        "Demand: Pakistan's own China-bound traffic (peak)",
        "Demand: Chinese operators' traffic routed via Pakistan (peak)",
    ]
    ofc = {row[0]: row[1:] for row in groups["Link: Pak-China OFC (Rawalpindi-Khunjerab)"]}
    assert ofc["Phase 3 in service"] == ["2029-01", "", "links[ofc].phases[2].in_service"]
    assert ofc["Phase 1 capacity"] == ["450 Gbps", "ofc-450g", "links[ofc].phases[0].capacity"]
    assert ofc["Phase 1 lead time"][1] == "default lead time"  # left out: the planning default
    targets = {row[0]: row[1] for row in groups["Targets"]}
    assert targets == {
        "Phase 1: capacity": "1 Tbps",
        "Phase 1: due by": "2027-06",
        "Phase 2: capacity": "4 Tbps",
        "Phase 2: due by": "2029-12",
        "New cable: capacity": "12 Tbps",
        "New cable: due by": "2032-12",
    }
    # ids and names are in the headings and the last column, not rows of their own
    assert not any(row[0] in ("Id", "Name") for rows in list(groups.values())[2:] for row in rows)
