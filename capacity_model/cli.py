"""Command line: ``capacity-model run|validate FILE...``.

The one error boundary of the package: :func:`main` turns the package's own
errors into messages on stderr and an exit code (0 success, 2 invalid input
or usage, 1 internal error). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import CapacityModelError, Problem, ScenarioError
from .scenario_files import dump_scenario_yaml, load_scenario
from .schema import Scenario
from .units import format_bit_rate, format_duration, format_month

if TYPE_CHECKING:
    from .engine import Projection

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INVALID = 2

DEFAULT_OUTPUT = Path("reports")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capacity-model",
        description=(
            "Project connectivity capacity targets against the demand they invite, "
            "from scenario files written in YAML."
        ),
        epilog="Exit codes: 0 success, 2 invalid scenario or usage, 1 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run scenarios and write their reports",
        description=(
            "Run each scenario and write report.pdf, timeline.csv, summary.json and "
            "scenario.resolved.yaml into DIR/<scenario file name>/. Every file is checked "
            "before anything is written."
        ),
    )
    run.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario YAML file")
    run.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help="folder for the reports (default: %(default)s); each scenario gets DIR/<name>/",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="print only the folders written")
    run.add_argument(
        "--samples",
        type=_positive_int,
        metavar="N",
        help="Monte Carlo samples (overrides uncertainty.samples)",
    )
    run.add_argument(
        "--seed", type=_non_negative_int, metavar="N", help="random seed (overrides uncertainty.seed)"
    )
    run.add_argument(
        "--deterministic",
        action="store_true",
        help="ignore the uncertainty section: one run with the values written in the scenario",
    )
    run.add_argument("--debug", action="store_true", help="show tracebacks for scenario errors too")

    validate = commands.add_parser(
        "validate", help="check scenario files without running them", description="Check scenario files."
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario YAML file")
    validate.add_argument("--debug", action="store_true", help="show tracebacks for scenario errors too")
    return parser


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


class _ProgressBar:
    """A progress bar on stderr, only on a terminal and only once work has taken 2 s."""

    def __init__(self, label: str, delay_seconds: float = 2.0) -> None:
        self.label = label
        self.start = time.monotonic()
        self.delay = delay_seconds
        self.shown = False
        self.active = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.active or (not self.shown and time.monotonic() - self.start < self.delay):
            return
        self.shown = True
        filled = round(30 * done / total)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "validate":
            return _validate(arguments.files)
        return _run(
            arguments.files,
            arguments.output,
            quiet=arguments.quiet,
            samples=arguments.samples,
            seed=arguments.seed,
            deterministic=arguments.deterministic,
        )
    except ScenarioError as error:
        if arguments.debug:
            raise
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except CapacityModelError as error:
        if arguments.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID


def _load_all(files: Sequence[Path]) -> list[Scenario]:
    """Load every file, collecting the problems of all of them before failing."""
    scenarios, problems = [], []
    for file in files:
        try:
            scenarios.append(load_scenario(file))
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _validate(files: Sequence[Path]) -> int:
    scenarios = _load_all(files)
    for file, scenario in zip(files, scenarios, strict=True):
        print(
            f"{file}: ok ({scenario.name!r}, {len(scenario.links)} links, {len(scenario.demand)} demand streams)"
        )
    return EXIT_OK


def _output_folders(files: Sequence[Path], output: Path) -> list[Path]:
    folders = [output / file.stem for file in files]
    seen: dict[Path, Path] = {}
    for file, folder in zip(files, folders, strict=True):
        if folder in seen:
            raise ScenarioError(
                Problem(f"{seen[folder]} and {file} would both write to {folder}; rename one of them")
            )
        seen[folder] = file
    return folders


def _run(
    files: Sequence[Path],
    output: Path,
    *,
    quiet: bool,
    samples: int | None = None,
    seed: int | None = None,
    deterministic: bool = False,
) -> int:
    scenarios = _load_all(files)
    folders = _output_folders(files, output)
    # Imported only once the input is valid: matplotlib and scipy take a second to load.
    from .engine import project
    from .engine.montecarlo import run_monte_carlo
    from .engine.sensitivity import sobol
    from .report import write_outputs
    from .report.uncertainty_figures import headlines

    for file, scenario, folder in zip(files, scenarios, folders, strict=True):
        try:
            projection = project(scenario)
        except ScenarioError as error:  # found only by computing (an overflow): name the file
            raise ScenarioError([replace(p, file=p.file or str(file)) for p in error.problems]) from None
        mc = sensitivity = None
        if scenario.uncertainty is not None and not deterministic:
            mc = run_monte_carlo(scenario, samples, seed, progress=_ProgressBar(f"{file.name}: sampling"))
            if sys.stderr.isatty():
                spec = scenario.uncertainty
                runs = spec.sobol_samples * (len(scenario.parameters()) + 2)
                print(f"{file.name}: sensitivity, Sobol' indices ({runs:,} model runs)...", file=sys.stderr)
            sensitivity = sobol(scenario, seed=seed)
        elif (samples is not None or seed is not None) and not deterministic:
            print(f"{file}: no uncertainty section; --samples and --seed have no effect", file=sys.stderr)
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        try:
            write_outputs(
                projection,
                folder,
                scenario_file=str(file),
                scenario_sha256=digest,
                resolved_yaml=dump_scenario_yaml(scenario),
                mc=mc,
                sensitivity=sensitivity,
            )
        except OSError as error:
            raise CapacityModelError(
                f"cannot write the report to {folder}: {error.strerror or error}"
            ) from None
        if quiet:
            print(folder)
        else:
            print(_summary_text(projection, file, folder))
            if mc is not None:
                print("  with the uncertain inputs:")
                print("\n".join(f"    {line}" for line in headlines(mc)[1:]))
    return EXIT_OK


def _summary_text(projection: Projection, file: Path, folder: Path) -> str:
    """A short plain-text summary of one run for stdout."""
    scenario = projection.scenario
    threshold = f"{scenario.planning.max_utilisation:.0%}"
    lines = [f"{scenario.name} ({file}) -> {folder}/"]
    for target in projection.targets:
        if target.met_month is None:
            status = "not reached in the period"
        elif target.months_late:
            status = (
                f"reached {format_month(target.met_month)}, late by {format_duration(target.months_late)}"
            )
        else:
            status = f"reached {format_month(target.met_month)}, on time"
        lines.append(
            f"  target {target.name}: {format_bit_rate(target.capacity_gbps)} by {format_month(target.by)}: {status}"
        )
    if projection.exhaustions:
        for e in projection.exhaustions:
            passed = ", already passed" if e.order_by < scenario.period.start else ""
            lines.append(
                f"  shortfall from {format_month(e.month)} (demand above {threshold}): "
                f"order the fix by {format_month(e.order_by)}{passed}"
            )
    else:
        lines.append(f"  no shortfall: demand stays within {threshold} of capacity")
    gap, month = projection.largest_gap
    if month is not None:
        lines.append(f"  largest gap: {format_bit_rate(gap, 3)} in {format_month(month)}")
    lines.append(
        f"  at {format_month(scenario.period.end)}: needs {format_bit_rate(projection.required_capacity_gbps[-1], 3)}, "
        f"{format_bit_rate(projection.capacity_gbps[-1], 3)} in service"
    )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
