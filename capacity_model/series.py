"""An observed series from a CSV data file, read safely: the dates and values to fit a growth
curve to (:mod:`capacity_model.engine.fitting`).

The file is read as untrusted text (:mod:`.textfiles`): a regular UTF-8 file of at most a
megabyte, at most :data:`MAX_ROWS` rows. One column holds the dates (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``, ``YYYY-Qn``, as in a scenario: a year is its January), another the values,
plain numbers above 0. A file that mixes definitions in a ``metric`` column (installed,
activated, used) is fitted one metric at a time. Every problem names the file, the line (the
row) and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .errors import Problem, ScenarioError
from .quantities import did_you_mean
from .textfiles import check_characters, read_text
from .units import UnitError, format_month, parse_month, rate_unit_of

__all__ = ["DATE_COLUMNS", "MAX_ROWS", "METRIC_COLUMN", "Series", "read_series"]

#: Most rows a data file may hold (a month a row for 800 years).
MAX_ROWS = 10_000
#: Values must lie below this (a scenario's observed values do too: curves are fitted to logs).
MAX_VALUE = 1e300
#: Problems reported one by one; beyond, their number.
MOST_PROBLEMS = 20
#: Longest field read [characters].
MAX_FIELD = 2_000
#: Date columns looked for, in order, when none is named.
DATE_COLUMNS = ("date", "year", "month")
#: The column that tells apart the definitions a file mixes.
METRIC_COLUMN = "metric"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Series:
    """The points of one column of a data file, in date order."""

    file: str
    """The file as the user named it."""
    column: str
    date_column: str
    metric: str | None
    """The metric the rows were chosen by, or None."""
    months: NDArray[np.int64]
    """Month index of each point (``12·year + month − 1``)."""
    values: NDArray[np.float64]
    lines: tuple[int, ...]
    """Line of the file each point is on."""
    since: int | None = None
    """The first month kept, when the points were chosen from it on [month index]."""
    until: int | None = None
    """The last month kept, when the points were chosen up to it [month index]."""

    @property
    def times(self) -> NDArray[np.float64]:
        """Each point's time [years]: its month index / 12."""
        return self.months / 12.0

    @property
    def gbps_per_unit(self) -> float | None:
        """Gbps per unit of the values, when the column names a bit rate; else None."""
        return rate_unit_of(self.column)

    def describe(self) -> str:
        """``'subscribers.csv, column subscribers_millions (8 points, 2016-10 to 2025-03)'``."""
        metric = f", metric {self.metric}" if self.metric else ""
        return (
            f"{Path(self.file).name}, column {self.column}{metric} ({len(self.values)} points, "
            f"{format_month(int(self.months[0]))} to {format_month(int(self.months[-1]))})"
        )


