"""Bad scenario files and bad command lines, through the real command line.

Every case in ``CASES`` is a scenario file with one or more mistakes. It is run in a
subprocess with both ``validate`` and ``run -o out``, and each must:

* exit with code 2;
* print every problem on stderr, one line each, as ``FILE:LINE: field.path: message``
  (list entries named by their ``id``, targets by their ``name``), and no traceback;
* print nothing on stdout;
* write nothing: no ``out`` folder (or an empty one) and no other new file.

The expected line numbers and field paths were worked out by hand from the YAML of
each case. Mistakes that do not hide one another share a file (which also checks that
every problem of a file is reported): ``run`` costs about 2 s even for a bad file, so
one file per mistake would make this module far too slow. ``validate`` and ``run`` of
a case are started at the same time.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli_helpers import cli
from tests.scenario_data import MINIMAL_YAML as BASE

FILE = "bad.yaml"


def edit(old: str, new: str) -> str:
    """BASE with its one occurrence of ``old`` replaced by ``new``."""
    assert BASE.count(old) == 1, f"{old!r} must occur once in BASE"
    return BASE.replace(old, new)


def lines(text: str) -> str:
    """A scenario written in the table: indented like the code, with line 1 after the quotes."""
    return textwrap.dedent(text).removeprefix("\n")


@dataclass(frozen=True)
class Case:
    content: str | bytes
    """The whole scenario file."""
    expected: tuple[tuple[int, str, str], ...]
    """``(line, field path, phrase)`` of each problem that must be reported; ``""`` for no field."""
    payload: str | None = None
    """A file that a YAML tag would create in the working folder if it were executed."""


def case(
    case_id: str,
    content: str | bytes,
    *expected: tuple[int, str, str],
    payload: str | None = None,
    xfail: str | None = None,
) -> object:
    marks = [pytest.mark.xfail(reason=xfail, strict=True)] if xfail else []
    return pytest.param(Case(content, expected, payload), id=case_id, marks=marks)


CASES = [
    # --- the file as a whole: one problem each ----------------------------------------------
    case("empty-file", "", (1, "", "empty")),
    case("only-comments", "# A scenario, to be written\n# later.\n", (1, "", "empty")),
    # The flow mapping opened on line 2 is never closed; YAML notices at the ':' of line 3.
    case(
        "yaml-unclosed-brace",
        edit("end: 2030-12}", "end: 2030-12"),
        (3, "", "YAML syntax error"),
        (3, "", "while parsing a flow mapping started on line 2"),
    ),
    case("yaml-unclosed-at-end", "name: [\n", (1, "", "at the end of the file")),
    # " period:" continues the value of name (line 1), where a mapping is not allowed.
    case("yaml-bad-indentation", edit("period:", " period:"), (2, "", "YAML syntax error")),
    case(
        "top-level-is-a-list",
        "- name: Minimal\n- period: {start: 2026-01, end: 2030-12}\n",
        (1, "", "mapping"),
    ),
    case("top-level-is-a-string", "# A scenario\nMinimal scenario\n", (2, "", "mapping")),
    case(
        "not-utf-8",
        b"# A scenario\nname: Caf\xe9\n" + BASE.split("\n", 1)[1].encode(),
        (2, "", "UTF-8"),
    ),
    # --- fields: several mistakes per file, all reported ----------------------------------
    case(
        "missing-fields-and-wrong-types",
        lines("""
            name: {en: Minimal}
            planning: [70%]
            links:
              - id: ofc
                phases:
                  - {in_service: 2025-01}
            targets: 5
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {rate: 25%}
        """),
        (1, "period", "missing"),
        (6, "links[ofc].phases[0].capacity", "missing"),
        (11, "demand[domestic].growth", "'model'"),
        (1, "name", "expected text"),
        (2, "planning", "expected a mapping"),
        (7, "targets", "expected a list"),
    ),
    case(
        "unknown-names-did-you-mean",
        lines("""
            name: Minimal
            peroid: {start: 2026-01, end: 2030-12}
            links:
              - id: ofc
                phases:
                  - {capcity: 450 Gbps, in_service: 2025-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01, sorce: x}
                growth: {model: cagrr, rate: 25%}
        """),
        (2, "peroid", "did you mean 'period'?"),
        (6, "links[ofc].phases[0].capcity", "did you mean 'capacity'?"),
        (9, "demand[domestic].base.sorce", "did you mean 'source'?"),
        (10, "demand[domestic].growth.model", "did you mean 'cagr'?"),
    ),
    case(
        "bad-bit-rates",
        lines("""
            name: Minimal
            period: {start: 2026-01, end: 2030-12}
            links:
              - id: ofc
                phases:
                  - {capacity: 450, in_service: 2025-01}
                  - {capacity: 450 Gbit/h, in_service: 2026-01}
                  - {capacity: 450 gigs, in_service: 2027-01}
                  - {capacity: 4 TB/s, in_service: 2028-01}
                  - {capacity: 4 TB, in_service: 2029-01}
                  - {capacity: -450 Gbps, in_service: 2030-01}
            targets:
              - {name: Phase 1, capacity: 0 Tbps, by: 2027-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
        """),
        (6, "links[ofc].phases[0].capacity", "no unit"),
        (7, "links[ofc].phases[1].capacity", "not a bit rate"),
        (8, "links[ofc].phases[2].capacity", "not a bit rate"),
        (9, "links[ofc].phases[3].capacity", "byte rate"),
        (10, "links[ofc].phases[4].capacity", "'4 TB' is not a bit rate; write e.g. '4 Tbps'"),
        (11, "links[ofc].phases[5].capacity", "more than 0"),
        (13, "targets[Phase 1].capacity", "more than 0"),
    ),
    case(
        "bad-percentages",
        lines("""
            name: Minimal
            period: {start: 2026-01, end: 2030-12}
            planning: {max_utilisation: 170%}
            links:
              - id: ofc
                phases:
                  - {capacity: 450 Gbps, in_service: 2025-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
                share: {model: linear, start: 0%, end: -5%, from: 2026-01, to: 2030-01}
              - id: transit
                base: {value: 8 Tbps, at: 2026-01}
                growth: {model: cagr, rate: 24%}
                share: {model: constant, value: 12.5}
        """),
        (3, "planning.max_utilisation", "0-100%"),
        (12, "demand[domestic].share.end", "0-100%"),
        (16, "demand[transit].share.value", "'12.5%'"),
    ),
    case(
        "bad-dates-and-durations",
        lines("""
            name: Minimal
            period: {start: 2026-01, end: 2029-Q5}
            links:
              - id: ofc
                phases:
                  - {capacity: 450 Gbps, in_service: 2029-13, lead_time: 12}
                  - {capacity: 1 Tbps, in_service: 2030-01, ramp: 2.5 months}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: June 2029}
                growth: {model: cagr, rate: 25%}
        """),
        (2, "period.end", "quarter"),
        (6, "links[ofc].phases[0].in_service", "month"),
        (6, "links[ofc].phases[0].lead_time", "no unit"),
        (7, "links[ofc].phases[1].ramp", "whole number of months"),
        (10, "demand[domestic].base.at", "not a date"),
    ),
    # --- rules across fields -----------------------------------------------------------------
    case(
        "period-backwards-phases-unordered-demand-id-twice",
        lines("""
            name: Minimal
            period: {start: 2030-12, end: 2026-01}
            links:
              - id: ofc
                phases:
                  - {capacity: 1 Tbps, in_service: 2027-01}
                  - {capacity: 450 Gbps, in_service: 2025-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
              - id: domestic
                base: {value: 1 Tbps, at: 2026-01}
                growth: {model: cagr, rate: 10%}
        """),
        (2, "period.end", "before start"),
        (7, "links[ofc].phases[1].in_service", "date order"),
        (12, "demand[domestic].id", "must be unique"),
    ),
    case(
        "link-id-and-target-name-twice",
        lines("""
            name: Minimal
            period: {start: 2026-01, end: 2030-12}
            links:
              - id: ofc
                phases:
                  - {capacity: 450 Gbps, in_service: 2025-01}
              - id: ofc
                phases:
                  - {capacity: 1 Tbps, in_service: 2026-01}
            targets:
              - {name: Phase 1, capacity: 1 Tbps, by: 2027-01}
              - {name: Phase 1, capacity: 4 Tbps, by: 2029-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
        """),
        (7, "links[ofc].id", "must be unique"),
        (12, "targets[Phase 1].name", "must be unique"),
    ),
    case(
        "source-undefined-close-to-a-key",
        edit("in_service: 2025-01}", "in_service: 2025-01, source: pta-ofc}")
        + "sources:\n  pta_ofc: PTA presentation, 2025\n",
        (6, "links[ofc].phases[0].source", "did you mean 'pta_ofc'?"),
    ),
    case(
        "source-without-sources-section",
        edit("rate: 25%}", "rate: 25%, source: growth}"),
        (10, "demand[domestic].growth.source", "not defined"),
    ),
    # --- YAML that must not be obeyed ---------------------------------------------------------
    case(
        "yaml-recursive-alias",
        "name: &loop [*loop]\n",
        (1, "name[0]", "a YAML alias (*name) refers to the value that contains it"),
    ),
    case(
        "duplicate-keys",
        lines("""
            name: Minimal
            name: Other
            period: {start: 2026-01, start: 2027-01, end: 2030-12}
            links:
              - id: ofc
                phases:
                  - {capacity: 450 Gbps, in_service: 2025-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
        """),
        (2, "name", "twice"),
        (3, "period.start", "twice"),
    ),
    case(
        "plan-rule-and-priorities-out-of-range",
        lines("""
            name: Minimal
            period: {start: 2026-01, end: 2030-12}
            planning:
              upgrade: {step: 0 Gbps, horizon: 0 months, lead_time: 51 years}
            links:
              - id: ofc
                phases:
                  - {capacity: 450 Gbps, in_service: 2025-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
                priority: 1.5
              - id: other
                base: {value: 20 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
                priority: -1
              - id: third
                base: {value: 20 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
                priority: true
              - id: fourth
                base: {value: 20 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
                priority: 1001
        """),
        (4, "planning.upgrade.step", "more than 0"),
        (4, "planning.upgrade.horizon", "from 1 month to 50 years"),
        (4, "planning.upgrade.lead_time", "at most 50 years"),
        (13, "demand[domestic].priority", "1.5 is not a whole number; a priority is a whole number from 0"),
        (17, "demand[other].priority", "-1 is outside 0 to 1000"),
        (21, "demand[third].priority", "true is not a whole number"),
        (25, "demand[fourth].priority", "1001 is outside 0 to 1000"),
    ),
    case(
        "python-tags",
        lines("""
            name: !!python/object/apply:os.system ["touch pwned"]
            period: {start: 2026-01, end: 2030-12}
            planning: !!python/object:os.system {max_utilisation: 70%}
            links:
              - id: ofc
                phases:
                  - {capacity: 450 Gbps, in_service: 2025-01}
            demand:
              - id: domestic
                base: {value: 200 Gbps, at: 2026-01}
                growth: {model: cagr, rate: 25%}
        """),
        (1, "name", "not allowed"),
        (3, "planning", "not allowed"),
        payload="pwned",
    ),
    case(
        "python-tag-and-duplicate-key-in-list-entries",
        lines("""
            name: Minimal
            period: {start: 2026-01, end: 2030-12}
            links:
              - id: ofc
                phases:
                  - !!python/object/apply:subprocess.call [[touch, pwned-too]]
            demand:
              - id: domestic
                base: {value: 200 Gbps, value: 1 Tbps, at: 2026-01}
                growth: !!python/object:os.system {model: cagr, rate: 25%}
        """),
        (6, "links[ofc].phases[0]", "not allowed"),
        (9, "demand[domestic].base.value", "twice"),
        (10, "demand[domestic].growth", "not allowed"),
        payload="pwned-too",
    ),
]


def validate_and_run(folder: Path, files: Sequence[str]) -> list[subprocess.CompletedProcess[str]]:
    """``validate FILES`` and ``run FILES -o folder/out``, started at the same time in ``folder``."""
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(cli, "validate", *files, cwd=folder),
            pool.submit(cli, "run", *files, "-o", folder / "out", cwd=folder),
        ]
        return [f.result() for f in futures]


def assert_failed_cleanly(result: subprocess.CompletedProcess[str]) -> None:
    shown = f"{' '.join(map(str, result.args[3:]))}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr, shown
    assert result.returncode == 2, shown
    assert result.stdout == "", shown


def assert_nothing_written(folder: Path, inputs: Sequence[str]) -> None:
    """Only the inputs are in ``folder``, and at most an empty ``out`` folder."""
    out = folder / "out"
    if out.is_dir():
        assert sorted(p.name for p in out.rglob("*")) == [], "files written into the out folder"
    new = sorted(p.name for p in folder.iterdir() if p.name not in inputs and not (p == out and p.is_dir()))
    assert new == [], "new files beside the input"


@pytest.mark.parametrize("bad", CASES)
def test_bad_scenario_is_reported_by_line_and_nothing_is_written(bad: Case, tmp_path: Path) -> None:
    if isinstance(bad.content, bytes):
        (tmp_path / FILE).write_bytes(bad.content)
    else:
        (tmp_path / FILE).write_text(bad.content, encoding="utf-8")

    results = validate_and_run(tmp_path, [FILE])
    if bad.payload:
        assert not (tmp_path / bad.payload).exists(), "a command in a YAML tag was executed"
    assert_nothing_written(tmp_path, [FILE])

    for result in results:
        assert_failed_cleanly(result)
        stderr = result.stderr.splitlines()
        for line, field, phrase in bad.expected:
            start = f"{FILE}:{line}: " + (f"{field}: " if field else "")
            assert any(s.startswith(start) and phrase in s for s in stderr), (
                f"{result.args[3]}: no stderr line starts with {start!r} and contains {phrase!r}:\n"
                + result.stderr
            )
        # One problem per line, each FILE:LINE: ... (matplotlib may announce building its font cache).
        for s in stderr:
            assert re.match(rf"{re.escape(FILE)}:\d+: \S", s) or s.startswith("Matplotlib "), result.stderr


def test_file_that_does_not_exist(tmp_path: Path) -> None:
    for result in validate_and_run(tmp_path, ["nowhere.yaml"]):
        assert_failed_cleanly(result)
        assert re.search(r"nowhere\.yaml.*(not found|does not exist|no such file)", result.stderr, re.I), (
            result.stderr
        )
    assert_nothing_written(tmp_path, [])


def test_folder_given_as_file(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    for result in validate_and_run(tmp_path, ["scenarios"]):
        assert_failed_cleanly(result)
        assert re.search(r"scenarios.*(folder|directory)", result.stderr, re.I), result.stderr
    assert_nothing_written(tmp_path, ["scenarios"])
    assert list((tmp_path / "scenarios").iterdir()) == []


def test_one_bad_file_stops_the_whole_run(tmp_path: Path) -> None:
    """A valid file is not run when another file is invalid; the problems of every file are listed."""
    files = {
        "good.yaml": BASE,
        "bad.yaml": edit("capacity: 450 Gbps", "capacity: 450"),
        "worse.yaml": edit("period:", "peroid:"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    validated, ran = validate_and_run(tmp_path, list(files))
    # validate says which files are good; run writes nothing and says nothing on stdout.
    assert validated.stdout.startswith("good.yaml: ok (") and validated.returncode == 2
    assert_failed_cleanly(ran)
    for result in (validated, ran):
        assert "bad.yaml:6: links[ofc].phases[0].capacity: " in result.stderr
        assert "worse.yaml:2: peroid: " in result.stderr
        assert "good.yaml" not in result.stderr and "Traceback" not in result.stderr
    assert_nothing_written(tmp_path, list(files))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="no-arguments"),
        pytest.param(["frobnicate", FILE], id="unknown-subcommand"),
        pytest.param(["validate", "--frobnicate", FILE], id="unknown-option-validate"),
        pytest.param(["run", "--frobnicate", FILE], id="unknown-option-run"),
        pytest.param(["run"], id="run-without-files"),
    ],
)
def test_usage_error(args: list[str], tmp_path: Path) -> None:
    (tmp_path / FILE).write_text(BASE, encoding="utf-8")
    result = cli(*args, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert "usage:" in result.stderr
    assert result.stdout == ""
    assert_nothing_written(tmp_path, [FILE])
