"""The command line's grammar: every command, its arguments and their help."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from .. import __version__
from ..schema import FIT_FORMS
from ..uncertainty import MAX_SAMPLES, MAX_SEED
from .arguments import (
    ParamAction,
    ParamValuesAction,
    folder_argument,
    month_argument,
    months_argument,
    probability_argument,
    whole_argument,
)

DEFAULT_OUTPUT = Path("reports")


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: every command, its arguments and their help."""
    parser = argparse.ArgumentParser(
        prog="capacity-model",
        description=(
            "Project connectivity capacity targets against the demand they invite, "
            "from scenario files written in YAML."
        ),
        epilog=(
            "Exit codes: 0 success, 2 invalid scenario or usage, 4 'run --check' found a missed "
            "target or a shortfall, 130 stopped by Ctrl-C, 143 stopped by SIGTERM, 1 internal error."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run scenarios and write their reports",
        description=(
            "Run each scenario and write report.pdf, timeline.csv, capacity_plan.csv, summary.json "
            "and scenario.resolved.yaml into DIR/<scenario file name>/, with timeline_quantiles.csv "
            "when it samples uncertain inputs and outages.csv when it has outages; a scenario with "
            "corridors gets a folder per corridor and routes.csv for the network. Every file is "
            "checked before anything is written."
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
        type=probability_argument,
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
    _sampling_options(watch)
    watch.add_argument(
        "--runs",
        type=whole_argument(1, 1_000_000),
        default=None,
        metavar="N",
        help="stop after N saves have been run and their reports written (default: watch until Ctrl-C)",
    )
    _debug_option(watch)

    plan = commands.add_parser(
        "plan",
        help="print the capacity plan: what to order, how much, by when",
        description=(
            "Print the capacity plan of each scenario (of each corridor, in one with several): the "
            "upgrades (in steps of planning.upgrade.step, "
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
        "--param", action=ParamAction, required=True, metavar="PATH", help="field to vary (once or twice)"
    )
    sweep.add_argument(
        "--values",
        action=ParamValuesAction,
        metavar="A,B,...",
        help="values of the last --param, in its unit",
    )
    sweep.add_argument(
        "--range",
        action=ParamValuesAction,
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
    _where_options(solve, "1, in this process")
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
        type=months_argument,
        metavar="DATE,...",
        help="breakpoints of the piecewise model, e.g. 2018-06,2021-01 (default: chosen by the data)",
    )
    fit.add_argument("--since", type=month_argument, metavar="DATE", help="fit the points from this date on")
    fit.add_argument("--until", type=month_argument, metavar="DATE", help="fit the points up to this date")
    fit.add_argument(
        "--holdout",
        type=whole_argument(1, 1000),
        default=0,
        metavar="N",
        help="also fit the chosen model without the last N points, and show its forecast of them",
    )
    fit.add_argument(
        "--horizon",
        type=whole_argument(1, 50),
        default=5,
        metavar="YEARS",
        help="the farthest a backtest forecast reaches, in years (default: %(default)s)",
    )
    fit.add_argument(
        "--seed",
        type=whole_argument(0, MAX_SEED),
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
    for command in (parser, *commands.choices.values()):
        command.formatter_class = _UnbrokenNames
    return parser


class _UnbrokenNames(argparse.HelpFormatter):
    """Help wrapped at spaces only: a field path such as ``demand.chinese-transit.share.end``
    stays whole, so that it can be copied."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False, break_long_words=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(
            " ".join(text.split()),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )


def _output_option(command: argparse.ArgumentParser, text: str, default: str | None = "") -> None:
    value = DEFAULT_OUTPUT if default == "" else (DEFAULT_OUTPUT / default if default else None)
    command.add_argument(
        "-o",
        "--output",
        type=folder_argument,
        default=value,
        metavar="DIR",
        help=text.replace("%(default)s", str(DEFAULT_OUTPUT if value is None else value)),
    )


def _at_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--at",
        type=month_argument,
        metavar="DATE",
        help="month of the carried shares compared, e.g. 2035-01 (default: the end of each scenario's period)",
    )


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
        type=whole_argument(1, MAX_SAMPLES),
        metavar="N",
        help=f"Monte Carlo samples, 1 to {MAX_SAMPLES:,} (overrides uncertainty.samples)",
    )
    command.add_argument(
        "--seed",
        type=whole_argument(0, MAX_SEED),
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
        type=whole_argument(1, 1024),
        metavar="N",
        help=f"processes to run at once (default: {default_jobs}; at most the cores available)",
    )
    command.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask distributed scheduler at ADDRESS, e.g. tcp://10.0.0.5:8786 "
        "(pip install 'capacity_model[dask]'); the results are those of --jobs 1",
    )


def _debug_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--debug", action="store_true", help="show tracebacks for scenario errors too")
