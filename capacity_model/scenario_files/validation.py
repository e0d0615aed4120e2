"""Plain data validated as a :class:`Scenario`, the data files of fitted growth read first;
every problem reported at its file and line."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, ScenarioError
from ..inheritance import Marks
from ..schema import Scenario
from ..series import read_series
from ..units import UnitError, format_month, parse_month
from .locations import LineMap
from .messages import kind_of, problems_from_error, unique

_REQUIRED_TOP = "name, period, links and demand"


def scenario_from_data(
    data: Any, lines: LineMap | None = None, file: str | None = None, marks: Marks | None = None
) -> Scenario:
    """Validate plain data as a :class:`Scenario`, reporting problems by line.

    ``lines`` gives the line of each value in ``file``; ``marks`` instead gives
    the file and line of each value, for data merged from several files.

    Raises
    ------
    ScenarioError
        With one :class:`Problem` per mistake found.
    """
    if marks is None:
        marks = {key: (file, line) for key, line in (lines or {}).items()}
    lines = {key: line for key, (_, line) in marks.items() if line is not None}
    if data is None:
        raise ScenarioError(
            Problem(f"the file is empty; a scenario needs at least {_REQUIRED_TOP}", file=file, line=1)
        )
    if not isinstance(data, Mapping):
        raise ScenarioError(
            Problem(
                "the top level must be a mapping of fields such as 'name:' and 'period:', "
                f"found {kind_of(data)}",
                file=file,
                line=lines.get((), 1),
            )
        )
    data = _with_fitted_points(data, marks, file)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = [p for e in error.errors() for p in problems_from_error(e, data, marks, file)]
        problems.sort(key=lambda p: (p.file != file, p.file or "", p.line or 0))
        raise ScenarioError(unique(problems)) from None


def _with_fitted_points(data: Mapping[str, Any], marks: Marks, file: str | None) -> Mapping[str, Any]:
    """``data`` with the points of each ``growth: {model: fitted}`` read from its data file
    (relative to the file that names it), and the column and metric found there written in;
    a growth that gives its points (a resolved scenario) is left as it is.

    Raises
    ------
    ScenarioError
        A data file that cannot be read, or with bad rows: each problem names the data file
        and line (or, for a file that cannot be opened, the scenario's line naming it).
    """
    streams = data.get("demand")
    if not isinstance(streams, list):
        return data
    filled = None
    for k, stream in enumerate(streams):
        growth = stream.get("growth") if isinstance(stream, dict) else None
        if not (isinstance(growth, dict) and growth.get("model") == "fitted") or growth.get("points"):
            continue
        named = growth.get("data")
        if not isinstance(named, str) or not named.strip():
            continue  # the schema says what is wrong
        try:
            since, until = (
                None if growth.get(key) is None else parse_month(growth[key]) for key in ("since", "until")
            )
        except UnitError:
            continue  # the schema reports the date
        options = {key: growth.get(key) for key in ("column", "date_column", "metric")}
        if not all(value is None or isinstance(value, str) for value in options.values()):
            continue
        at = marks.get(("demand", k, "growth", "data"), (file, None))
        folder = Path(at[0]).parent if at[0] is not None else Path()
        label = f"demand[{stream.get('id', k)}].growth.data"
        where = folder / named.strip()
        try:
            series = read_series(
                where,
                str(where),
                since=since,
                until=until,
                at=at,
                field=label,
                options=("column:", "date_column:", "metric:"),
                **options,
            )
        except ScenarioError as error:  # problems in the data file: say which scenario names it
            if all(p.file == at[0] for p in error.problems):
                raise
            raise ScenarioError(
                [
                    *error.problems,
                    Problem(f"the data file {named.strip()} has the problems above", at[0], at[1], label),
                ]
            ) from None
        points = [
            {"at": format_month(int(m)), "value": float(v)}
            for m, v in zip(series.months, series.values, strict=True)
        ]
        if filled is None:
            filled = copy.deepcopy(dict(data))
        target = filled["demand"][k]["growth"]
        target.update(
            {
                "points": points,
                "column": series.column,
                **({"metric": series.metric} if series.metric else {}),
            }
        )
    return data if filled is None else filled
