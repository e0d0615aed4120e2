"""Memory stays bounded where a scenario could make it grow: many uncertain inputs for Sobol'
indices, a long period for the monthly quantiles. Each case runs in a subprocess whose address
space is limited to 1.5 GB: allocating beyond it fails the run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli_helpers import cli_within

LIMIT_BYTES = 1536 * 1024 * 1024

STREAMS = "".join(
    f"  - id: s{k}\n    base: {{value: {100 + k} Gbps, at: 2026-01}}\n    growth: {{model: cagr, rate: 20%}}\n"
    for k in range(25)
)
PARAMETERS = "".join(
    f"    demand.s{k}.base.value: {{dist: uniform, low: 50 Gbps, high: 200 Gbps}}\n"
    f"    demand.s{k}.growth.rate: {{dist: uniform, low: 10%, high: 30%}}\n"
    for k in range(25)
)
#: 50 uncertain inputs; Sobol' indices evaluate the model n (d + 2) = 1,024 x 52 times.
FIFTY_INPUTS = f"""\
name: Fifty uncertain inputs
period: {{start: 2026-01, end: 2040-12}}
links:
  - id: ofc
    phases:
      - {{capacity: 10 Tbps, in_service: 2025-01}}
demand:
{STREAMS}uncertainty:
  samples: 2000
  sobol_samples: 1024
  parameters:
{PARAMETERS}"""

#: 60 years of months, 50,000 samples: five monthly quantile histograms.
SIXTY_YEARS = """\
name: Sixty years
period: {start: 2026-01, end: 2085-12}
links:
  - id: ofc
    phases:
      - {capacity: 1 Tbps, in_service: 2025-01}
      - {capacity: 100 Tbps, in_service: 2050-01}
demand:
  - id: d
    base: {value: 200 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 20%}
uncertainty:
  samples: 50000
  sobol_samples: 64
  parameters:
    demand.d.growth.rate: {dist: uniform, low: 5%, high: 40%}
    demand.d.base.value: {dist: uniform, low: 100 Gbps, high: 300 Gbps}
"""

#: 50 streams, each with an uncertain growth rate, over 30 years: each stream holds arrays of
#: its own while a chunk is evaluated (1.8 GB before chunks were sized by streams).
FIFTY_STREAMS = (
    "name: Fifty uncertain streams\n"
    "period: {start: 2026-01, end: 2055-12}\n"
    "links:\n"
    "  - id: ofc\n"
    "    phases:\n"
    "      - {capacity: 10 Tbps, in_service: 2025-01}\n"
    "      - {capacity: 40 Tbps, in_service: 2030-01}\n"
    "targets:\n"
    "  - {name: T1, capacity: 40 Tbps, by: 2031-01}\n"
    "demand:\n"
    + "".join(
        f"  - id: s{k}\n    base: {{value: {100 + k} Gbps, at: 2026-01}}\n    growth: {{model: cagr, rate: 20%}}\n"
        for k in range(50)
    )
    + "uncertainty:\n  samples: 10000\n  sobol_samples: 64\n  parameters:\n"
    + "".join(f"    demand.s{k}.growth.rate: {{dist: uniform, low: 10%, high: 30%}}\n" for k in range(50))
)


def limited_run(folder: Path, text: str) -> subprocess.CompletedProcess[str]:
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    return cli_within(LIMIT_BYTES, "run", "x.yaml", "-o", "out", "-q", cwd=folder)


@pytest.mark.parametrize(
    ("text", "case_id"),
    [
        (FIFTY_INPUTS, "sobol-with-50-inputs"),
        (FIFTY_STREAMS, "monte-carlo-with-50-uncertain-streams"),
        (SIXTY_YEARS, "quantiles-over-60-years"),
    ],
)
def test_runs_within_1_5_gb(text: str, case_id: str, tmp_path: Path) -> None:
    result = limited_run(tmp_path, text)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out" / "x" / "report.pdf").exists()
