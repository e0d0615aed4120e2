"""Command line: ``capacity-model run|validate|plan|compare|sweep|solve|init|schema``.

The one error boundary of the package: :func:`main` turns the package's own
errors into messages on stderr and an exit code (0 success, 2 invalid input
or usage, 4 a ``run --check`` that found a missed target or a shortfall,
1 internal error). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import hashlib
import json
import os
import re
import secrets
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from .corridors import corridor_ids
from .errors import CapacityModelError, Problem, ScenarioError, one_line
from .scenario_files import LoadedScenario, dump_scenario_yaml, load, unique
from .schema import FIT_FORMS, MOST_GIVEN_BREAKS, workload_findings
from .signals import STOPPED_MESSAGE, Terminated, exit_code, sigterm_raises
from .uncertainty import MAX_SAMPLES, MAX_SEED, workload_problems
from .units import format_bit_rate, format_duration, format_month, format_percent, parse_fraction, parse_month

if TYPE_CHECKING:
    from .engine import Projection
    from .engine.montecarlo import MonteCarlo
    from .engine.network import Network

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INVALID = 2
EXIT_CHECK_FAILED = 4

DEFAULT_OUTPUT = Path("reports")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capacity-model",
        description=(
            "Project connectivity capacity targets against the demand they invite, "
            "from scenario files written in YAML."
        ),
        epilog=(
            "Exit codes: 0 success, 2 invalid scenario or usage, 4 'run --check' found a missed "
            "target or a shortfall, 1 internal error."
        ),
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
    _output_option(run, "folder for the reports (default: %(default)s); each scenario gets DIR/<name>/")
    run.add_argument("-q", "--quiet", action="store_true", help="print only the folders written")
    _set_option(run)
    _sampling_options(run)
    run.add_argument(
        "--check",
        action="store_true",
        help="exit with code 4 when a target is missed or demand runs short within the period "
        "(with uncertain inputs: when a probability of meeting a target, or of no shortfall, "
        "is below --min-probability); the failing items go to stderr",
    )
    run.add_argument(
        "--min-probability",
        type=_probability,
        default=0.5,
        metavar="P",
        help="least probability --check accepts with uncertain inputs (default: 50%%)",
    )
    run.add_argument(
        "--format",
        action="append",
        choices=["iamc"],
        default=[],
        help="also write the timeline as timeline_iamc.csv, an IAMC-style long table (model, "
        "scenario, region, variable, unit, time, value) that pyam reads",
    )
    _debug_option(run)

    watch = commands.add_parser(
        "watch",
        help="re-run a scenario each time it is saved",
        description=(
            "Watch a scenario file (and every file it extends). On each save, check it and print the "
            "problems, or the verdict for the values written, at once; then write the full report "
            "(with the uncertainty section) into DIR/<name>/ in the background. A save while a report "
            "is being written starts it again; the earlier report stays whole. Ctrl-C stops."
        ),
    )
    watch.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    _output_option(watch, "folder for the report (default: %(default)s); the scenario gets DIR/<name>/")
    _set_option(watch)
    watch.add_argument(
        "--deterministic",
        action="store_true",
        help="write the report for the values written only, without sampling (faster)",
    )
    watch.add_argument(
        "--runs",
        type=_whole(1, 1_000_000),
        default=None,
        metavar="N",
        help="stop after N saves have been run and their reports written (default: watch until Ctrl-C)",
    )
    _debug_option(watch)

    plan = commands.add_parser(
        "plan",
        help="print the capacity plan: what to order, how much, by when",
        description=(
            "Print the capacity plan of each scenario: the upgrades (in steps of planning.upgrade.step, "
            "each sized to last planning.upgrade.horizon) that keep utilisation at or below the "
            "threshold in every month, on top of the capacity already planned, with their order-by "
            "months; then the capacity announced against the capacity needed at each target date. "
            "Writes no files; the values written in the scenario are used (no sampling)."
        ),
    )
    plan.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario YAML file")
    plan.add_argument(
        "--csv",
        action="store_true",
        help="print the upgrades as CSV, the columns of capacity_plan.csv (one file only)",
    )
    _set_option(plan)
    _debug_option(plan)

    validate = commands.add_parser(
        "validate", help="check scenario files without running them", description="Check scenario files."
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario YAML file")
    _set_option(validate)
    _debug_option(validate)

    compare = commands.add_parser(
        "compare",
        help="set scenarios side by side in one PDF and one CSV",
        description=(
            "Run each scenario and write comparison.pdf (capacity and demand of each on shared axes, "
            "targets, first shortfall, order-by months, differences against the first scenario) and "
            "comparison.csv into DIR."
        ),
    )
    compare.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario YAML file")
    _output_option(
        compare, "folder for comparison.pdf and comparison.csv (default: %(default)s)", "comparison"
    )
    _at_option(compare)
    _set_option(compare)
    _sampling_options(compare)
    _debug_option(compare)

    sweep = commands.add_parser(
        "sweep",
        help="run a scenario over values of one or two fields",
        description=(
            "Run the scenario once for each value (each pair of values, with two --param) and plot "
            "each outcome against the field: first shortfall, months short, unserved traffic, gap at "
            "the end of the period, upgrades in the capacity plan, carried shares, months late per "
            "target and, with uncertain inputs, the probability of each target on time. "
            "Writes sweep.pdf and sweep.csv into DIR. Example: --param "
            "demand.chinese-transit.share.end --values 5%,7.5%,10%,12.5%,15%"
        ),
    )
    sweep.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    sweep.add_argument(
        "--param", action=_ParamAction, required=True, metavar="PATH", help="field to vary (once or twice)"
    )
    sweep.add_argument(
        "--values",
        action=_ParamValuesAction,
        metavar="A,B,...",
        help="values of the last --param, in its unit",
    )
    sweep.add_argument(
        "--range",
        action=_ParamValuesAction,
        metavar="LOW:HIGH:STEP",
        help="evenly spaced values of the last --param, in its unit, e.g. 5%%:20%%:1%% or 2029-01:2033-01:6 months",
    )
    _output_option(sweep, "folder for sweep.pdf and sweep.csv (default: %(default)s/<name>-sweep)", None)
    _at_option(sweep)
    _set_option(sweep)
    _sampling_options(sweep)
    _where_options(sweep, "every core available")
    _debug_option(sweep)

    solve = commands.add_parser(
        "solve",
        help="find the value of a field at which a condition just holds",
        description=(
            "Find the value of one field at which a condition just holds, by searching a range of "
            "values and refining with root finding. Conditions: 'no shortfall', 'no shortfall before "
            "2031-01', 'Phase 2 on time', 'utilisation at 2029-12 <= 70%', and with uncertain inputs "
            "'probability of no shortfall before 2031-01 >= 90%' or 'probability of Phase 2 on time >= "
            "80%'. Prints the answer and writes solve.pdf and solve.csv into DIR."
        ),
    )
    solve.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    solve.add_argument("--find", required=True, metavar="PATH", help="field to solve for")
    solve.add_argument("--so-that", required=True, metavar="CONDITION", help="condition that must hold")
    solve.add_argument(
        "--between",
        metavar="LOW:HIGH",
        help="range to search, in the field's unit (default: by kind, e.g. 0%%:100%% for a share)",
    )
    _output_option(solve, "folder for solve.pdf and solve.csv (default: %(default)s/<name>-solve)", None)
    _set_option(solve)
    _sampling_options(solve)
    _where_options(solve, "1: the grid runs here")
    _debug_option(solve)

    fit = commands.add_parser(
        "fit",
        help="fit growth models to an observed series, backtest them, and choose one",
        description=(
            "Fit growth models to a series in a CSV file (a date column, a value column), check each on "
            "the points it did not see (a rolling-origin backtest) and choose the one that forecast best "
            "(--model auto), or fit the one asked. Writes fit.pdf, fit.csv, fit.json and fit.yaml (the "
            "growth: and uncertainty: entries to paste into a scenario) into DIR, and prints the result."
        ),
    )
    fit.add_argument(
        "data", type=Path, metavar="DATA.csv", help="CSV file: a header row, then a row per date"
    )
    fit.add_argument(
        "--column", metavar="NAME", help="the values' column (default: the only column of numbers)"
    )
    fit.add_argument(
        "--date-column",
        metavar="NAME",
        help="the dates' column (default: the column named date, year or month)",
    )
    fit.add_argument(
        "--metric",
        metavar="NAME",
        help="keep the rows whose metric column holds NAME (a file mixing definitions)",
    )
    fit.add_argument(
        "--model",
        choices=("auto", *FIT_FORMS),
        default="auto",
        help="the model to fit, or auto (default): the one whose backtest forecasts erred least",
    )
    fit.add_argument(
        "--breaks",
        type=_months,
        metavar="DATE,...",
        help="breakpoints of the piecewise model, e.g. 2018-06,2021-01 (default: chosen by the data)",
    )
    fit.add_argument("--since", type=_month, metavar="DATE", help="fit the points from this date on")
    fit.add_argument("--until", type=_month, metavar="DATE", help="fit the points up to this date")
    fit.add_argument(
        "--holdout",
        type=_count(1, 1000),
        default=0,
        metavar="N",
        help="also fit the chosen model without the last N points, and show its forecast of them",
    )
    fit.add_argument(
        "--horizon",
        type=_count(1, 50),
        default=5,
        metavar="YEARS",
        help="the farthest a backtest forecast reaches, in years (default: %(default)s)",
    )
    fit.add_argument(
        "--seed",
        type=_count(0, MAX_SEED),
        default=0,
        metavar="N",
        help="seed of the residual bootstrap (default 0)",
    )
    fit.add_argument(
        "--for",
        dest="scenario",
        type=Path,
        metavar="SCENARIO.yaml",
        help="the scenario the YAML block is for: its data: path is written relative to that file's folder "
        "(default: as DATA.csv is typed)",
    )
    _output_option(fit, "folder for the fit's files (default: %(default)s/<data file name>-fit)", None)
    _debug_option(fit)

    init = commands.add_parser(
        "init",
        help="write a commented starter scenario",
        description="Write a commented starter scenario that validates and runs; edit it from there.",
    )
    init.add_argument("file", type=Path, metavar="NAME.yaml", help="file to write")
    init.add_argument("--force", action="store_true", help="replace the file if it exists")
    _debug_option(init)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description=(
            "Print the JSON Schema of scenario files, for editors that validate and complete YAML "
            "(see the modeline at the top of the shipped scenarios)."
        ),
    )
    _debug_option(schema)
    return parser


def _output_option(command: argparse.ArgumentParser, text: str, default: str | None = "") -> None:
    value = DEFAULT_OUTPUT if default == "" else (DEFAULT_OUTPUT / default if default else None)
    command.add_argument(
        "-o",
        "--output",
        type=_folder,
        default=value,
        metavar="DIR",
        help=text.replace("%(default)s", str(DEFAULT_OUTPUT if value is None else value)),
    )


def _at_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--at",
        type=_month,
        metavar="DATE",
        help="month of the carried shares compared, e.g. 2035-01 (default: the end of each scenario's period)",
    )


def _month(text: str) -> int:
    try:
        return parse_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _count_of(count: int, word: str) -> str:
    """``'1 link'``, ``'2 links'``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _months(text: str) -> list[int]:
    """Dates separated by commas: ``2018-06,2021-01``."""
    months = [_month(part.strip()) for part in text.split(",") if part.strip()]
    if not months:
        raise argparse.ArgumentTypeError("give one date or more, e.g. 2018-06,2021-01")
    if len(months) > MOST_GIVEN_BREAKS:
        raise argparse.ArgumentTypeError(f"at most {MOST_GIVEN_BREAKS} breakpoints")
    return months


