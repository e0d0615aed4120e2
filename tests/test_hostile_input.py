"""Hostile and careless scenario files: refused with exit 2, one line naming the file, the line and
the field, no traceback, and nothing written.

Each case is a file (or files) written to a temporary folder and run through the command line
in-process (``capacity_model.cli.main``), so the cases are cheap. Cases that could allocate
without bound run again in a subprocess under a memory limit (``test_under_a_memory_limit``).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from capacity_model.cli import main
from tests.cli_helpers import cli_within
from tests.scenario_data import MINIMAL_YAML as BASE
from tests.scenario_data import OVERFLOWS_YAML as OVERFLOWS


def edit(old: str, new: str) -> str:
    """BASE with its one occurrence of ``old`` replaced by ``new``."""
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def uncertain(parameters: str, extra: str = "") -> str:
    """BASE with an uncertainty section (its parameters start on line 13)."""
    return BASE + f"uncertainty:\n{extra}  parameters:\n{parameters}"


@dataclass(frozen=True)
class Case:
    files: dict[str, str | bytes]
    """File name -> contents; the first file is the one named on the command line."""
    expected: tuple[str, ...]
    """Text each expected problem line starts with (``file:line: field``), in any order."""
    phrase: str
    """A phrase the first problem line must hold."""
    args: tuple[str, ...] = ()
    """More arguments, after the file."""
    setup: Callable[[Path], None] | None = field(default=None, compare=False)


def case(
    case_id: str,
    files: dict[str, str | bytes] | str | bytes,
    *expected: str,
    phrase: str,
    args: tuple[str, ...] = (),
    setup: Callable[[Path], None] | None = None,
) -> object:
    if not isinstance(files, dict):
        files = {"x.yaml": files}
    return pytest.param(Case(files, expected, phrase, args, setup), id=case_id)


def extends_chain(length: int) -> dict[str, str | bytes]:
    """x.yaml extends c1.yaml extends c2.yaml ... extends the base: ``length`` files in all."""
    files: dict[str, str | bytes] = {"x.yaml": "extends: c1.yaml\nname: Child\n"}
    for k in range(1, length - 1):
        files[f"c{k}.yaml"] = f"extends: c{k + 1}.yaml\n"
    files[f"c{length - 1}.yaml"] = BASE
    return files


def make_fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")


LOADER = [
    # --- characters ---------------------------------------------------------------------------
    case("nul-in-a-value", edit("name: Minimal", "name: Min\x00imal"), "x.yaml:1:", phrase="U+0000 (NUL)"),
    case("esc-in-a-value", edit("name: Minimal", "name: \x1b[31mred"), "x.yaml:1:", phrase="U+001B (ESC)"),
    case("del-in-a-comment", BASE + "# a comment\x7f\n", "x.yaml:11:", phrase="U+007F (DEL)"),
    case("c1-control", edit("domestic", "dom\u0085estic"), "x.yaml:8:", phrase="U+0085"),
    case("backspace", edit("450 Gbps", "450\x08 Gbps"), "x.yaml:6:", phrase="U+0008 (backspace)"),
    case(
        "control-in-a-parent",
        {"x.yaml": "extends: parent.yaml\nname: Child\n", "parent.yaml": edit("ofc", "o\x1bfc")},
        "parent.yaml:4:",
        phrase="U+001B (ESC)",
    ),
    case(
        "control-in-a-set-value",
        BASE,
        "--set demand.domestic.growth.rate=2\\x1b5%:",
        phrase="U+001B (ESC)",
        args=("--set", "demand.domestic.growth.rate=2\x1b5%"),
    ),
    case(
        "tab-indentation",
        BASE + "planning:\n\tmax_utilisation: 70%\n",
        "x.yaml:12:",
        phrase="indents with spaces",
    ),
    # --- numbers too long to read -------------------------------------------------------------
    case(
        "integer-of-5000-digits",
        BASE + "planning: {max_utilisation: " + "9" * 5000 + "}\n",
        "x.yaml:11: planning.max_utilisation:",
        phrase="5,000 characters long",
    ),
    case(
        "float-of-5000-digits",
        BASE + "planning: {max_utilisation: 0." + "1" * 5000 + "}\n",
        "x.yaml:11: planning.max_utilisation:",
        phrase="characters long",
    ),
    case(
        "seed-of-a-thousand-digits",
        uncertain(
            "    demand.domestic.growth.rate: {dist: uniform, low: 20%, high: 30%}\n",
            "  seed: " + "7" * 1000 + "\n",
        ),
        "x.yaml:12: uncertainty.seed:",
        phrase="characters long",
    ),
    # --- YAML merge keys ----------------------------------------------------------------------
    case(
        "merge-a-scalar",
        edit("{capacity: 450 Gbps,", "{<<: 5, capacity: 450 Gbps,"),
        "x.yaml:6: links[ofc].phases[0]",
        phrase="merge key (<<:) takes a mapping",
    ),
    case(
        "merge-a-list-of-scalars",
        edit("{capacity: 450 Gbps,", "{<<: [1, 2], capacity: 450 Gbps,"),
        "x.yaml:6: links[ofc].phases[0]:",
        phrase="merge key (<<:) takes a mapping",
    ),
    case(
        "merged-key-that-is-not-a-field",
        BASE.replace("demand:", "defaults: &d {color: red}\ndemand:").replace(
            "    growth: {model: cagr, rate: 25%}", "    <<: *d\n    growth: {model: cagr, rate: 25%}"
        ),
        "x.yaml:7: defaults:",
        "x.yaml:7: demand[domestic].color:",
        phrase="unknown field",
    ),
    # --- nesting and chains -------------------------------------------------------------------
    case(
        "flow-nesting-3000-deep",
        edit("name: Minimal", "name: " + "[" * 3000 + "]" * 3000),
        "x.yaml:1:",
        phrase="nest more than 64 levels",
    ),
    case(
        "block-nesting-100-deep",
        BASE + "".join(f"{'  ' * k}k{k}:\n" for k in range(100)) + "  " * 100 + "end: 1\n",
        "x.yaml:",
        phrase="nest more than 64 levels",
    ),
    case(
        "extends-chain-of-30",
        extends_chain(30),
        "c19.yaml:1: extends:",
        phrase="more than 20 files in a chain",
    ),
    # --- files that are not regular files -----------------------------------------------------
    case(
        "extends-a-device",
        {"x.yaml": "extends: /dev/zero\nname: Child\n"},
        "x.yaml:1: extends:",
        phrase="not a regular file",
    ),
    case(
        "extends-a-folder",
        {"x.yaml": "extends: sub\nname: Child\n", "sub/keep.txt": ""},
        "x.yaml:1: extends:",
        phrase="is a folder",
    ),
    case(
        "extends-a-fifo",
        {"x.yaml": "extends: pipe.yaml\nname: Child\n"},
        "x.yaml:1: extends:",
        phrase="not a regular file",
        setup=make_fifo,
    ),
    # --- text too long ------------------------------------------------------------------------
    case(
        "a-100-KB-name",
        edit("name: Minimal", "name: " + "n" * 100_000),
        "x.yaml:1: name:",
        phrase="at most 200 characters",
    ),
    case(
        "a-100-KB-citation",
        BASE + "sources: {ref: " + "c" * 100_000 + "}\n",
        "x.yaml:11: sources.ref:",
        phrase="at most 2,000 characters",
    ),
    case(
        "a-2-MB-file",
        BASE + "# " + "p" * 2_000_000 + "\n",
        "x.yaml:",
        phrase="at most 1,000,000 bytes",
    ),
]

RANGES = [
    case(
        "year-0000",
        edit("end: 2030-12", "end: 0000-12"),
        "x.yaml:2: period.end:",
        phrase="outside the years 1900 to 2200",
    ),
    case(
        "year-1899",
        edit("at: 2026-01", "at: 1899-12"),
        "x.yaml:9: demand[domestic].base.at:",
        phrase="1900 to 2200",
    ),
    case("year-2201", edit("in_service: 2025-01", "in_service: 2201-01"), "x.yaml:6:", phrase="1900 to 2200"),
    case(
        "duration-of-201-years",
        edit("in_service: 2025-01}", "in_service: 2025-01, lead_time: 201 years}"),
        "x.yaml:6: links[ofc].phases[0].lead_time:",
        phrase="more than 200 years",
    ),
    case(
        "default-lead-time-of-1000-years",
        BASE + "planning: {default_lead_time: 1000 years}\n",
        "x.yaml:11: planning.default_lead_time:",
        phrase="more than 200 years",
    ),
    case(
        "tiny-threshold",
        BASE + "planning: {max_utilisation: 1e-306%}\n",
        "x.yaml:11: planning.max_utilisation:",
        phrase="at least 1%",
    ),
    case(
        "samples-above-the-cap",
        uncertain(
            "    demand.domestic.growth.rate: {dist: uniform, low: 20%, high: 30%}\n", "  samples: 3000000\n"
        ),
        "x.yaml:12: uncertainty.samples:",
        phrase="at most 2,000,000",
    ),
    case(
        "sobol-samples-above-the-cap",
        uncertain(
            "    demand.domestic.growth.rate: {dist: uniform, low: 20%, high: 30%}\n",
            "  sobol_samples: 1048576\n",
        ),
        "x.yaml:12: uncertainty.sobol_samples:",
        phrase="at most 65,536",
    ),
    case(
        "lognormal-mu-1000",
        uncertain("    demand.domestic.base.value: {dist: lognormal, mu: 1000, sigma: 1}\n"),
        "x.yaml:13: uncertainty.parameters.demand.domestic.base.value.mu:",
        phrase="at most 50",
    ),
    case(
        "lognormal-sigma-1e300",
        uncertain("    demand.domestic.base.value: {dist: lognormal, mu: 5, sigma: 1e300}\n"),
        "x.yaml:13: uncertainty.parameters.demand.domestic.base.value.sigma:",
        phrase="at most 10",
    ),
    case(
        "lognormal-tiny-median",
        uncertain(
            "    demand.domestic.base.value: {dist: lognormal, median: 1e-300 Gbps, p90: 1e-299 Gbps}\n"
        ),
        "x.yaml:13: uncertainty.parameters.demand.domestic.base.value",
        phrase="",
    ),
    case(
        "pert-shape-infinite",
        uncertain(
            "    demand.domestic.growth.rate: {dist: pert, low: 20%, mode: 25%, high: 30%, shape: .inf}\n"
        ),
        "x.yaml:13: uncertainty.parameters.demand.domestic.growth.rate.shape:",
        phrase="finite",
    ),
    case(
        "choice-weights-nan",
        uncertain(
            "    demand.domestic.growth.rate: {dist: choice, values: [20%, 30%], weights: [.nan, 1]}\n"
        ),
        "x.yaml:13: uncertainty.parameters.demand.domestic.growth.rate.weights",
        phrase="finite",
    ),
    case(
        "choice-weights-infinite",
        uncertain(
            "    demand.domestic.growth.rate: {dist: choice, values: [20%, 30%], weights: [.inf, 1]}\n"
        ),
        "x.yaml:13: uncertainty.parameters.demand.domestic.growth.rate.weights",
        phrase="finite",
    ),
    case(
        "sampled-threshold-below-1%",
        uncertain("    planning.max_utilisation: {dist: uniform, low: 0.1%, high: 70%}\n"),
        "x.yaml:13: uncertainty.parameters.planning.max_utilisation",
        phrase="outside what planning.max_utilisation allows",
    ),
    case(
        "delay-past-2200",
        edit("in_service: 2025-01}", "in_service: 2025-01}\n      - {capacity: 1 Tbps, in_service: 2190-01}")
        + "uncertainty:\n  parameters:\n    links.ofc.phases[1].in_service: {dist: delay, low: 0 months, mode: 1 year, high: 20 years}\n",
        "x.yaml:14: uncertainty.parameters.links.ofc.phases[1].in_service",
        phrase="outside what",
    ),
    case(
        "samples-flag-above-the-cap",
        BASE,
        "--samples",
        phrase="must be from 1 to 2,000,000",
        args=("--samples", "3000000"),
    ),
    case("seed-flag-negative", BASE, "--seed", phrase="must be from 0", args=("--seed", "-1")),
]


def write(folder: Path, spec: Case) -> Path:
    for name, content in spec.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if spec.setup is not None:
        spec.setup(folder)
    return folder / next(iter(spec.files))


def run_in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse refuses a flag's value
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def hidden_characters(text: str) -> list[str]:
    """Characters of ``text`` but line breaks that a terminal would act on or not show."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


