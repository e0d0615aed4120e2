"""capacity-model fit from the command line: the files written, the YAML block pasted into a
scenario that then validates, and bad input refused with exit 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from pypdf import PdfReader

from capacity_model.engine import project
from capacity_model.scenario_files import load
from tests.cli_helpers import cli

#: 300 Gbps in 2015 growing 40% a year, half-yearly to 2024, with 3% noise.
MONTHS = [(2015 + k // 2, 1 + 6 * (k % 2)) for k in range(20)]
NOISE = np.exp(np.random.default_rng(5).normal(0, 0.03, 20))
GROWING = "date,value_gbps\n" + "".join(
    f"{y}-{m:02d},{300 * 1.4 ** (y + (m - 1) / 12 - 2015) * n:.1f}\n"
    for (y, m), n in zip(MONTHS, NOISE, strict=True)
)


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_log_linear_fit_writes_its_files_and_a_block_that_runs(tmp_path: Path) -> None:
    write(tmp_path, GROWING)
    ran = cli("fit", "data.csv", "--model", "cagr", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["fit.csv", "fit.json", "fit.pdf", "fit.yaml"]
    summary = json.loads((out / "fit.json").read_text())
    assert summary["model"] == "cagr" and summary["chosen_by"] == "asked for"
    rate = summary["parameters"][1]
    assert rate["name"] == "growth rate" and rate["p10"] < 0.40 < rate["p90"]
    assert rate["estimate"] == pytest.approx(0.40, abs=0.02)
    assert "Model: cagr" in ran.stdout and "growth: {model: cagr" in ran.stdout
    # the block, pasted into a stream, gives a scenario that validates and runs
    block = yaml.safe_load((out / "fit.yaml").read_text())
    stream = {"id": "national", "base": block["base"], "growth": block["growth"]}
    scenario = {
        "name": "Pasted",
        "period": {"start": "2026-01", "end": "2030-12"},
        "links": [{"id": "l", "phases": [{"capacity": "100 Tbps", "in_service": "2025-01"}]}],
        "demand": [stream],
        "uncertainty": {
            "samples": 100,
            "parameters": {
                k.replace(".ID.", ".national."): v for k, v in block["uncertainty"]["parameters"].items()
            },
        },
        "sources": block["sources"],
    }
    write(tmp_path, yaml.safe_dump(scenario), "pasted.yaml")
    assert load(tmp_path / "pasted.yaml").scenario.demand[0].growth.model == "cagr"  # type: ignore[union-attr]
    assert cli("run", "pasted.yaml", "-o", "runs", cwd=tmp_path).returncode == 0


def test_auto_chooses_by_backtest_and_reports_a_holdout(tmp_path: Path) -> None:
    write(tmp_path, GROWING)
    ran = cli("fit", "data.csv", "--holdout", "2", "--horizon", "3", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    summary = json.loads((tmp_path / "out" / "fit.json").read_text())
    assert "backtest" in summary["chosen_by"]
    assert [m["model"] for m in summary["models"]] == ["cagr", "piecewise", "logistic", "gompertz", "bass"]
    assert len(summary["holdout"]) == 2 and summary["holdout"][0]["date"] == "2024-01"
    assert summary["backtest"]["horizon_years"] == 3
    assert len(PdfReader(tmp_path / "out" / "fit.pdf").pages) >= 3
    rows = (tmp_path / "out" / "fit.csv").read_text().splitlines()
    assert (
        rows[0] == "date,observed_value_gbps,fitted_value_gbps,p10_value_gbps,p50_value_gbps,p90_value_gbps"
    )
    assert len(rows) == 1 + (2024 * 12 + 6 - 2015 * 12) + 1 + 5 * 12


@pytest.mark.parametrize(
    ("args", "text", "expected"),
    [
        ((), GROWING.replace("2016-07,", "2016-07,x", 1), "data.csv:5: value_gbps: 'x"),
        (
            (),
            GROWING.replace("2016-07", "2016-01", 1),
            "data.csv:5: date: the date 2016-01 is also on line 4",
        ),
        ((), GROWING.replace("2016-07", "2015-01", 1), "data.csv:5: date: the dates must increase"),
        ((), GROWING.replace("2016-07,", "2016-07,-", 1), "is not above 0"),
        (("--column", "values"), GROWING, "data.csv:1: values: no value column 'values'"),
        (
            ("--model", "logistic"),
            "date,value_gbps\n2020,1\n2021,2\n2022,3\n",
            "data.csv: value_gbps: the logistic model has 3 parameters: it needs at least 4 points, and the series has 3 (lines 2-4)",
        ),
        (
            ("--model", "cagr", "--breaks", "2018-01"),
            GROWING,
            "--breaks: --breaks is for the piecewise model",
        ),
        (("--model", "piecewise", "--breaks", "2030-01"), GROWING, "--breaks: a breakpoint must lie between"),
        (("--holdout", "19", "--model", "cagr"), GROWING, "holding out 19 of 20 points leaves too few"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_line_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], text: str, expected: str
) -> None:
    write(tmp_path, text)
    ran = cli("fit", "data.csv", *args, "-o", "out", cwd=tmp_path)
    assert ran.returncode == 2, ran.stdout
    assert expected in ran.stderr and "Traceback" not in ran.stderr
    assert not (tmp_path / "out").exists()


def test_options_out_of_range_are_usage_errors(tmp_path: Path) -> None:
    write(tmp_path, GROWING)
    for args in (("--horizon", "0"), ("--holdout", "abc"), ("--breaks", "2018-13"), ("--model", "linear")):
        ran = cli("fit", "data.csv", *args, cwd=tmp_path)
        assert ran.returncode == 2 and "usage:" in ran.stderr, args


#: A share growing along a logistic curve to 12.5% (midpoint 2016, rate 0.8 a year), 3% noise.
SHARE_TIMES = 2010 + np.arange(20) * 0.5
SHARE = "date,share\n" + "".join(
    f"{int(t)}-{1 + 6 * round(float(t % 1) * 2):02d},{0.125 / (1 + np.exp(-0.8 * (t - 2016))) * n:.6f}\n"
    for t, n in zip(SHARE_TIMES, np.exp(np.random.default_rng(1).normal(0, 0.03, 20)), strict=True)
)


def test_a_share_series_also_gives_a_share_mapping_that_runs(tmp_path: Path) -> None:
    write(tmp_path, SHARE)
    ran = cli("fit", "data.csv", "--model", "logistic", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    lines = (tmp_path / "out" / "fit.yaml").read_text().splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("# share:"))
    sketch = [line[2:] for line in lines[start:] if line.startswith("# ") and not line.startswith("# (")]
    pasted = yaml.safe_load("\n".join(sketch))  # uncommented as it says, the sketch is YAML
    mapping = pasted["share"]
    assert float(mapping["end"].rstrip("%")) == pytest.approx(12.5, abs=0.5)
    # ramp = 2 ln 9 / r years: 2 x 2.197 / 0.8 = 5.49 years, 66 months
    assert mapping["ramp"] in ("65 months", "66 months", "67 months")
    uncertainty = pasted["uncertainty"]
    scenario = {
        "name": "Share pasted",
        "period": {"start": "2026-01", "end": "2027-12"},
        "links": [{"id": "l", "phases": [{"capacity": "100 Tbps", "in_service": "2025-01"}]}],
        "demand": [
            {
                "id": "transit",
                "base": {"value": "30 Tbps", "at": "2026-01"},
                "growth": {"model": "cagr", "rate": "20%"},
                "share": mapping,
            }
        ],
        "uncertainty": {
            "samples": 50,
            "parameters": {k.replace(".ID.", ".transit."): v for k, v in uncertainty["parameters"].items()},
            "correlations": [
                {**c, "between": [p.replace(".ID.", ".transit.") for p in c["between"]]}
                for c in uncertainty.get("correlations", [])
            ],
        },
        "sources": {"fit-share": "test"},
    }
    write(tmp_path, yaml.safe_dump(scenario), "pasted.yaml")
    checked = cli("validate", "pasted.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr


def test_a_column_of_words_is_refused_row_by_row(tmp_path: Path) -> None:
    write(tmp_path, "date,value_gbps,note\n2020,1,a\n2021,2,b\n2022,3,c\n")
    ran = cli("fit", "data.csv", "--column", "note", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 2 and not (tmp_path / "out").exists()
    assert ran.stderr.splitlines()[:3] == [
        f"data.csv:{line}: note: '{word}' is not a number: write plain numbers (1835, 3.79)"
        for line, word in ((2, "a"), (3, "b"), (4, "c"))
    ]


#: Yearly points 2010-2020 growing 50% a year to 2013 and 10% after (3% noise).
BROKEN = "date,value_gbps\n" + "".join(
    f"{2010 + k},{(100 * 1.5**k if k < 3 else 100 * 1.5**3 * 1.1 ** (k - 3)) * n:.4f}\n"
    for k, n in enumerate(np.exp(np.random.default_rng(4).normal(0, 0.03, 11)))
)


@pytest.mark.parametrize(
    ("text", "args"),
    [
        (GROWING, ("--model", "cagr")),
        (BROKEN, ("--model", "piecewise")),
        (BROKEN, ("--model", "piecewise", "--breaks", "2013")),
        (GROWING, ("--model", "logistic")),
    ],
)
def test_the_pasted_block_is_yaml_as_written_and_follows_the_fitted_curve(
    tmp_path: Path, text: str, args: tuple[str, ...]
) -> None:
    write(tmp_path, text)
    ran = cli("fit", "data.csv", *args, "--for", "pasted.yaml", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    block = yaml.safe_load((tmp_path / "out" / "fit.yaml").read_text())  # the text as written parses
    stream: dict[str, object] = {"id": "national", "growth": block["growth"]}
    if "base" in block:
        stream["base"] = block["base"]
    scenario = {
        "name": "Pasted",
        "period": {"start": "2020-01", "end": "2026-12"},
        "links": [{"id": "l", "phases": [{"capacity": "1 Pbps", "in_service": "2019-01"}]}],
        "demand": [stream],
        "sources": block["sources"],
    }
    if "uncertainty" in block:
        parameters = {
            k.replace(".ID.", ".national."): v for k, v in block["uncertainty"]["parameters"].items()
        }
        correlations = [
            {**c, "between": [p.replace(".ID.", ".national.") for p in c["between"]]}
            for c in block["uncertainty"].get("correlations", [])
        ]
        scenario["uncertainty"] = {"samples": 100, "parameters": parameters, "correlations": correlations}
    write(tmp_path, yaml.safe_dump(scenario, sort_keys=False), "pasted.yaml")
    demand = project(load(tmp_path / "pasted.yaml").scenario).demand_gbps
    rows = (tmp_path / "out" / "fit.csv").read_text().splitlines()[1:]
    fitted = {r.split(",")[0]: float(r.split(",")[2]) for r in rows}
    months = [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(len(demand))]
    shared = [k for k, month in enumerate(months) if month in fitted]
    np.testing.assert_allclose(demand[shared], [fitted[months[k]] for k in shared], rtol=1e-4)