def _count(low: int, high: int) -> Callable[[str], int]:
    """An argument type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value:,} is outside {low:,} to {high:,}")
        return value

    return parse


def _set_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--set",
        action="append",
        default=[],
        dest="overrides",
        metavar="PATH=VALUE",
        help="set a field, e.g. --set demand.chinese-transit.share.end=15%% (repeatable; the value "
        "is written in the field's unit and checked like the file; a field the uncertainty section "
        "varies is fixed at this value)",
    )


def _sampling_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--samples",
        type=_whole(1, MAX_SAMPLES),
        metavar="N",
        help=f"Monte Carlo samples, 1 to {MAX_SAMPLES:,} (overrides uncertainty.samples)",
    )
    command.add_argument(
        "--seed",
        type=_whole(0, MAX_SEED),
        metavar="N",
        help="random seed, 0 or more (overrides uncertainty.seed)",
    )
    command.add_argument(
        "--deterministic",
        action="store_true",
        help="ignore the uncertainty section: one run with the values written in the scenario",
    )


def _where_options(command: argparse.ArgumentParser, default_jobs: str) -> None:
    """--jobs and --scheduler: where the study's runs are evaluated."""
    command.add_argument(
        "--jobs",
        type=_whole(1, 1024),
        metavar="N",
        help=f"processes to run at once (default: {default_jobs}; most: the cores available)",
    )
    command.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask distributed scheduler at ADDRESS, e.g. tcp://10.0.0.5:8786 "
        "(pip install 'capacity_model[dask]'); the results are those of --jobs 1",
    )