def read_series(
    path: Path,
    file: str,
    column: str | None = None,
    date_column: str | None = None,
    metric: str | None = None,
    since: int | None = None,
    until: int | None = None,
    at: tuple[str | None, int | None] | None = None,
    field: str = "data",
    options: tuple[str, str, str] = ("--column", "--date-column", "--metric"),
) -> Series:
    """Read one series from a CSV file (see the module).

    Parameters
    ----------
    path, file
        Where the file is, and its name as the user wrote it.
    column
        The values' column; by default the only column besides the dates, the metric and text
        columns whose values are all numbers.
    date_column
        The dates' column; by default the first of :data:`DATE_COLUMNS` the file has.
    metric
        Keep the rows whose ``metric`` column holds this; required when that column holds
        several.
    since, until
        Keep the points from / up to these months [month index].
    at, field
        The file and line naming the data file (a scenario's ``data:``), and that field's path,
        for problems opening it.
    options
        How the problems name the value column, date column and metric options: ``--column``
        on the command line, ``column:`` in a scenario.

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file, the row's line and the column.
    """
    text = read_text(path, file, "data file", at, field=field)
    check_characters(text, file, "a data file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        previous = 0
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines
            if len(rows) > MAX_ROWS:
                raise ScenarioError(
                    Problem(
                        f"the file has more than {MAX_ROWS:,} rows; a data file holds one series", file, start
                    )
                )
            if any(len(cell) > MAX_FIELD for cell in row):
                raise ScenarioError(Problem(f"a field is longer than {MAX_FIELD:,} characters", file, start))
            rows.append((start, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise ScenarioError(Problem(f"not a CSV file ({error})", file, reader.line_num)) from None
    if not rows:
        raise ScenarioError(Problem("the file is empty: give a header row, then a row per date", file))
    header_line, header = rows[0]
    data = rows[1:]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for name in header:
        if name in seen:
            problems.append(Problem(f"the column name {name!r} is used twice", file, header_line))
        seen[name] = 1
    if problems:
        raise ScenarioError(problems)

    def position(name: str, what: str) -> int:
        if name not in header:
            hint = did_you_mean(name, header) or f"; the columns are {', '.join(header)}"
            raise ScenarioError(Problem(f"no {what} column {name!r}{hint}", file, header_line, field=name))
        return header.index(name)

    if date_column is None:
        date_column = next((c for c in header if c.lower() in DATE_COLUMNS), None)
        if date_column is None:
            raise ScenarioError(
                Problem(
                    f"no date column (one named {', '.join(DATE_COLUMNS)}); name it with {options[1]} "
                    f"(the columns are {', '.join(header)})",
                    file,
                    header_line,
                )
            )
    date_at = position(date_column, "date")
    metric_at = header.index(METRIC_COLUMN) if METRIC_COLUMN in header else None
    if metric is not None:
        if metric_at is None:
            raise ScenarioError(
                Problem(f"{options[2]} {metric}: the file has no {METRIC_COLUMN!r} column", file, header_line)
            )
        known = sorted({cells[metric_at] for _, cells in data if metric_at < len(cells)})
        if metric not in known:
            hint = did_you_mean(metric, known) or f"; the metrics are {', '.join(known)}"
            raise ScenarioError(Problem(f"no row has the metric {metric!r}{hint}", file, field=METRIC_COLUMN))
        data = [
            (line, cells) for line, cells in data if metric_at < len(cells) and cells[metric_at] == metric
        ]
    elif metric_at is not None:
        known = sorted({cells[metric_at] for _, cells in data if metric_at < len(cells)})
        if len(known) > 1:
            raise ScenarioError(
                Problem(
                    f"the file mixes definitions in its {METRIC_COLUMN!r} column ({', '.join(known)}): fit one "
                    f"at a time, naming it with {options[2]}",
                    file,
                    header_line,
                    field=METRIC_COLUMN,
                )
            )
        metric = known[0] if known else None
    if column is None:
        column = _only_numeric_column(header, data, {date_at, metric_at}, file, header_line, options[0])
    value_at = position(column, "value")

    months, values, lines = [], [], []
    for line, cells in data:
        if len(cells) != len(header):
            problems.append(
                Problem(
                    f"the row has {len(cells)} fields and the header {len(header)}: quote a field with a comma in "
                    'it ("1,217") or write numbers without one (1217)',
                    file,
                    line,
                )
            )
            continue
        date_text = cells[date_at] if date_at < len(cells) else ""
        value_text = cells[value_at] if value_at < len(cells) else ""
        try:
            month = parse_month(date_text)
        except UnitError as error:
            problems.append(
                Problem(f"{error}" if date_text else "the date is empty", file, line, date_column)
            )
            continue
        if not value_text:
            problems.append(Problem("the value is missing: give one, or delete the row", file, line, column))
            continue
        if not _NUMBER.match(value_text):
            problems.append(
                Problem(
                    f"{value_text!r} is not a number: write plain numbers (1835, 3.79)", file, line, column
                )
            )
            continue
        value = float(value_text)
        if not np.isfinite(value) or value <= 0 or value >= MAX_VALUE:
            problems.append(
                Problem(
                    f"{value_text} is not above 0: growth curves are fitted to the logarithm of the values"
                    if value <= 0
                    else f"{value_text} is not below {MAX_VALUE:g}: write the values in a larger unit",
                    file,
                    line,
                    column,
                )
            )
            continue
        if (since is not None and month < since) or (until is not None and month > until):
            continue
        months.append(month)
        values.append(value)
        lines.append(line)
    for k in range(1, len(months)):
        if months[k] == months[k - 1]:
            problems.append(
                Problem(
                    f"the date {format_month(months[k])} is also on line {lines[k - 1]}: one value a date "
                    "(keep one of them)",
                    file,
                    lines[k],
                    date_column,
                )
            )
        elif months[k] < months[k - 1]:
            problems.append(
                Problem(
                    f"the dates must increase: {format_month(months[k])} comes after "
                    f"{format_month(months[k - 1])} (line {lines[k - 1]})",
                    file,
                    lines[k],
                    date_column,
                )
            )
    if problems:
        raise ScenarioError(_first(problems))
    if not months:
        raise ScenarioError(
            Problem("no point is left to fit" + (" in the dates chosen" if since or until else ""), file)
        )
    return Series(
        file=file,
        column=column,
        date_column=date_column,
        metric=metric,
        months=np.array(months, dtype=np.int64),
        values=np.array(values, dtype=float),
        lines=tuple(lines),
        since=since,
        until=until,
    )


def _first(problems: list[Problem]) -> list[Problem]:
    """The first :data:`MOST_PROBLEMS` problems, and how many more there are."""
    if len(problems) <= MOST_PROBLEMS:
        return problems
    more = len(problems) - MOST_PROBLEMS
    return [*problems[:MOST_PROBLEMS], Problem(f"and {more:,} more problems like these", problems[0].file)]


def _only_numeric_column(
    header: Sequence[str],
    data: Sequence[tuple[int, list[str]]],
    skip: set[int | None],
    file: str,
    line: int,
    option: str,
) -> str:
    """The one column besides the dates and metric most of whose filled cells are numbers (a
    stray word in it is then reported on its own line)."""

    def mostly_numbers(k: int) -> bool:
        filled = [cells[k] for _, cells in data if k < len(cells) and cells[k]]
        return bool(filled) and sum(bool(_NUMBER.match(c)) for c in filled) > len(filled) / 2

    numeric = [name for k, name in enumerate(header) if k not in skip and mostly_numbers(k)]
    if len(numeric) != 1:
        found = f"columns of numbers: {', '.join(numeric)}" if numeric else "no column of numbers"
        raise ScenarioError(
            Problem(f"name the values' column with {option} (the file has {found})", file, line)
        )
    return numeric[0]
