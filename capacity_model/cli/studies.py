"""``capacity-model compare``, ``sweep`` and ``solve``."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from ..errors import Problem, ScenarioError
from ..units import format_month
from .console import ProgressBar, echo
from .exit_codes import EXIT_OK
from .parser import DEFAULT_OUTPUT
from .scenarios import check_at, is_uncertain, load_all, named, one_scenario, samples_of, writing

#: Most runs of a sweep printed one a line; more are left to sweep.csv.
MOST_POINTS_SHOWN = 25


def compare_command(arguments: argparse.Namespace) -> int:
    """``compare``: run scenarios side by side, write the comparison and print a line each."""
    files: list[Path] = arguments.files
    loaded = load_all(files, arguments.overrides, samples_of(arguments), command="compare")
    names = [item.scenario.name for item in loaded]
    if len(set(names)) < len(names):  # two scenarios of one name: tell them apart by file
        names = [f"{name} ({file.name})" for name, file in zip(names, files, strict=True)]
    uncertain = is_uncertain(arguments, loaded)
    check_at(arguments.at, files, loaded)
    fixed = [name for name, item in zip(names, loaded, strict=True) if item.scenario.uncertainty is None]
    if uncertain and fixed and len(fixed) < len(loaded):
        echo(
            f"note: {', '.join(fixed)} {'has' if len(fixed) == 1 else 'have'} no uncertainty section: "
            "the figures below are each scenario's run with the values written; the report's "
            "probabilities and P10-P90 ranges come from one run for "
            + ("it" if len(fixed) == 1 else "them")
            + " and from the samples for the others",
            file=sys.stderr,
        )
    from ..report.comparison import write_comparison
    from ..results.narrative import percent, volume
    from ..studies.outcomes import outcome, run

    progress = ProgressBar("compare: scenarios run")
    runs = []
    for item in loaded:
        runs.append(
            named(
                item, partial(run, item.scenario, uncertain, arguments.samples, arguments.seed, arguments.at)
            )
        )
        progress(len(runs), len(loaded))
    with writing(arguments.output):
        written = write_comparison(arguments.output, names, [str(f) for f in files], runs, arguments.at)
    first_outcome = None
    for name, result in zip(names, runs, strict=True):
        o = outcome(result, arguments.at)
        first = f"first shortfall {format_month(o.first_shortfall)}" if o.first_shortfall else "no shortfall"
        late = ", ".join(
            f"{t} {'not reached' if m is None else ('on time' if m == 0 else f'{m} months late')}"
            + (" but too small" if t in o.too_small else "")
            for t, m in o.months_late.items()
        )
        cost = f"{o.months_short:,} months short, {volume(o.unserved_tbps_months)} unserved"
        if first_outcome is not None:
            more = o.unserved_tbps_months - first_outcome.unserved_tbps_months
            cost += (
                f" ({o.months_short - first_outcome.months_short:+,} months, "
                f"{'+' if more >= 0 else '-'}{volume(abs(more))} against {names[0]})"
            )
        carried = "".join(
            f"; carries {percent(v)} of {k} in {format_month(o.carried_at)}"
            for k, v in o.carried_share.items()
        )
        plan = (
            "; no capacity plan could be made"
            if o.upgrades_needed is None
            else f"; plan: {o.upgrades_needed} upgrade{'s' if o.upgrades_needed != 1 else ''}"
        )
        echo(f"{name}: {first}; {cost}{carried}{plan}; {late or 'no targets'}")
        first_outcome = first_outcome or o
    for path in written:
        echo(path)
    return EXIT_OK


def sweep_command(arguments: argparse.Namespace) -> int:
    """``sweep``: run a scenario over the values of one or two fields and write the sweep."""
    item = one_scenario(arguments)
    params = arguments.params
    if len(params) > 2:
        raise ScenarioError(
            Problem("a sweep takes one or two --param; run more sweeps for more fields", "--param")
        )
    from ..studies.sweep import axis, sweep

    axes, problems = [], []
    for path, values, span in params:
        try:
            axes.append(axis(item.scenario, path, values, span))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    uncertain = is_uncertain(arguments, [item])
    check_at(arguments.at, [arguments.file], [item])
    folder = arguments.output or DEFAULT_OUTPUT / f"{arguments.file.stem}-sweep"
    from ..report.studies import write_sweep

    result = named(
        item,
        partial(
            sweep,
            item.scenario,
            axes,
            uncertain=uncertain,
            samples=arguments.samples,
            seed=arguments.seed,
            jobs=arguments.jobs,
            progress=ProgressBar(f"{arguments.file.name}: sweep"),
            carried_at=arguments.at,
            scheduler=arguments.scheduler,
        ),
    )
    with writing(folder):
        written = write_sweep(folder, result)
    points = len(result.points)
    echo(
        f"{item.scenario.name}: {points} run{'s' if points != 1 else ''} of "
        + " x ".join(a.path for a in axes)
        + (" (with the values written: the central case)" if uncertain and item.scenario.uncertainty else "")
    )
    if points <= MOST_POINTS_SHOWN:
        from ..results.narrative import volume

        for values, o in zip(result.points, result.outcomes, strict=True):
            first = f"short from {format_month(o.first_shortfall)}" if o.first_shortfall else "never short"
            echo(
                "  "
                + ", ".join(f"{a.path} = {a.label(v)}" for a, v in zip(axes, values, strict=True))
                + f": {first}; {o.months_short:,} months short, {volume(o.unserved_tbps_months)} unserved"
            )
    else:
        echo(f"  ({points:,} runs: each in sweep.csv, the grid in sweep.pdf)")
    for path in written:
        echo(path)
    return EXIT_OK


def solve_command(arguments: argparse.Namespace) -> int:
    """``solve``: find the value of a field that meets a condition, and write the solution."""
    item = one_scenario(arguments)
    from ..report.studies import write_solution
    from ..studies.solve import solve

    scenario = item.scenario
    if arguments.deterministic and scenario.uncertainty is not None:
        scenario = scenario.model_copy(update={"uncertainty": None})
    solution = named(
        item,
        partial(
            solve,
            scenario,
            arguments.find,
            arguments.so_that,
            arguments.between,
            samples=arguments.samples,
            seed=arguments.seed,
            progress=ProgressBar(f"{arguments.file.name}: solve"),
            jobs=arguments.jobs or 1,
            scheduler=arguments.scheduler,
        ),
    )
    folder = arguments.output or DEFAULT_OUTPUT / f"{arguments.file.stem}-solve"
    with writing(folder):
        written = write_solution(folder, solution, scenario.name)
    echo(solution.answer)
    for path in written:
        echo(path)
    return EXIT_OK