def _debug_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--debug", action="store_true", help="show tracebacks for scenario errors too")


class _ParamAction(argparse.Action):
    """``--param PATH``: starts a swept field; ``--values``/``--range`` attach to the last one."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        params = list(getattr(namespace, "params", None) or [])
        params.append([values, None, None])
        namespace.params = params


class _ParamValuesAction(argparse.Action):
    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        params: list[list[Any]] = getattr(namespace, "params", None) or []
        if not params:
            parser.error(f"{option_string} must follow the --param it gives values to")
        slot = 1 if option_string == "--values" else 2
        if params[-1][1] is not None or params[-1][2] is not None:
            parser.error(
                f"--param {params[-1][0]} already has its values; give one --values or --range per --param"
            )
        params[-1][slot] = values


def _folder(text: str) -> Path:
    """An argument type: an output folder, which must have a name (``-o ""`` is refused)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name, e.g. -o reports")
    return Path(text)


def _probability(text: str) -> float:
    try:
        return parse_fraction(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _whole(low: int, high: int) -> Any:
    """An argument type: a whole number from ``low`` to ``high`` (``_`` and ``,`` may group digits)."""

    def read(text: str) -> int:
        digits = text.replace("_", "").replace(",", "").strip()
        if len(digits) > 30 or not (digits.lstrip("+-").isascii() and digits.lstrip("+-").isdigit()):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        value = int(digits)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}")
        return value

    return read


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


def _printable(text: str) -> str:
    """``text`` with terminal control characters (ESC, NUL, ...) and the marks that hide or reorder
    text shown as escapes such as ``\\x1b``, so that a file name or a value from a scenario
    cannot drive the terminal; line breaks and tabs are kept."""
    return one_line(text, keep="\n\t")


def _print(*parts: object, file: Any = None, end: str = "\n") -> None:
    """``print``, with control characters escaped (see :func:`_printable`). When the reader has
    gone (``capacity-model run ... | head``), the rest of the output is dropped quietly and the
    work goes on."""
    stream = file or sys.stdout
    try:
        print(*(_printable(str(p)) for p in parts), file=stream, end=end, flush=stream is sys.stdout)
    except BrokenPipeError:
        _drop(stream)


