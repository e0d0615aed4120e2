"""Observed series read from CSV files: the columns found, the metric chosen, and every kind of
bad input named by file, line (the row) and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from capacity_model.errors import ScenarioError
from capacity_model.series import Series, read_series
from capacity_model.units import parse_month

GOOD = """\
date,metric,value_gbps,source
2015-12,total,360,a
2020-06,total,3100,b
2024-12,total,13000,c
2025-11,total,13200,d
"""


def read(tmp_path: Path, text: str, **options: object) -> Series:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return read_series(path, "data.csv", **options)  # type: ignore[arg-type]


def problems(tmp_path: Path, text: str, **options: object) -> list[str]:
    with pytest.raises(ScenarioError) as error:
        read(tmp_path, text, **options)
    return [str(p) for p in error.value.problems]


def test_a_good_file(tmp_path: Path) -> None:
    series = read(tmp_path, GOOD)
    assert series.column == "value_gbps" and series.date_column == "date" and series.metric == "total"
    assert series.months.tolist() == [parse_month(d) for d in ("2015-12", "2020-06", "2024-12", "2025-11")]
    np.testing.assert_array_equal(series.values, [360, 3100, 13000, 13200])
    assert series.lines == (2, 3, 4, 5)
    assert series.gbps_per_unit == 1.0
    assert series.times[0] == pytest.approx((2015 * 12 + 11) / 12)


def test_since_and_until_choose_the_points(tmp_path: Path) -> None:
    series = read(tmp_path, GOOD, since=parse_month("2020"), until=parse_month("2025-01"))
    assert series.values.tolist() == [3100.0, 13000.0] and series.lines == (3, 4)


def test_a_file_mixing_metrics_is_fitted_one_at_a_time(tmp_path: Path) -> None:
    text = GOOD + "2025-09,installed,17210,e\n"
    assert problems(tmp_path, text) == [
        "data.csv:1: metric: the file mixes definitions in its 'metric' column (installed, total): fit one at "
        "a time, naming it with --metric"
    ]
    assert read(tmp_path, text, metric="installed").values.tolist() == [17210.0]
    assert problems(tmp_path, text, metric="instaled") == [
        "data.csv: metric: no row has the metric 'instaled'; did you mean 'installed'?"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("2020-06,total,3100", "2020-06,total,"),
            "data.csv:3: value_gbps: the value is missing",
        ),
        (
            GOOD.replace("2020-06,total,3100", "2020-06,total,3.1k"),
            "data.csv:3: value_gbps: '3.1k' is not a number",
        ),
        (GOOD.replace("2020-06,total,3100", "2020-06,total,-5"), "data.csv:3: value_gbps: -5 is not above 0"),
        (GOOD.replace("2020-06,total,3100", "2020-06,total,0"), "data.csv:3: value_gbps: 0 is not above 0"),
        (GOOD.replace("2020-06", "2015-12"), "data.csv:3: date: the date 2015-12 is also on line 2"),
        (
            GOOD.replace("2024-12", "2019-01"),
            "data.csv:4: date: the dates must increase: 2019-01 comes after 2020-06 (line 3)",
        ),
        (GOOD.replace("2020-06", "2020-13"), "data.csv:3: date: "),
        (GOOD.replace("2020-06", ""), "data.csv:3: date: the date is empty"),
        (GOOD.replace("date,", "day,"), "data.csv:1: no date column (one named date, year, month)"),
        ("date,value_gbps,value_gbps\n2020,1,2\n", "data.csv:1: the column name 'value_gbps' is used twice"),
        ("date,a,b\n2020,1,2\n2021,2,3\n", "data.csv:1: name the values' column with --column"),
        ("", "data.csv: the file is empty"),
        ('date,value_gbps\n2020,"1\n', "data.csv:2: not a CSV file"),
        ("date,value_gbps\n2020,1\x1b\n", "data.csv:2: the control character U+001B (ESC) is not allowed"),
    ],
)
def test_bad_input_names_the_file_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_unknown_columns_are_named_with_the_closest(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD, column="value_gpbs") == [
        "data.csv:1: value_gpbs: no value column 'value_gpbs'; did you mean 'value_gbps'?"
    ]
    assert problems(tmp_path, GOOD, date_column="when")[0].startswith(
        "data.csv:1: when: no date column 'when'; the columns are date, metric, value_gbps, source"
    )


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("2020-06,total,3100", "2020-06,total,x").replace(
        "2025-11,total,13200", "2025-11,total,-1"
    )
    assert [p.split(":")[1] for p in problems(tmp_path, text)] == ["3", "5"]


def test_a_file_too_long_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"{1000 + k // 12}-{k % 12 + 1:02d},1\n" for k in range(10_002))
    found = problems(tmp_path, "date,value_gbps\n" + rows)
    assert "more than 10,000 rows" in found[0]


def test_a_folder_or_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a folder, not a data file"):
        read_series(tmp_path, "here")
    with pytest.raises(ScenarioError, match="file not found"):
        read_series(tmp_path / "none.csv", "none.csv")


def test_a_row_longer_than_the_header_is_refused(tmp_path: Path) -> None:
    # an unquoted thousands separator: 1,217 would be read as the value 1
    found = problems(tmp_path, "date,value_gbps\n2022,997\n2023,1,217\n")
    assert found == [
        'data.csv:3: the row has 3 fields and the header 2: quote a field with a comma in it ("1,217") or '
        "write numbers without one (1217)"
    ]


def test_values_must_stay_below_1e300(tmp_path: Path) -> None:
    found = problems(tmp_path, "date,value_gbps\n2022,1e299\n2023,1.7e308\n")
    assert found == ["data.csv:3: value_gbps: 1.7e308 is not below 1e+300: write the values in a larger unit"]


def test_at_most_twenty_problems_are_listed(tmp_path: Path) -> None:
    rows = "".join(f"{2000 + k},x\n" for k in range(50))
    found = problems(tmp_path, "date,value_gbps\n" + rows, column="value_gbps")
    assert len(found) == 21 and found[-1] == "data.csv: and 30 more problems like these"
