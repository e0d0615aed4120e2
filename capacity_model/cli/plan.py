"""``capacity-model plan`` and ``validate``: fast, with no sampling and no report."""

from __future__ import annotations

import argparse

from ..errors import CapacityModelError, Problem, ScenarioError
from ..results.words import plural
from ..scenario_files import load, unique
from ..units import format_bit_rate, format_month
from .console import echo
from .exit_codes import EXIT_OK
from .scenarios import corridor_parts, load_all, project_item
from .text import plan_lines


def validate_command(arguments: argparse.Namespace) -> int:
    """``ok`` on stdout for each valid file, every problem of the others on stderr (exit 2 if any)."""
    problems: list[Problem] = []
    for file in arguments.files:
        try:
            item = load(file, arguments.overrides)
            for _, part in corridor_parts(item):
                project_item(part)  # what only computing finds (growth that overflows) is found here too
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        scenario = item.scenario
        extends = f", extends {', '.join(item.files[1:])}" if len(item.files) > 1 else ""
        corridors = f"{len(scenario.corridors)} corridors, " if len(scenario.corridors) > 1 else ""
        echo(
            f"{item.file}: ok ({scenario.name!r}, {corridors}{plural(len(scenario.links), 'link')}, "
            f"{plural(len(scenario.demand), 'demand stream')}{extends})"
        )
    if problems:
        raise ScenarioError(unique(problems))
    return EXIT_OK


def plan_command(arguments: argparse.Namespace) -> int:
    """``plan``: the capacity plan alone, fast (no sampling, no report, no matplotlib); of
    each corridor, for a scenario with several."""
    from ..results.tables import announced_vs_needed, csv_text, plan_columns

    if arguments.csv and len(arguments.files) > 1:
        raise CapacityModelError("--csv prints one scenario's plan as one table; give one file")
    loaded = load_all(arguments.files, arguments.overrides)
    parts = [
        (file, part)
        for file, item in zip(arguments.files, loaded, strict=True)
        for part in corridor_parts(item)
    ]
    if arguments.csv and len(parts) > 1:
        raise CapacityModelError(
            f"--csv prints one plan as one table, and {arguments.files[0]} has {len(parts)} corridors; "
            "drop --csv to see each corridor's plan, or give a corridor's scenario.resolved.yaml "
            "(written by 'capacity-model run' to <folder>/<corridor>/)"
        )
    for file, (corridor, item) in parts:
        projection = project_item(item)
        if arguments.csv:
            echo(csv_text(plan_columns(projection)), end="")
            continue
        where = (
            f"{file}, corridor {corridor} as if it were the only leg of its streams"
            if corridor
            else f"{file}"
        )
        echo(f"{item.scenario.name} ({where}): capacity plan")
        echo("\n".join(plan_lines(projection, indent=2)))
        rows = announced_vs_needed(projection)
        if rows:
            echo("  announced against needed, at each target date:")
            for row in rows:
                in_service = (
                    "-" if row["in_service_gbps"] is None else format_bit_rate(row["in_service_gbps"], 3)
                )
                with_plan = (
                    "-" if row["with_plan_gbps"] is None else format_bit_rate(row["with_plan_gbps"], 3)
                )
                echo(
                    f"    {row['target']} by {format_month(row['by'])}: announced "
                    f"{format_bit_rate(row['announced_gbps'], 3)}, in service {in_service}, needed "
                    f"{format_bit_rate(row['needed_gbps'], 3)}, with the plan {with_plan}"
                )
    return EXIT_OK
