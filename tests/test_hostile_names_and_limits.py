"""More hostile and careless files, found by a red-team pass over the loader and the schema:
paths and ids that are not what they seem, names a reader cannot see, look-alike names,
inputs the uncertainty section may not vary, and limits on list lengths and on work.

Each is refused with exit 2, one line naming the file, the line and the field, no traceback,
no control or invisible character in what the terminal shows, and nothing written.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from tests.test_hostile_input import BASE, Case, assert_refused, case, edit, run_in_process, uncertain

RATE = "{dist: uniform, low: 10%, high: 30%}"


def self_link(folder: Path) -> None:
    os.symlink("loop.yaml", folder / "loop.yaml")


def links(count: int) -> str:
    """BASE with ``count`` more one-phase links after ofc (each three lines, from line 7)."""
    more = "".join(
        f"  - id: l{k}\n    phases:\n      - {{capacity: 1 Gbps, in_service: 2025-01}}\n"
        for k in range(count)
    )
    return edit("demand:\n", more + "demand:\n")


def many_parameters(count: int) -> str:
    """``count`` uncertain inputs, three per link."""
    extra = (count + 2) // 3
    lines = "".join(
        f"    links.l{k}.phases[0].capacity: {{dist: uniform, low: 1 Gbps, high: 2 Gbps}}\n"
        f"    links.l{k}.phases[0].in_service: {{dist: delay, low: 0 months, mode: 1 month, high: 2 months}}\n"
        f"    links.l{k}.phases[0].ramp: {{dist: uniform, low: 0 months, high: 2 months}}\n"
        for k in range(extra)
    ).splitlines(keepends=True)[:count]
    return links(extra) + "uncertainty:\n  parameters:\n" + "".join(lines)


JUNK = "junk: [" + ", ".join(["x"] * 60_000) + "]\n"
TWO_TARGETS = "targets:\n  - {name: Phase 1, capacity: 1 Tbps, by: 2027-06}\n  - {name: '%s', capacity: 2 Tbps, by: 2028-06}\n"
SHARE = "growth: {model: cagr, rate: 25%}\n    share: {model: logistic, start: 0%, end: 10%, midpoint: 2028-01, ramp: 2 years}"

PATHS = [
    case(
        "extends-a-name-with-nul",
        'extends: "a\\0b.yaml"\nname: X\n',
        "x.yaml:1: extends:",
        phrase="cannot be a file name",
    ),
    case(
        "extends-a-name-with-a-lone-surrogate",
        'extends: "a\\ud800.yaml"\nname: X\n',
        "x.yaml:1: extends:",
        phrase="unpaired surrogate",
    ),
    case(
        "extends-a-symlink-to-itself",
        "extends: loop.yaml\nname: X\n",
        "x.yaml:1: extends:",
        phrase="loop.yaml",
        setup=self_link,
    ),
    case(
        "extends-in-a-circle",
        {"x.yaml": "extends: y.yaml\nname: X\n", "y.yaml": "extends: x.yaml\n"},
        "y.yaml:1: extends:",
        phrase="goes round in a circle: x.yaml extends y.yaml extends x.yaml",
    ),
    case(
        "extends-chain-holding-too-many-values-together",
        {"x.yaml": "extends: p.yaml\n" + JUNK, "p.yaml": BASE + JUNK},
        "x.yaml:1: extends:",
        phrase="hold more than 100,000 values together",
    ),
    case(
        "remove-a-required-field",
        {"x.yaml": "extends: p.yaml\nremove: [period.start]\n", "p.yaml": BASE},
        "x.yaml:2: period.start:",
        phrase="remove: drops it here, and the scenario needs it",
    ),
    case(
        "remove-the-only-stream",
        {"x.yaml": "extends: p.yaml\nremove: [demand.domestic]\n", "p.yaml": BASE},
        "x.yaml:2: demand:",
        phrase="needs at least 1 entry, found 0; remove: leaves it empty here",
    ),
    case(
        "remove-beside-a-malformed-uncertainty-section",
        {"x.yaml": "extends: p.yaml\nremove: [links.ofc]\n", "p.yaml": BASE + "uncertainty: x\n"},
        "x.yaml:2: links:",
        "p.yaml:11: uncertainty:",
        phrase="expected a mapping of fields (key: value), found 'x'",
    ),
    case(
        "remove-with-a-superscript-index",
        {"x.yaml": 'extends: p.yaml\nremove: ["links[²]"]\n', "p.yaml": BASE},
        "x.yaml:2: remove:",
        phrase="no entry '²' in links",
    ),
    case(
        "an-id-that-is-a-list",
        edit("id: domestic", "id: [a, b]"),
        "x.yaml:8: demand[0].id:",
        phrase="expected text, found a list",
    ),
    case(
        "a-parameter-path-with-a-superscript-index",
        uncertain(f"    demand.domestic.growth.rate[²]: {RATE}\n"),
        "x.yaml:13: uncertainty.parameters.demand.domestic.growth.rate[²]",
        phrase="no entries to choose from",
    ),
]

NAMES = [
    case(
        "surrogate-escape-in-a-name",
        edit("name: Minimal", 'name: "a\\ud800b"'),
        "x.yaml:1: name:",
        phrase="unpaired surrogate",
    ),
    case(
        "carriage-return-in-a-name",
        edit("name: Minimal", 'name: "A\\rB"'),
        "x.yaml:1: name:",
        phrase="U+000D (carriage return)",
    ),
    case(
        "zero-width-space-in-a-name",
        edit("name: Minimal", "name: a\u200bb"),
        "x.yaml:1: name:",
        phrase="U+200B (ZERO WIDTH SPACE)",
    ),
    case(
        "right-to-left-override-in-a-target-name",
        BASE + "targets:\n  - {name: 'ab\u202ecd', capacity: 1 Tbps, by: 2027-06}\n",
        "x.yaml:12: targets[ab\\u202ecd].name:",
        phrase="U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ),
    case(
        "right-to-left-override-in-an-id",
        edit("id: ofc", "id: o\u202efc"),
        "x.yaml:4: links[o\\u202efc].id:",
        phrase="is not a valid id",
    ),
    case(
        "a-name-of-spaces",
        edit("name: Minimal", "name: '   '"),
        "x.yaml:1: name:",
        phrase="the name is empty",
    ),
    case(
        "target-names-differing-in-case-and-spaces",
        BASE + TWO_TARGETS % "PHASE  1",
        "x.yaml:13: targets[PHASE  1].name:",
        phrase="names must differ in more than case, spacing or look-alike characters",
    ),
    case(
        "target-names-differing-in-full-width-letters",
        BASE + TWO_TARGETS % "Ｐｈａｓｅ 1",
        "x.yaml:13: targets[Ｐｈａｓｅ 1].name:",
        phrase="is already the name of entry 1",
    ),
]

NUMBERS = [
    case(
        "arabic-indic-digits-in-a-rate",
        edit("rate: 25%", "rate: '٢٥%'"),
        "x.yaml:10: demand[domestic].growth.rate:",
        phrase="is not a percentage",
    ),
    case(
        "full-width-digits-in-a-date",
        edit("end: 2030-12", "end: '２０３０-12'"),
        "x.yaml:2: period.end:",
        phrase="２０３０-12",
    ),
    case(
        "a-thousands-comma-inside-braces",
        edit("450 Gbps", "4,000 Gbps"),
        "x.yaml:6: links[ofc].phases[0].capacity: 4 has no unit",
        "x.yaml:6: links[ofc].phases[0].000 Gbps:",
        phrase="'000 Gbps' is the end of a number cut at a comma: inside { } a comma separates fields",
    ),
]

UNCERTAIN_FIELDS = [
    case(
        "share-ramp-sampled-down-to-0",
        edit("growth: {model: cagr, rate: 25%}", SHARE)
        + "uncertainty:\n  parameters:\n    demand.domestic.share.ramp: {dist: uniform, low: 0 months, high: 12 months}\n",
        "x.yaml:14: uncertainty.parameters.demand.domestic.share.ramp",
        phrase="outside what demand.domestic.share.ramp allows (1 month to 2400 months)",
    ),
    case(
        "true-as-a-choice",
        uncertain("    demand.domestic.growth.rate: {dist: choice, values: [true, 20%]}\n"),
        "x.yaml:13: uncertainty.parameters.demand.domestic.growth.rate.values[0]:",
        phrase="found true",
    ),
    case(
        "a-weight-of-1e10",
        uncertain(
            "    demand.domestic.growth.rate: {dist: choice, values: [10%, 20%], weights: [1e10, 1]}\n"
        ),
        "x.yaml:13: uncertainty.parameters.demand.domestic.growth.rate.weights[0]:",
        phrase="must be at most 1,000,000,000",
    ),
    case(
        "an-uncertain-period",
        uncertain("    period.end: {dist: delay, low: 0 months, mode: 1 month, high: 2 months}\n"),
        "x.yaml:13: uncertainty.parameters.period.end:",
        phrase="the period is the window the report covers",
    ),
    case(
        "an-uncertain-target",
        BASE
        + "targets:\n  - {name: T, capacity: 1 Tbps, by: 2027-06}\nuncertainty:\n  parameters:\n"
        + "    targets.T.capacity: {dist: uniform, low: 1 Tbps, high: 2 Tbps}\n",
        "x.yaml:15: uncertainty.parameters.targets.T.capacity:",
        phrase="a target is the goal capacity is measured against",
    ),
    case(
        "an-uncertain-lead-time",
        uncertain("    planning.default_lead_time: {dist: uniform, low: 1 month, high: 2 months}\n"),
        "x.yaml:13: uncertainty.parameters.planning.default_lead_time:",
        phrase="lead times date the orders of the capacity plan",
    ),
]

LIMITS = [
    case("51-links", links(50), "x.yaml:3: links:", phrase="takes at most 50 entries, found 51"),
    case(
        "201-growth-rates",
        edit(
            "growth: {model: cagr, rate: 25%}",
            "growth:\n      model: piecewise\n      rates:\n"
            + "".join(
                f"        - {{from: {2026 + k // 12}-{k % 12 + 1:02d}, rate: 5%}}\n" for k in range(201)
            ),
        ),
        "x.yaml:12: demand[domestic].growth.rates:",
        phrase="takes at most 200 entries, found 201",
    ),
    case(
        "201-sources",
        BASE + "sources:\n" + "".join(f"  s{k}: A report\n" for k in range(201)),
        "x.yaml:11: sources:",
        phrase="takes at most 200 entries, found 201",
    ),
    case(
        "101-uncertain-inputs",
        many_parameters(101),
        "x.yaml:114: uncertainty.parameters:",  # 34 links of 3 lines, then uncertainty:
        phrase="takes at most 100 entries, found 101",
    ),
    case(
        "2-million-samples-over-174-years",
        BASE.replace("end: 2030-12", "end: 2199-12") + f"uncertainty:\n  samples: 2000000\n  parameters:\n"
        f"    demand.domestic.growth.rate: {RATE}\n",
        "x.yaml:12: uncertainty.samples:",
        # 2,088 months; 500,000,000 // 2,088 = 239,463 samples
        phrase="2,000,000 samples over the period's 2,088 months is 4,176,000,000 sample-months; a run "
        "computes at most 500,000,000: over this period use at most 239,463 samples",
    ),
    case(
        "samples-flag-over-174-years",
        uncertain(f"    demand.domestic.growth.rate: {RATE}\n").replace("end: 2030-12", "end: 2199-12"),
        "x.yaml: --samples:",
        phrase="over this period use at most 239,463 samples",
        args=("--samples", "2000000"),
    ),
    case(
        "sobol-runs-over-174-years",
        uncertain(
            f"    demand.domestic.growth.rate: {RATE}\n"
            "    demand.domestic.base.value: {dist: uniform, low: 100 Gbps, high: 300 Gbps}\n",
            extra="  sobol_samples: 65536\n",
        ).replace("end: 2030-12", "end: 2199-12"),
        "x.yaml:12: uncertainty.sobol_samples:",
        # Sobol' indices evaluate n (d + 2) = 65,536 x 4 = 262,144 runs of 2,088 months
        phrase="547,356,672 sample-months",
    ),
]


@pytest.mark.parametrize("spec", PATHS + NAMES + NUMBERS + UNCERTAIN_FIELDS + LIMITS)
def test_refused_with_file_line_and_field(
    spec: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_refused(spec, tmp_path, capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["sweep", "x.yaml", "--param", "demand.domestic.growth.rate", "--range", "10%:20%:1e-300%"],
            "--range '10%:20%:1e-300%' gives more than a billion values; a sweep takes at most 10,000: "
            "take a larger step",
        ),
        (
            # (20 - 10) / 0.001 + 1 = 10,001 values
            ["sweep", "x.yaml", "--param", "demand.domestic.growth.rate", "--range", "10%:20%:0.001%"],
            "gives 10,001 values; a sweep takes at most 10,000",
        ),
        (["run", "x.yaml", "-o", ""], "argument -o/--output: give a folder name, e.g. -o reports"),
        (
            ["run", "x.yaml", "-o", "in-the-way", "--deterministic"],
            "cannot write the report to in-the-way/x: in-the-way is a file, not a folder; choose another "
            "-o DIR, or move the file",
        ),
    ],
    ids=["step-too-small-to-count", "step-one-value-too-small", "empty-output-folder", "a-file-in-the-way"],
)
def test_command_line_mistakes_are_one_clear_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "in-the-way").write_text("not a folder", encoding="utf-8")
    os.chdir(tmp_path)
    code, out, err = run_in_process(args, capsys)
    assert code == 2 and "Traceback" not in err and out == ""
    assert message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in-the-way", "x.yaml"]
    assert (tmp_path / "in-the-way").read_text(encoding="utf-8") == "not a folder"


def test_a_file_name_of_240_characters_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The stem names the report folder and its staging folder: both stay within 255 bytes."""
    stem = "n" * 240
    (tmp_path / f"{stem}.yaml").write_text(BASE, encoding="utf-8")
    os.chdir(tmp_path)
    code, _, err = run_in_process(["run", f"{stem}.yaml", "-o", "out", "--deterministic", "-q"], capsys)
    assert code == 0, err
    assert (tmp_path / "out" / stem / "report.pdf").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [stem]  # no staging left behind


