"""Scenario dicts for tests: small, valid, easy to vary."""

from __future__ import annotations

import copy
from typing import Any

from capacity_model.schema import Scenario

#: The scenario text of the v1 contract (issue 2), verbatim: it must validate and run.
CONTRACT_YAML = """\
name: Baseline
description: Phased OFC targets against Pakistan-China and transit demand
period: {start: 2026-01, end: 2040-12}          # monthly steps, both ends included
planning:
  max_utilisation: 70%       # peak utilisation above which capacity counts as exhausted
  default_lead_time: 24 months
links:
  - id: ofc
    name: Pak-China OFC (Rawalpindi-Khunjerab)
    phases:                  # each phase gives the link's total capacity from in_service on
      - {capacity: 450 Gbps, in_service: 2025-01, source: ofc-450g}
      - {capacity: 1 Tbps, in_service: 2027-01, lead_time: 12 months}
      - {capacity: 4 Tbps, in_service: 2029-01, lead_time: 18 months, ramp: 6 months}
  - id: new-cable
    name: New China-Pakistan cable system
    phases:
      - {capacity: 12 Tbps, in_service: 2031-01, lead_time: 36 months}
targets:
  - {name: Phase 1, capacity: 1 Tbps, by: 2027-06}
  - {name: Phase 2, capacity: 4 Tbps, by: 2029-12}
  - {name: New cable, capacity: 12 Tbps, by: 2032-12}
demand:
  - id: pakistan-china
    name: Pakistan's own China-bound traffic (peak)
    base: {value: 200 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 25%}
  - id: chinese-transit
    name: Chinese operators' traffic routed via Pakistan (peak)
    base: {value: 30 Tbps, at: 2026-01}       # operators' global international traffic
    growth: {model: cagr, rate: 22%}
    share: {model: logistic, start: 0%, end: 12.5%, midpoint: 2030-01, ramp: 4 years}
sources:
  ofc-450g: "Shafqat & Siddique, China-Pakistan Technology and AI Cooperation (2026), Future Direction"
"""


#: The smallest valid scenario the bad-input tests vary: one link, one stream, five years.
#: Lines: 1 name, 2 period, 3 links, 4 "- id: ofc", 5 phases, 6 the phase, 7 demand,
#: 8 "- id: domestic", 9 base, 10 growth. Text added at the end starts on line 11.
MINIMAL_YAML = """\
name: Minimal
period: {start: 2026-01, end: 2030-12}
links:
  - id: ofc
    phases:
      - {capacity: 450 Gbps, in_service: 2025-01}
demand:
  - id: domestic
    base: {value: 200 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 25%}
"""

#: Valid, but demand carried back 175 years at -99% a year overflows: found only when computing.
OVERFLOWS_YAML = (
    MINIMAL_YAML.replace("end: 2030-12", "end: 2200-12")
    .replace("rate: 25%", "rate: -99%")
    .replace("at: 2026-01", "at: 2200-12")
)


def one_link(
    capacity: str = "1 Tbps",
    base: str = "200 Gbps",
    rate: str = "25%",
    threshold: str = "70%",
    start: str = "2026-01",
    end: str = "2040-12",
    **changes: Any,
) -> dict[str, Any]:
    """A one-link, one-stream scenario with constant capacity and CAGR demand from ``start``."""
    data: dict[str, Any] = {
        "name": "Test",
        "period": {"start": start, "end": end},
        "planning": {"max_utilisation": threshold, "default_lead_time": "24 months"},
        "links": [{"id": "ofc", "phases": [{"capacity": capacity, "in_service": "2020-01"}]}],
        "demand": [
            {
                "id": "domestic",
                "base": {"value": base, "at": start},
                "growth": {"model": "cagr", "rate": rate},
            }
        ],
    }
    data.update(copy.deepcopy(changes))
    return data


def build(data: dict[str, Any]) -> Scenario:
    """Validate a dict as a Scenario."""
    return Scenario.model_validate(data)
