"""The starter scenario of ``capacity-model init``: it validates, runs, cites, and keeps any name."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from capacity_model.engine import project
from capacity_model.json_schema import scenario_json_schema
from capacity_model.scenario_files import load_scenario, read_yaml, scenario_from_data
from capacity_model.schema import Scenario
from capacity_model.starter import NAME_PLACEHOLDER, starter_text

from .cli_helpers import cli

NAMES = [
    "my-study",
    'it\'s: a "test" # not a comment',
    "Ünïcødé – 😀",
    "null",
    "2029",
    "yes",
    "{braces}, [brackets]",
    "*alias &anchor !tag %percent @at `tick`",
    "back\\slash and \\n",
    "x" * 200,
]


def load(text: str) -> Scenario:
    data, lines = read_yaml(text, "starter.yaml")
    return scenario_from_data(data, lines, "starter.yaml")


def test_template_holds_the_name_placeholder_once() -> None:
    template = resources.files("capacity_model").joinpath("starter.yaml").read_text(encoding="utf-8")
    assert template.count(NAME_PLACEHOLDER) == 1
    assert NAME_PLACEHOLDER not in starter_text("my-study")


def test_starter_validates_runs_and_cites() -> None:
    scenario = load(starter_text("my-study"))
    assert scenario.name == "my-study"
    assert len(scenario.links) == 1 and len(scenario.links[0].phases) == 2
    assert len(scenario.targets) == 1
    assert len(scenario.demand) == 2 and [s.share is not None for s in scenario.demand] == [False, True]
    assert scenario.uncertainty is None
    assert all(p.source for p in scenario.links[0].phases)
    assert all(t.source for t in scenario.targets)
    assert all(s.base is not None and s.base.source and s.growth.source for s in scenario.demand)
    projection = project(scenario)
    assert projection.months.size == 180


def test_starter_satisfies_the_json_schema() -> None:
    data = read_yaml(starter_text("my-study"))[0]
    jsonschema.Draft202012Validator(scenario_json_schema()).validate(data)


def test_starter_reads_as_a_question_and_sets_no_schema() -> None:
    lines = starter_text("my-study").splitlines()
    assert lines[0].startswith("# Question:")
    # The schema is explained, not set: a modeline pointing at a missing file is an editor error.
    assert not any(re.match(r"#\s*yaml-language-server\s*:", line) for line in lines)
    assert "capacity-model schema > scenario.schema.json" in "\n".join(lines)


def test_commented_uncertainty_example_is_valid_once_uncommented() -> None:
    lines = starter_text("my-study").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("# uncertainty:")))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("#   "))
    uncommented = [line.removeprefix("# ") for line in lines[start:end]]
    scenario = load("\n".join(lines[:start] + uncommented + lines[end:]))
    assert scenario.uncertainty is not None
    assert [p.path for p in scenario.parameters()] == [
        "demand.pakistan-china.growth.rate",
        "demand.chinese-transit.share.end",
    ]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_any_name_reads_back_unchanged(name: str) -> None:
    text = starter_text(name)
    assert len(text.splitlines()) == len(starter_text("x").splitlines())  # on one line
    assert load(text).name == name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("two\nlines", "two lines"),
        ("  spaced  ", "spaced"),
        ("tab\there", "tab here"),
        ("nel\x85 and line separator\u2028", "nel  and line separator"),
        ("zero\u200bwidth \u202eright-to-left", "zero width  right-to-left"),
        ("\u200d joined \u200c", "\u200d joined \u200c"),  # joiners shape scripts: kept
    ],
)
def test_hidden_characters_of_a_file_name_become_spaces(name: str, shown: str) -> None:
    assert load(starter_text(name)).name == shown.strip()


def test_empty_name_is_refused() -> None:
    with pytest.raises(ValueError, match="the scenario name is empty"):
        starter_text("  ")


def test_a_name_longer_than_a_name_may_be_is_refused() -> None:
    with pytest.raises(ValueError, match="the scenario name would be 201 characters; a name is at most 200"):
        starter_text("x" * 201)


# The command line (`capacity-model init NAME.yaml [--force]`).


def test_init_writes_a_scenario_that_validates_and_runs(tmp_path: Path) -> None:
    result = cli("init", "my-study.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "my-study.yaml"
    assert written.read_text(encoding="utf-8") == starter_text("my-study")
    assert load_scenario(written).name == "my-study"
    validated = cli("validate", "my-study.yaml", cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr
    run = cli("run", "my-study.yaml", "-o", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "my-study" / "report.pdf").is_file()


def test_init_names_the_scenario_after_the_file_whatever_its_characters(tmp_path: Path) -> None:
    result = cli("init", 'it\'s: "a" #test.yaml', cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert load_scenario(tmp_path / 'it\'s: "a" #test.yaml').name == 'it\'s: "a" #test'


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "my-study.yaml"
    existing.write_text("name: mine\n", encoding="utf-8")
    result = cli("init", "my-study.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "my-study.yaml" in result.stderr and "Traceback" not in result.stderr
    assert existing.read_text(encoding="utf-8") == "name: mine\n"


def test_init_force_overwrites(tmp_path: Path) -> None:
    existing = tmp_path / "my-study.yaml"
    existing.write_text("name: mine\n", encoding="utf-8")
    result = cli("init", "my-study.yaml", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert existing.read_text(encoding="utf-8") == starter_text("my-study")


def test_init_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    result = cli("init", "missing/my-study.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "missing" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "missing").exists()


def test_init_writes_the_editor_modeline_when_the_schema_is_near(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "schema").mkdir(parents=True)
    (project / "scenarios").mkdir()
    (project / "schema" / "scenario.schema.json").write_text("{}", encoding="utf-8")
    result = cli("init", "study.yaml", cwd=project / "scenarios")
    assert result.returncode == 0, result.stderr
    text = (project / "scenarios" / "study.yaml").read_text(encoding="utf-8")
    assert text == starter_text("study", "../schema/scenario.schema.json")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/scenario.schema.json"
    assert load_scenario(project / "scenarios" / "study.yaml").name == "study"
    beside = cli("init", "here.yaml", cwd=project / "schema")
    assert beside.returncode == 0, beside.stderr
    assert (
        (project / "schema" / "here.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    )
