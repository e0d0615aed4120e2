"""Most entries of a scenario's lists: each has its own lines, table rows and chart
series in the report."""

from __future__ import annotations

#: Most links, demand streams, targets, and phases of one link: each has its own lines, table
#: rows and chart series in the report (50 of each take about 15 s to draw).
MAX_ENTRIES = 50
#: Most rates of a piecewise growth, and points of a series (one a month for 200 years).
MAX_RATES, MAX_POINTS = 200, 2400
#: Most entries of ``sources``.
MAX_SOURCES = 200
