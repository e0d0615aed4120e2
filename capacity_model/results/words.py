"""Numbers and lists in words, as every sentence of the results writes them."""

from __future__ import annotations

import numpy as np

from ..units import format_bit_rate

__all__ = ["names", "percent", "plural", "rate", "tbps_days", "tbps_days_alike", "volume"]


def percent(fraction: float) -> str:
    """A fraction as a readable percentage: one decimal from 1% to 100%, a trailing ``.0``
    dropped (``'70%'``, ``'14.6%'``, ``'2.3%'``), whole percents above 100% (``'872%'``), two
    significant digits below 1% (``'0.78%'``), ``'<0.01%'`` below that; never rounds a part up to
    ``'100%'`` or down to ``'0%'``. Negative values keep their sign."""
    value = float(fraction) * 100
    if not np.isfinite(value):
        return f"{value}%"
    if value < 0:
        return "-" + percent(-fraction)
    if value == 0:
        return "0%"
    if value >= 1e6:
        return f"{value:.3g}%"
    if value >= 100:
        return f"{value:,.0f}%"
    if value >= 99.95:
        return "99.9%"
    if value >= 0.995:
        return f"{value:.1f}".removesuffix(".0") + "%"
    if value < 0.01:
        return "<0.01%"
    return f"{value:.2g}%"


def volume(tbps_months: float) -> str:
    """Unserved traffic in Tbps·months, to three significant digits (``'4,788 Tbps·months'``)."""
    if tbps_months >= 1e6:
        return f"{tbps_months:.3g} Tbps·months"
    if tbps_months >= 100:
        return f"{tbps_months:,.0f} Tbps·months"
    if tbps_months == 0:
        return "0 Tbps·months"
    return f"{tbps_months:.3g} Tbps·months"


def rate(gbps: float) -> str:
    """A bit rate to three significant digits (``'1.76 Tbps'``)."""
    return format_bit_rate(gbps, 3)


def plural(count: int, word: str) -> str:
    """``'1 forecast'``, ``'3 forecasts'``, ``'1,200 months'``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def names(items: list[str]) -> str:
    """``'a'``, ``'a and b'``, ``'a, b and c'``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tbps_days(value: float) -> str:
    """A volume of traffic: ``'0 Tbps·days'``, ``'83.3 Gbps·days'`` below 1 Tbps·day,
    ``'5.22 Tbps·days'``, ``'1,838 Tbps·days'``: three significant digits, never an exponent."""
    if value == 0:
        return "0 Tbps·days"
    if value * 1000 < 0.001:
        return "under 0.001 Gbps·days"
    if value * 1000 < 999.5:
        return f"{value * 1000:.3g} Gbps·days"
    return f"{value:.3g} Tbps·days" if value < 999.5 else f"{value:,.0f} Tbps·days"


def tbps_days_alike(*values: float) -> list[str]:
    """Volumes read side by side (a mean and its P10 and P90), all in the unit of the largest:
    ``['80 Gbps·days', '0 Gbps·days', '200 Gbps·days']``, never Tbps beside Gbps."""
    tera = max(values) * 1000 >= 999.5
    scale, unit = (1.0, "Tbps·days") if tera else (1000.0, "Gbps·days")
    texts = []
    for value in values:
        shown = value * scale
        if shown == 0:
            texts.append(f"0 {unit}")
        elif shown < 0.001:
            texts.append(f"under 0.001 {unit}")
        else:
            texts.append(f"{shown:.3g} {unit}" if shown < 999.5 else f"{shown:,.0f} {unit}")
    return texts