def _drop(stream: Any) -> None:
    """Send what is still written to a closed ``stream`` to the null device."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


#: Options whose value may start with a minus sign ('--between -50%:100%').
_SIGNED_VALUES = ("--between", "--values", "--range", "--set")


def _join_signed_values(argv: Sequence[str]) -> list[str]:
    """``--between -50%:100%`` as ``--between=-50%:100%``: argparse would read the value as an option."""
    joined: list[str] = []
    args = list(argv)
    k = 0
    while k < len(args):
        if args[k] in _SIGNED_VALUES and k + 1 < len(args) and re.match(r"-[0-9.]", args[k + 1]):
            joined.append(f"{args[k]}={args[k + 1]}")
            k += 2
        else:
            joined.append(args[k])
            k += 1
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = _parser().parse_args(_join_signed_values(sys.argv[1:] if argv is None else argv))
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    command = {
        "run": _run,
        "plan": _plan,
        "validate": _validate,
        "compare": _compare,
        "sweep": _sweep,
        "solve": _solve,
        "fit": _fit,
        "init": _init,
        "schema": _schema,
        "watch": _watch,
    }[arguments.command]
    try:
        with sigterm_raises():
            return command(arguments)
    except ScenarioError as error:
        if arguments.debug:
            raise
        for problem in error.problems:
            _print(problem, file=sys.stderr)
        return EXIT_INVALID
    except CapacityModelError as error:
        if arguments.debug:
            raise
        _print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except (KeyboardInterrupt, Terminated) as stop:
        _print(STOPPED_MESSAGE, file=sys.stderr)
        return exit_code(stop)


def _samples(arguments: argparse.Namespace) -> int | None:
    """``--samples``, when the command samples at all."""
    return None if getattr(arguments, "deterministic", False) else getattr(arguments, "samples", None)


def _load_all(
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


def _validate(arguments: argparse.Namespace) -> int:
    """``ok`` on stdout for each valid file, every problem of the others on stderr (exit 2 if any)."""
    problems: list[Problem] = []
    for file in arguments.files:
        try:
            item = load(file, arguments.overrides)
            for _, part in _corridor_parts(item):
                _project(part)  # what only computing finds (growth that overflows) is found here too
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        scenario = item.scenario
        extends = f", extends {', '.join(item.files[1:])}" if len(item.files) > 1 else ""
        corridors = f"{len(scenario.corridors)} corridors, " if len(scenario.corridors) > 1 else ""
        _print(
            f"{item.file}: ok ({scenario.name!r}, {corridors}{_count_of(len(scenario.links), 'link')}, "
            f"{_count_of(len(scenario.demand), 'demand stream')}{extends})"
        )
    if problems:
        raise ScenarioError(unique(problems))
    return EXIT_OK


def _folder_name(file: Path) -> str:
    """The report folder's name for a scenario file: its name without ``.yaml``, never a path
    (``...yaml`` would otherwise write to ``..``): leading dots and spaces dropped."""
    name = file.stem.lstrip(". ").rstrip(" ")
    return name or "scenario"


def _output_folders(files: Sequence[Path], output: Path) -> list[Path]:
    folders = [output / _folder_name(file) for file in files]
    seen: dict[Path, Path] = {}
    for file, folder in zip(files, folders, strict=True):
        if folder in seen:
            raise ScenarioError(
                Problem(f"{seen[folder]} and {file} would both write to {folder}; rename one of them")
            )
        seen[folder] = file
    return folders


def _digest(files: Sequence[str]) -> str:
    """SHA-256 of a scenario file, or of it and every file it extends, in order."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


def _inputs_sentence(item: LoadedScenario) -> str:
    parts = []
    if len(item.files) > 1:
        parts.append(
            f"It extends {' , which extends '.join(item.files[1:])} (the hash covers every file, in that order)."
        )
    if item.overrides:
        parts.append("Set on the command line: " + "; ".join(f"--set {o}" for o in item.overrides) + ".")
    return " ".join(parts) + (" " if parts else "")


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
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