def assert_refused(spec: Case, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``run`` of the case's first file exits 2 with the expected lines and phrase on stderr,
    nothing on stdout, no traceback, no character hidden from a reader, and writes nothing."""
    path = write(folder, spec)
    before = sorted(p.name for p in folder.rglob("*"))
    os.chdir(folder)
    code, out, err = run_in_process(["run", path.name, "-o", "out", *spec.args], capsys)
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    lines = err.splitlines()
    for expected in spec.expected:
        assert any(line.startswith(expected) or expected in line for line in lines), (expected, err)
    assert spec.phrase in err, err
    assert hidden_characters(err) == []  # control, bidi and zero-width characters are escaped
    assert not (folder / "out").exists()
    assert sorted(p.name for p in folder.rglob("*")) == before  # nothing written


@pytest.mark.parametrize("spec", LOADER + RANGES)
def test_refused_with_file_line_and_field(
    spec: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_refused(spec, tmp_path, capsys)


def test_validate_reports_each_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(edit("name: Minimal", "name: \x1b"), encoding="utf-8")
    os.chdir(tmp_path)
    code, out, err = run_in_process(["validate", "good.yaml", "bad.yaml"], capsys)
    assert code == 2
    assert out.startswith("good.yaml: ok")
    assert err.startswith("bad.yaml:1: ")


def test_yaml_merge_keys_fill_in_what_a_mapping_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edit(
        "      - {capacity: 450 Gbps, in_service: 2025-01}",
        "      - &first {capacity: 450 Gbps, in_service: 2025-01, lead_time: 6 months}\n"
        "      - {<<: *first, capacity: 1 Tbps, in_service: 2027-01}",
    )
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    os.chdir(tmp_path)
    code, _, err = run_in_process(["validate", "x.yaml"], capsys)
    assert code == 0, err
    from capacity_model.scenario_files import load_scenario

    first, second = load_scenario(tmp_path / "x.yaml").links[0].phases
    assert (second.capacity, second.in_service, second.lead_time) == (1000.0, first.in_service + 24, 6)


#: Cases that could allocate without bound, run in a subprocess limited to 1 GB of address space.
MEMORY_CASES = [
    (
        "aliases-that-multiply",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + k)}: &{chr(98 + k)} [*{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}]\n"
            for k in range(8)
        ),
        "holds more than 100,000 values (counting each use of a YAML alias",
    ),
    ("deep-flow-nesting", "name: " + "[" * 100_000 + "]" * 100_000 + "\n", "nest more than 64 levels"),
    ("a-huge-number", "name: " + "9" * 900_000 + "\n", "characters long"),
]


@pytest.mark.parametrize(("case_id", "text", "phrase"), MEMORY_CASES, ids=[c[0] for c in MEMORY_CASES])
def test_under_a_memory_limit(case_id: str, text: str, phrase: str, tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    result = cli_within(1024 * 1024 * 1024, "run", "x.yaml", "-o", "out", cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stderr
    assert phrase in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("run", "x.yaml", "-o", "out"),
        ("validate", "x.yaml"),  # validate computes the central case too
        ("plan", "x.yaml"),
        ("compare", "x.yaml", "-o", "out"),
        (
            "sweep",
            "x.yaml",
            "--param",
            "demand.domestic.base.value",
            "--values",
            "100 Gbps,200 Gbps",
            "--jobs",
            "2",
            "-o",
            "out",
        ),
        ("solve", "x.yaml", "--find", "demand.domestic.base.value", "--so-that", "no shortfall", "-o", "out"),
    ],
    ids=lambda c: c[0],
)
def test_a_failure_found_by_computing_names_file_line_and_field(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.yaml").write_text(OVERFLOWS, encoding="utf-8")
    os.chdir(tmp_path)
    code, _, err = run_in_process(list(command), capsys)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0] == (
        "x.yaml:10: demand[domestic].growth: growth from the base overflows within the period; check the "
        "growth rates and how far base.at is from the period"
    )
    assert not (tmp_path / "out").exists()


def test_a_failure_in_a_parent_file_names_the_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "parent.yaml").write_text(OVERFLOWS, encoding="utf-8")
    (tmp_path / "x.yaml").write_text("extends: parent.yaml\nname: Child\n", encoding="utf-8")
    os.chdir(tmp_path)
    code, _, err = run_in_process(["run", "x.yaml", "-o", "out"], capsys)
    assert code == 2
    assert err.startswith("parent.yaml:10: demand[domestic].growth: growth from the base overflows")


@pytest.mark.parametrize(
    "command", ["run", "validate", "plan", "compare", "sweep", "solve", "init", "schema"]
)
def test_help_texts_show_percent_signs_once(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "%%" not in text and "usage: capacity-model" in text


def test_a_negative_value_may_follow_an_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    os.chdir(tmp_path)
    code, out, err = run_in_process(
        [
            "solve",
            "x.yaml",
            "--find",
            "demand.domestic.growth.rate",
            "--so-that",
            "no shortfall",
            "--between",
            "-50%:100%",
            "-o",
            "out",
        ],
        capsys,
    )
    assert code == 0, err
    # 450 Gbps at 70% holds 315 Gbps: 200 Gbps reaches it in the last month (59) at (315/200)^(12/59) - 1.
    answer = float(out.split("at most ")[1].split("%")[0]) / 100
    assert answer == pytest.approx((315 / 200) ** (12 / 59) - 1, abs=1e-5)


def test_set_takes_the_counts_of_the_uncertainty_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.yaml").write_text(
        uncertain("    demand.domestic.growth.rate: {dist: uniform, low: 20%, high: 30%}\n"), encoding="utf-8"
    )
    os.chdir(tmp_path)
    code, _, err = run_in_process(
        ["validate", "x.yaml", "--set", "uncertainty.sobol_samples=1024", "--set", "uncertainty.samples=500"],
        capsys,
    )
    assert code == 0, err
    code, _, err = run_in_process(["validate", "x.yaml", "--set", "uncertainty.sobol_samples=1000"], capsys)
    assert (
        code == 2
        and err
        == "--set uncertainty.sobol_samples=1000: uncertainty.sobol_samples: 1000 is not a power of 2; use e.g. 4096 or 8192\n"
    )