def test_bass_coefficients_sweep_as_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--values hands p as text ('0.01'); the carried share at the end is end F(y) with
    F(y) = (1 - e^-(p+q)y) / (1 + (q/p) e^-(p+q)y), y = 59/12 years from 2026-01 to 2030-12."""
    text = edit(
        "growth: {model: cagr, rate: 25%}",
        "growth: {model: cagr, rate: 25%}\n    share: {model: bass, end: 10%, from: 2026-01, p: 0.03, q: 0.38}",
    )
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    os.chdir(tmp_path)
    args = [
        "sweep",
        "x.yaml",
        "--param",
        "demand.domestic.share.p",
        "--values",
        "0.01,0.05",
        "--deterministic",
    ]
    code, _, err = run_in_process([*args, "--jobs", "1", "-o", "out"], capsys)
    assert code == 0, err
    rows = (tmp_path / "out" / "sweep.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    demand = header.index("demand_at_horizon_gbps")
    y, q = 59 / 12, 0.38
    for row, p in zip(rows[1:], (0.01, 0.05), strict=True):
        share = 0.1 * (1 - math.exp(-(p + q) * y)) / (1 + q / p * math.exp(-(p + q) * y))
        expected = 200 * 1.25 ** (59 / 12) * share
        assert float(row.split(",")[demand]) == pytest.approx(expected, rel=1e-12)


def test_a_sweep_computes_at_most_a_billion_sample_months(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.yaml").write_text(
        uncertain(f"    demand.domestic.growth.rate: {RATE}\n"), encoding="utf-8"
    )
    os.chdir(tmp_path)
    values = ",".join(f"{100 + k} Gbps" for k in range(10))
    args = ["sweep", "x.yaml", "--param", "demand.domestic.base.value", "--values", values, "-o", "out"]
    code, out, err = run_in_process([*args, "--samples", "2000000"], capsys)
    assert code == 2 and out == "" and not (tmp_path / "out").exists()
    # 10 runs x 2,000,000 samples x 60 months (2026-01 to 2030-12)
    assert err == (
        "--param: 10 runs of 2,000,000 samples over 60 months is 1,200,000,000 sample-months in all; a sweep "
        "computes at most 1,000,000,000: use fewer values or --samples, or --deterministic\n"
    )
