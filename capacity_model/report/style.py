"""Colours, units on axes and dates for the report's figures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import matplotlib as mpl
import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
DEMAND_COLOUR = "#000000"
REQUIRED_COLOUR = "#D55E00"
THRESHOLD_COLOUR = "#D55E00"
SHORTFALL_COLOUR = "#D55E00"

#: A4 landscape [inches].
PAGE_SIZE = (11.69, 8.27)

RC: dict[str, Any] = {
    "pdf.fonttype": 42,  # TrueType: searchable, selectable text
    "text.parse_math": False,  # text from scenario files is shown as written: '$x$' is not math
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 13,
    # A title at a fixed height: matplotlib would otherwise measure the tick labels of every
    # axis to find room for it (a tenth of a second a page), for axes that have none on top.
    "axes.titley": 1.0,
    "axes.labelsize": 10.5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


@contextmanager
def report_style() -> Iterator[None]:
    """Apply the report's matplotlib settings for the duration of a block (the report's font,
    then installed fallback fonts for characters it lacks)."""
    from .text import fonts

    with mpl.rc_context(cast(Any, {**RC, "font.family": list(fonts())})):
        yield


def month_dates(months: ArrayLike) -> NDArray[np.datetime64]:
    """Month indices (``12 * year + month - 1``) as ``datetime64[M]`` for date axes."""
    return (np.asarray(months, dtype=np.int64) - 12 * 1970).astype("datetime64[M]")


def month_middles(months: ArrayLike) -> NDArray[np.datetime64]:
    """The 15th of each month: where a monthly value is drawn as a point or line."""
    days = month_dates(months).astype("datetime64[D]") + np.timedelta64(14, "D")
    return cast(NDArray[np.datetime64], days)  # numpy's stubs type datetime + timedelta as timedelta


def rate_unit(max_gbps: float) -> tuple[str, float]:
    """Unit and divisor for an axis whose largest value is ``max_gbps``: Gbps or Tbps (or Pbps)."""
    if max_gbps >= 1e6:
        return "Pbps", 1e6
    if max_gbps >= 1e3:
        return "Tbps", 1e3
    return "Gbps", 1.0


def spans_decades(values: ArrayLike, decades: float = 2.0) -> bool:
    """Whether positive values span more than ``decades`` powers of ten (use a log axis)."""
    positive = np.asarray(values, dtype=float)
    positive = positive[np.isfinite(positive) & (positive > 0)]
    return positive.size > 0 and np.log10(positive.max() / positive.min()) > decades