def _run(arguments: argparse.Namespace) -> int:
    files: list[Path] = arguments.files
    loaded = _load_all(files, arguments.overrides, _samples(arguments))
    top_items = list(loaded)
    # A scenario with corridors is run as one scenario per corridor, each in its own folder,
    # and the network (the streams over their routes) is written beside them.
    top_folders = _output_folders(files, arguments.output)
    expanded = [
        (file, part, folder if corridor is None else folder / corridor, corridor, top)
        for top, (file, item, folder) in enumerate(zip(files, loaded, top_folders, strict=True))
        for corridor, part in _corridor_parts(item)
    ]
    labels = [str(e[0]) if e[3] is None else f"{e[0]} (corridor {e[3]})" for e in expanded]
    files = [e[0] for e in expanded]
    loaded = [e[1] for e in expanded]
    folders = [e[2] for e in expanded]
    # Imported only once the input is valid: matplotlib and scipy take a second to load.
    from .engine.montecarlo import run_monte_carlo
    from .engine.sensitivity import sobol
    from .report.files import stage_network, stage_outputs, start_pages
    from .report.staging import Staged, commit, discard

    # What is loaded now lives until the end of the command: the collector need not revisit
    # it while the report's many short-lived objects come and go, nor touch it in the
    # children that draw pages (memory shared after the fork stays shared). Unfrozen at the
    # end, for a caller that runs commands one after another in one process.
    gc.freeze()
    samples, seed, deterministic = arguments.samples, arguments.seed, arguments.deterministic
    # Compute every scenario, then stage every report, then move them all into place: a
    # scenario failing at any stage leaves nothing written.
    results = []
    early = None  # one scenario's pages that need no samples, drawn while it is sampled
    staged: list[Staged] = []
    try:
        for file, item in zip(files, loaded, strict=True):
            scenario = item.scenario
            projection = _project(item)
            mc = sensitivity = None
            if scenario.uncertainty is not None and not deterministic:
                if len(expanded) == 1:
                    early = start_pages(projection, _overrides(item), assumptions=True)
                progress = _ProgressBar(f"{file.name}: sampling")
                mc = _named(item, partial(run_monte_carlo, scenario, samples, seed, progress=progress))
                if scenario.parameters():  # faults alone: samples, but no inputs to rank
                    progress = _ProgressBar(f"{file.name}: Sobol' indices, model runs")
                    sensitivity = _named(item, partial(sobol, scenario, seed=seed, progress=progress))
            elif (samples is not None or seed is not None) and not deterministic:
                _print(
                    f"{file}: no uncertainty section; --samples and --seed have no effect", file=sys.stderr
                )
            results.append((projection, mc, sensitivity))
        # The network of each scenario with corridors, from its corridors' projections.
        networks = [
            _named(
                item,
                partial(
                    _network_of,
                    item,
                    not deterministic,
                    samples,
                    seed,
                    {e[3]: r[0] for e, r in zip(expanded, results, strict=True) if e[4] == top and e[3]},
                ),
            )
            for top, item in enumerate(top_items)
        ]
        for file, item, folder, (projection, mc, sensitivity) in zip(
            files, loaded, folders, results, strict=True
        ):
            with _writing(folder):
                staged.append(
                    stage_outputs(
                        projection,
                        folder,
                        scenario_file=str(file),
                        scenario_sha256=_digest(item.files),
                        resolved_yaml=dump_scenario_yaml(item.scenario),
                        mc=mc,
                        sensitivity=sensitivity,
                        inputs=_inputs_sentence(item),
                        overrides=_overrides(item),
                        iamc="iamc" in arguments.format,
                        early=early,
                        progress=_ProgressBar(f"{file.name}: drawing the report, pages"),
                    )
                )
        for item, folder, network in zip(top_items, top_folders, networks, strict=True):
            if network is not None:
                with _writing(folder):
                    staged.append(
                        stage_network(network, folder, _digest(item.files), dump_scenario_yaml(item.scenario))
                    )
        with _writing(arguments.output):
            commit(staged)
    except BaseException:
        discard(staged)
        raise
    finally:
        if early is not None:
            early.cancel()
        gc.unfreeze()
    failures: list[str] = []
    for file, label, folder, (projection, mc, _) in zip(files, labels, folders, results, strict=True):
        if arguments.quiet:
            _print(folder)
        else:
            _print(_summary_text(projection, file, folder, mc))
        if arguments.check:
            failures += [f"{label}: {line}" for line in _check(projection, mc, arguments.min_probability)]
    for file, folder, network in zip(arguments.files, top_folders, networks, strict=True):
        if network is not None:
            _print(folder if arguments.quiet else _network_text(network, file, folder))
    if failures:
        _print("\n".join(failures), file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _overrides(item: LoadedScenario) -> dict[tuple[str | int, ...], str]:
    """Values set on the command line, by field location, as written."""
    return {o.location: o.text for o in item.overrides}


def _watch(arguments: argparse.Namespace) -> int:
    """Re-validate and re-run the scenario on each save (see :mod:`capacity_model.watch`)."""
    from .watch import Watch, report_command

    file: Path = arguments.file
    (folder,) = _output_folders([file], arguments.output)
    extra = ["--deterministic"] if arguments.deterministic else []
    for setting in arguments.overrides:
        extra += ["--set", setting]

    def check() -> tuple[list[Path], str]:
        item = load(file, arguments.overrides)
        projected = {corridor: _project(part) for corridor, part in _corridor_parts(item)}
        texts = [
            _summary_text(projection, file, folder if corridor is None else folder / corridor)
            for corridor, projection in projected.items()
        ]
        network = _network_of(item, projections=projected)
        if network is not None:
            texts.append(_network_text(network, file, folder))
        return [Path(f) for f in item.files], _printable("\n".join(texts))

    watcher = Watch(
        file=file,
        check=check,
        report=report_command(sys.executable, file, arguments.output, extra),
        say=lambda text: _print(text),
        warn=lambda text: _print(text, file=sys.stderr),
        runs=arguments.runs,
    )
    _print(f"watching {file} (and the files it extends); Ctrl-C to stop")
    return watcher.loop()


def _check(projection: Projection, mc: MonteCarlo | None, min_probability: float) -> list[str]:
    """What ``run --check`` fails on, one line each."""
    threshold = format_percent(min_probability)
    if mc is not None:
        failing = [
            f"check failed: {t.name} on time with probability {format_percent(round(t.p_on_time, 3))}, "
            f"below {threshold}"
            for t in mc.targets
            if t.p_on_time < min_probability
        ]
        if mc.p_no_shortfall < min_probability:
            failing.append(
                f"check failed: no shortfall in the period with probability "
                f"{format_percent(round(mc.p_no_shortfall, 3))}, below {threshold}"
            )
        return failing
    failing = []
    for target in projection.targets:
        if target.met_month is None:
            failing.append(f"check failed: target {target.name} not reached within the period")
        elif not target.on_time:
            failing.append(
                f"check failed: target {target.name} late by {format_duration(target.months_late or 0)}"
            )
    if projection.exhaustions:
        first = projection.exhaustions[0]
        failing.append(
            f"check failed: shortfall from {format_month(first.month)} "
            f"(demand above {format_percent(projection.max_utilisation)} of capacity)"
        )
    return failing


def _uncertain(arguments: argparse.Namespace, loaded: Sequence[LoadedScenario]) -> bool:
    """Whether studies sample the uncertainty sections; warn when --samples/--seed do nothing."""
    if arguments.deterministic:
        return False
    if (arguments.samples is not None or arguments.seed is not None) and not any(
        item.scenario.uncertainty for item in loaded
    ):
        _print("no uncertainty section; --samples and --seed have no effect", file=sys.stderr)
    return True


def _compare(arguments: argparse.Namespace) -> int:
    files: list[Path] = arguments.files
    loaded = _load_all(files, arguments.overrides, _samples(arguments), command="compare")
    names = [item.scenario.name for item in loaded]
    if len(set(names)) < len(names):  # two scenarios of one name: tell them apart by file
        names = [f"{name} ({file.name})" for name, file in zip(names, files, strict=True)]
    uncertain = _uncertain(arguments, loaded)
    _check_at(arguments.at, files, loaded)
    from .report.comparison import write_comparison
    from .results.narrative import percent, volume
    from .studies.outcomes import outcome, run

    progress = _ProgressBar("compare: scenarios run")
    runs = []
    for item in loaded:
        runs.append(
            _named(
                item, partial(run, item.scenario, uncertain, arguments.samples, arguments.seed, arguments.at)
            )
        )
        progress(len(runs), len(loaded))
    with _writing(arguments.output):
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
        _print(f"{name}: {first}; {cost}{carried}{plan}; {late or 'no targets'}")
        first_outcome = first_outcome or o
    for path in written:
        _print(path)
    return EXIT_OK


def _check_at(at: int | None, files: Sequence[Path], loaded: Sequence[LoadedScenario]) -> None:
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


def _one_scenario(arguments: argparse.Namespace) -> LoadedScenario:
    return _load_all([arguments.file], arguments.overrides, _samples(arguments), command=arguments.command)[0]


def _sweep(arguments: argparse.Namespace) -> int:
    item = _one_scenario(arguments)
    params = arguments.params
    if len(params) > 2:
        raise ScenarioError(
            Problem("a sweep takes one or two --param; run more sweeps for more fields", "--param")
        )
    from .studies.sweep import axis, sweep

    axes, problems = [], []
    for path, values, span in params:
        try:
            axes.append(axis(item.scenario, path, values, span))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    uncertain = _uncertain(arguments, [item])
    _check_at(arguments.at, [arguments.file], [item])
    folder = arguments.output or DEFAULT_OUTPUT / f"{arguments.file.stem}-sweep"
    from .report.studies import write_sweep

    result = _named(
        item,
        partial(
            sweep,
            item.scenario,
            axes,
            uncertain=uncertain,
            samples=arguments.samples,
            seed=arguments.seed,
            jobs=arguments.jobs,
            progress=_ProgressBar(f"{arguments.file.name}: sweep"),
            carried_at=arguments.at,
            scheduler=arguments.scheduler,
        ),
    )
    with _writing(folder):
        written = write_sweep(folder, result)
    points = len(result.points)
    _print(
        f"{item.scenario.name}: {points} run{'s' if points != 1 else ''} of "
        + " x ".join(a.path for a in axes)
    )
    for path in written:
        _print(path)
    return EXIT_OK


def _solve(arguments: argparse.Namespace) -> int:
    item = _one_scenario(arguments)
    from .report.studies import write_solution
    from .studies.solve import solve

    scenario = item.scenario
    if arguments.deterministic and scenario.uncertainty is not None:
        scenario = scenario.model_copy(update={"uncertainty": None})
    solution = _named(
        item,
        partial(
            solve,
            scenario,
            arguments.find,
            arguments.so_that,
            arguments.between,
            samples=arguments.samples,
            seed=arguments.seed,
            progress=_ProgressBar(f"{arguments.file.name}: solve"),
            jobs=arguments.jobs or 1,
            scheduler=arguments.scheduler,
        ),
    )
    folder = arguments.output or DEFAULT_OUTPUT / f"{arguments.file.stem}-solve"
    with _writing(folder):
        written = write_solution(folder, solution, scenario.name)
    _print(solution.answer)
    for path in written:
        _print(path)
    return EXIT_OK


def _fit(arguments: argparse.Namespace) -> int:
    from .engine.calibration import calibrate
    from .engine.fitting import FitError
    from .report.fit_pages import write_fit
    from .results.fit import fit_lines, yaml_block
    from .series import read_series

    data: Path = arguments.data
    file = str(data)
    series = read_series(
        data,
        file,
        column=arguments.column,
        date_column=arguments.date_column,
        metric=arguments.metric,
        since=arguments.since,
        until=arguments.until,
    )
    forms = FIT_FORMS if arguments.model == "auto" else (arguments.model,)
    breaks = None if arguments.breaks is None else [m / 12.0 for m in arguments.breaks]
    if breaks is not None and arguments.model not in ("auto", "piecewise"):
        raise ScenarioError(Problem("--breaks is for the piecewise model", field="--breaks"))
    if breaks is not None:
        inside = [b for b in breaks if series.times[0] < b < series.times[-1]]
        if len(inside) < len(breaks):
            raise ScenarioError(
                Problem(
                    f"a breakpoint must lie between the first and last dates fitted "
                    f"({format_month(int(series.months[0]))} to {format_month(int(series.months[-1]))})",
                    field="--breaks",
                )
            )
    try:
        calibration = calibrate(
            series.times,
            series.values,
            forms,
            arguments.horizon,
            breaks,
            arguments.holdout,
            arguments.seed,
        )
    except FitError as error:
        lines = (
            f"lines {series.lines[0]}-{series.lines[-1]}"
            if len(series.lines) > 1
            else f"line {series.lines[0]}"
        )
        raise ScenarioError(Problem(f"{error} ({lines})", file, field=series.column)) from None
    scenario = arguments.scenario
    named = file if scenario is None else os.path.relpath(data.resolve(), scenario.resolve().parent)
    yaml = yaml_block(
        calibration, series, Path(named).as_posix(), scenario=None if scenario is None else str(scenario)
    )
    folder = arguments.output or DEFAULT_OUTPUT / f"{data.stem}-fit"
    with _writing(folder):
        written = write_fit(folder, calibration, series, yaml)
    for line in fit_lines(calibration, series):
        _print(_wrapped(line, 0))
    _print("")
    _print(yaml.rstrip("\n"))
    _print("")
    for path in written:
        _print(path)
    return EXIT_OK


def _init(arguments: argparse.Namespace) -> int:
    from .starter import starter_text

    file: Path = arguments.file
    try:
        if file.exists() and not arguments.force:
            raise CapacityModelError(
                f"{file} already exists; choose another name, or add --force to replace it"
            )
        if not file.parent.is_dir():
            raise CapacityModelError(f"cannot write {file}: the folder {file.parent} does not exist")
        try:
            text = starter_text(file.stem, _schema_near(file))
        except ValueError as error:
            raise CapacityModelError(str(error)) from None
        # Written beside, then renamed: the file appears whole or not at all.
        staged = file.parent / f".capacity-model-init.{os.getpid()}.{secrets.token_hex(4)}.partial"
        try:
            staged.write_text(text, encoding="utf-8")
            os.replace(staged, file)
        finally:
            staged.unlink(missing_ok=True)
    except OSError as error:
        raise CapacityModelError(f"cannot write {file}: {error.strerror or error}") from None
    _print(f"wrote {file}; edit it, then: capacity-model run {file}")
    return EXIT_OK


def _schema_near(file: Path) -> str | None:
    """The path, relative to ``file``, of a scenario JSON Schema an editor can reach: a
    ``scenario.schema.json`` beside it, or a project's ``schema/scenario.schema.json`` in its
    folder or the two folders above; None when there is none."""
    folder = file.resolve().parent
    candidates = [folder / "scenario.schema.json"]
    candidates += [above / "schema" / "scenario.schema.json" for above in [folder, *folder.parents][:3]]
    for candidate in candidates:
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix()
    return None


def _schema(arguments: argparse.Namespace) -> int:
    from .json_schema import scenario_json_schema

    _print(json.dumps(scenario_json_schema(), indent=2))
    return EXIT_OK


def _wrapped(text: str, indent: int, first: str = "") -> str:
    """``text`` wrapped to 100 columns, indented; ``first`` starts the first line (e.g. a bullet)."""
    pad = " " * indent
    return textwrap.fill(text, 100, initial_indent=pad + first, subsequent_indent=pad + " " * len(first))


def _summary_text(projection: Projection, file: Path, folder: Path, mc: MonteCarlo | None = None) -> str:
    """A plain-text summary of one run for stdout: the verdict, then the figures behind it."""
    from .results.narrative import (
        carried_lines,
        faults_not_drawn,
        n_minus_1_line,
        need_text,
        percent,
        samples_phrase,
        target_status_text,
        uncertain_headlines,
        verdict,
        volume,
    )
    from .results.outages import outage_lines

    scenario = projection.scenario
    lines = [f"{scenario.name} ({file}) -> {folder}/"]
    lines += [_wrapped(sentence, 2) for sentence in verdict(projection, mc)]
    if projection.targets:
        lines.append("  targets:")
        for target, need in zip(projection.targets, projection.needs, strict=True):
            reached = (
                f"reached {format_month(target.met_month)}" if target.met_month is not None else "not reached"
            )
            lines.append(
                f"    {target.name} ({format_bit_rate(target.capacity_gbps)} by {format_month(target.by)}): "
                f"{reached}; {target_status_text(target)} (demand then needs {format_bit_rate(target.needed_gbps, 3)}); "
                f"takes {need_text(need, scenario)}"
            )
    threshold = format_percent(projection.max_utilisation)
    if projection.episodes:
        lines.append(
            f"  shortfalls (demand above {threshold} of capacity): {projection.months_short:,} of "
            f"{len(projection.months):,} months; {volume(projection.unserved_tbps_months)} unserved, "
            f"{percent(projection.unserved_share)} of demand"
        )
        for e in projection.episodes:
            end = "end of period, still short" if e.ongoing else format_month(e.end)
            lines.append(
                f"    {format_month(e.start)} to {end} ({format_duration(e.months)}): peak gap "
                f"{format_bit_rate(e.peak_gap_gbps, 3)}, {volume(e.unserved_tbps_months)} unserved"
            )
    else:
        lines.append(f"  no shortfall: demand stays within {threshold} of capacity")
    lines += [_wrapped(line, 2, "carried: ") for line in carried_lines(projection)]
    resilience = n_minus_1_line(projection)
    if resilience:
        lines.append(_wrapped(resilience, 2))
    outages = outage_lines(projection)
    lines += [_wrapped(line, 2 if k == 0 else 4) for k, line in enumerate(outages)]
    lines += _plan_lines(projection, indent=2)
    lines.append(
        f"  at {format_month(scenario.period.end)}: needs {format_bit_rate(projection.required_capacity_gbps[-1], 3)}, "
        f"{format_bit_rate(projection.capacity_gbps[-1], 3)} in service"
    )
    if mc is not None:
        lines.append(f"  over {samples_phrase(mc)}:")
        lines += [_wrapped(line, 4) for line in uncertain_headlines(mc)]
    elif (missing := faults_not_drawn(projection)) is not None:
        lines.append(_wrapped(missing, 2))
    return "\n".join(lines)


def _plan_lines(projection: Projection, indent: int) -> list[str]:
    """The capacity plan as text lines: the rule, one line per upgrade, the total."""
    from .results.narrative import plan_rule_text

    plan = projection.plan
    pad = " " * indent
    lines = [_wrapped(f"capacity plan: {plan_rule_text(projection)}", indent)]
    if plan.problem:
        lines.append(_wrapped(f"no plan could be made: {plan.problem}", indent + 2))
        return lines
    if not plan.upgrades:
        lines.append(f"{pad}  no upgrade needed: the capacity planned is enough in every month")
        return lines
    start = projection.scenario.period.start
    for k, u in enumerate(plan.upgrades, start=1):
        passed = ", already passed" if u.order_by < start else ""
        lines.append(
            f"{pad}  {k}. in service {format_month(u.in_service)}: +{format_bit_rate(u.size_gbps, 3)} "
            f"({u.steps:,} x {format_bit_rate(plan.step_gbps)}), capacity then "
            f"{format_bit_rate(u.capacity_after_gbps, 3)}; order by {format_month(u.order_by)}{passed}"
        )
    lines.append(
        f"{pad}  {len(plan.upgrades)} upgrade{'s add' if len(plan.upgrades) != 1 else ' adds'} "
        f"{format_bit_rate(plan.total_added_gbps, 3)}; capacity at {format_month(projection.scenario.period.end)} "
        f"with the plan: {format_bit_rate(float(plan.capacity_gbps[-1]), 3)}"
    )
    return lines


def _plan(arguments: argparse.Namespace) -> int:
    """``plan``: the capacity plan alone, fast (no sampling, no report, no matplotlib)."""
    from .results.tables import announced_vs_needed, csv_text, plan_columns

    if arguments.csv and len(arguments.files) > 1:
        raise CapacityModelError("--csv prints one scenario's plan as one table; give one file")
    loaded = _load_all(arguments.files, arguments.overrides, command="plan")
    for file, item in zip(arguments.files, loaded, strict=True):
        projection = _project(item)
        if arguments.csv:
            _print(csv_text(plan_columns(projection)), end="")
            continue
        _print(f"{item.scenario.name} ({file}): capacity plan")
        _print("\n".join(_plan_lines(projection, indent=2)))
        rows = announced_vs_needed(projection)
        if rows:
            _print("  announced against needed, at each target date:")
            for row in rows:
                in_service = (
                    "-" if row["in_service_gbps"] is None else format_bit_rate(row["in_service_gbps"], 3)
                )
                with_plan = (
                    "-" if row["with_plan_gbps"] is None else format_bit_rate(row["with_plan_gbps"], 3)
                )
                _print(
                    f"    {row['target']} by {format_month(row['by'])}: announced "
                    f"{format_bit_rate(row['announced_gbps'], 3)}, in service {in_service}, needed "
                    f"{format_bit_rate(row['needed_gbps'], 3)}, with the plan {with_plan}"
                )
    return EXIT_OK


def _corridor_parts(item: LoadedScenario) -> list[tuple[str | None, LoadedScenario]]:
    """The scenario, or with corridors each corridor's own scenario, by corridor id (None for a
    scenario without corridors)."""
    from .corridors import corridor_location, corridor_scenario

    ids = corridor_ids(item.scenario)
    if not ids:
        return [(None, item)]
    parts: list[tuple[str | None, LoadedScenario]] = []
    for c in ids:
        part = _named(item, partial(corridor_scenario, item.scenario, c))
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


def _network_of(
    item: LoadedScenario,
    sampled: bool = False,
    samples: int | None = None,
    seed: int | None = None,
    projections: dict[str | None, Projection] | None = None,
) -> Network | None:
    """The streams routed over the corridors (with ``sampled`` and uncertain inputs, also over
    their samples), or None for a scenario without corridors. ``projections``: those of the
    corridors' scenarios, when already made."""
    from .engine.network import network_monte_carlo, project_network

    if not corridor_ids(item.scenario):
        return None
    made = {str(c): p for c, p in (projections or {}).items()}
    network = project_network(item.scenario, made or None)
    if sampled and (item.scenario.parameters() or item.scenario.fault_sources()):
        network = dataclasses.replace(network, mc=network_monte_carlo(item.scenario, samples, seed))
    return network


def _network_text(network: Network, file: Path, folder: Path) -> str:
    """The network's summary for stdout: each corridor's folder, then each stream end to end."""
    from .results.network import network_lines

    return "\n".join(
        [f"{network.scenario.name} ({file}) -> {folder}/ (network)"]
        + [_wrapped(line, 2) for line in network_lines(network)]
    )


def _project(item: LoadedScenario) -> Projection:
    """Project a scenario; a problem found only by computing (an overflow) names the file and line."""
    from .engine import project

    return _named(item, partial(project, item.scenario))


_T = TypeVar("_T")


def _named(item: LoadedScenario, compute: Callable[[], _T]) -> _T:
    """Run ``compute``; a problem found only by computing (an overflow) names the scenario's file
    and the line of its field."""
    try:
        return compute()
    except ScenarioError as error:
        raise ScenarioError(item.place(error.problems)) from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
