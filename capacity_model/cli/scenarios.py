"""What every command does with the scenario files it names: load them (with
``--set`` and ``--samples``), split them by corridor, project them, and name the folders
they are written to."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..corridors import corridor_ids
from ..errors import CapacityModelError, Problem, ScenarioError
from ..scenario_files import LoadedScenario, load, unique
from ..schema import workload_findings
from ..uncertainty import workload_problems
from ..units import format_month
from .console import echo

if TYPE_CHECKING:
    from ..engine import Projection
    from ..engine.network import Network


def samples_of(arguments: argparse.Namespace) -> int | None:
    """``--samples``, when the command samples at all."""
    return None if getattr(arguments, "deterministic", False) else getattr(arguments, "samples", None)


def load_all(
    files: Sequence[Path],
    overrides: Sequence[str] = (),
    samples: int | None = None,
    command: str | None = None,
) -> list[LoadedScenario]:
    """Load every file, collecting the problems of all of them before failing; ``samples``
    (``--samples``) must keep each run within :data:`~capacity_model.uncertainty.MAX_SAMPLE_MONTHS`.
    A ``command`` other than ``run`` looks at one corridor: a file with several is refused."""
    loaded, problems = [], []
    for file in files:
        try:
            loaded.append(load(file, overrides))
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        ids = corridor_ids(loaded[-1].scenario)
        if command is not None and len(ids) > 1:
            problems.append(
                Problem(
                    f"the scenario has {len(ids)} corridors ({', '.join(ids)}); '{command}' looks at one "
                    f"corridor: 'capacity-model run' writes each corridor's own scenario to "
                    f"<folder>/<corridor>/scenario.resolved.yaml, which '{command}' takes",
                    str(file),
                )
            )
        spec, period = loaded[-1].scenario.uncertainty, loaded[-1].scenario.period
        if samples is not None and spec is not None:
            problems += [
                Problem(message, str(file), field="--samples")
                for field, message in workload_problems(spec, period.end - period.start + 1, samples)
                if field == "samples"
            ]
            problems += [
                Problem(message, str(file), field="--samples")
                for message, _ in workload_findings(loaded[-1].scenario, samples)
            ]
    if problems:
        raise ScenarioError(unique(problems))
    return loaded


def _folder_name(file: Path) -> str:
    """The report folder's name for a scenario file: its name without ``.yaml``, never a path
    (``...yaml`` would otherwise write to ``..``): leading dots and spaces dropped."""
    name = file.stem.lstrip(". ").rstrip(" ")
    return name or "scenario"


def output_folders(files: Sequence[Path], output: Path) -> list[Path]:
    """The report folder of each scenario file under ``output``; two files that would write to
    one folder are refused."""
    folders = [output / _folder_name(file) for file in files]
    seen: dict[Path, Path] = {}
    for file, folder in zip(files, folders, strict=True):
        if folder in seen:
            raise ScenarioError(
                Problem(f"{seen[folder]} and {file} would both write to {folder}; rename one of them")
            )
        seen[folder] = file
    return folders


def files_sha256(files: Sequence[str]) -> str:
    """SHA-256 of a scenario file, or of it and every file it extends, in order."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Turn an OSError while writing into a message naming the folder (exit 2, no traceback)."""
    try:
        yield
    except (FileExistsError, NotADirectoryError) as error:
        named = Path(os.fsdecode(error.filename)) if error.filename else folder
        blocking = next((p for p in (named, *named.parents) if p.exists() and not p.is_dir()), None)
        if blocking is None:
            raise CapacityModelError(
                f"cannot write the report to {folder}: {error.strerror or error}"
            ) from None
        raise CapacityModelError(
            f"cannot write the report to {folder}: {blocking} is a file, not a folder; "
            "choose another -o DIR, or move the file"
        ) from None
    except OSError as error:
        raise CapacityModelError(f"cannot write the report to {folder}: {error.strerror or error}") from None


