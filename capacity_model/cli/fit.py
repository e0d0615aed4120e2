"""``capacity-model fit``: a growth curve fitted to an observed series."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import Problem, ScenarioError
from ..schema import FIT_FORMS
from ..units import format_month
from .console import echo, wrapped
from .exit_codes import EXIT_OK
from .parser import DEFAULT_OUTPUT
from .scenarios import writing


def fit_command(arguments: argparse.Namespace) -> int:
    """``fit``: fit growth curves to a series, choose among them by backtest, write ``fit.pdf``,
    ``fit.csv``, ``fit.json`` and ``fit.yaml``, and print the summary and the YAML block."""
    from ..engine.calibration import calibrate
    from ..engine.fitting import FitError
    from ..report.fit_pages import write_fit
    from ..results.fit import fit_lines
    from ..results.fit_yaml import yaml_block
    from ..series import read_series

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
    with writing(folder):
        written = write_fit(folder, calibration, series, yaml)
    for line in fit_lines(calibration, series):
        echo(wrapped(line, 0))
    echo("")
    echo(yaml.rstrip("\n"))
    echo("")
    for path in written:
        echo(path)
    return EXIT_OK