def overrides_of(item: LoadedScenario) -> dict[tuple[str | int, ...], str]:
    """Values set on the command line, by field location, as written."""
    return {o.location: o.text for o in item.overrides}


def is_uncertain(arguments: argparse.Namespace, loaded: Sequence[LoadedScenario]) -> bool:
    """Whether studies sample the uncertainty sections; warn when --samples/--seed do nothing."""
    if arguments.deterministic:
        return False
    if (arguments.samples is not None or arguments.seed is not None) and not any(
        item.scenario.uncertainty for item in loaded
    ):
        echo("no uncertainty section; --samples and --seed have no effect", file=sys.stderr)
    return True


def check_at(at: int | None, files: Sequence[Path], loaded: Sequence[LoadedScenario]) -> None:
    """``--at`` must fall within every scenario's period."""
    if at is None:
        return
    problems = [
        Problem(
            f"{format_month(at)} is outside the period of {file} ({format_month(item.scenario.period.start)} "
            f"to {format_month(item.scenario.period.end)})",
            "--at",
        )
        for file, item in zip(files, loaded, strict=True)
        if not item.scenario.period.start <= at <= item.scenario.period.end
    ]
    if problems:
        raise ScenarioError(problems)


def one_scenario(arguments: argparse.Namespace) -> LoadedScenario:
    """The one scenario file of ``sweep`` and ``solve``, loaded with ``--set`` and ``--samples``."""
    (loaded,) = load_all(
        [arguments.file], arguments.overrides, samples_of(arguments), command=arguments.command
    )
    return loaded


def corridor_parts(item: LoadedScenario) -> list[tuple[str | None, LoadedScenario]]:
    """The scenario, or with corridors each corridor's own scenario, by corridor id (None for a
    scenario without corridors)."""
    from ..corridors import corridor_location, corridor_scenario

    ids = corridor_ids(item.scenario)
    if not ids:
        return [(None, item)]
    parts: list[tuple[str | None, LoadedScenario]] = []
    for c in ids:
        part = named(item, partial(corridor_scenario, item.scenario, c))
        # Field locations (of --set values, and of each value's file and line) as in the corridor.
        moved = {loc: corridor_location(item.scenario, part, loc) for loc in item.marks}
        overrides = tuple(
            dataclasses.replace(o, location=where)
            for o in item.overrides
            if (where := corridor_location(item.scenario, part, o.location)) is not None
        )
        marks = {where: mark for loc, mark in item.marks.items() if (where := moved[loc]) is not None}
        parts.append((c, dataclasses.replace(item, scenario=part, overrides=overrides, marks=marks)))
    return parts


def network_of(
    item: LoadedScenario,
    sampled: bool = False,
    samples: int | None = None,
    seed: int | None = None,
    projections: dict[str | None, Projection] | None = None,
) -> Network | None:
    """The streams routed over the corridors (with ``sampled`` and uncertain inputs, also over
    their samples), or None for a scenario without corridors. ``projections``: those of the
    corridors' scenarios, when already made."""
    from ..engine.network import network_monte_carlo, project_network

    if not corridor_ids(item.scenario):
        return None
    made = {str(c): p for c, p in (projections or {}).items()}
    network = project_network(item.scenario, made or None)
    if sampled and (item.scenario.parameters() or item.scenario.fault_sources()):
        network = dataclasses.replace(network, mc=network_monte_carlo(item.scenario, samples, seed))
    return network


def project_item(item: LoadedScenario) -> Projection:
    """Project a scenario; a problem found only by computing (an overflow) names the file and line."""
    from ..engine import project

    return named(item, partial(project, item.scenario))


_T = TypeVar("_T")


def named(item: LoadedScenario, compute: Callable[[], _T]) -> _T:
    """Run ``compute``; a problem found only by computing (an overflow) names the scenario's file
    and the line of its field."""
    try:
        return compute()
    except ScenarioError as error:
        raise ScenarioError(item.place(error.problems)) from None
