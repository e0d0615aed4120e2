"""Scripted outages, evaluated in time inside their windows rather than month by month.

An outage ``o`` takes, from its start ``s_o`` for ``d_o`` days, a fraction ``f_o`` of the
capacity of each link it hits: its ``share``, or ``min(1, R_o / Σ C_l)`` for a rate ``R_o`` over
the links together, so the rate is shared in proportion to their capacity. The windows are cut
into **segments** at every day boundary inside them, at each outage's end, and at the moment
its unlit capacity comes on (``s_o + a``); inside a segment nothing changes but demand.

A segment never crosses a month's first day (outages start at 00:00 and segments end at day
boundaries). In a segment of length ``Δt``:

- lit capacity ``C_l`` is the monthly capacity of the segment's month (capacity steps by month);
- demand ``D(t)`` is interpolated linearly between the monthly values, which hold at each
  month's first day (through the period's last month, its value);
- capacity left ``K(t) = Σ_l C_l(t)·(1 − Σ_o f_o·[o active, l ∈ o])``;
- activated capacity ``A(t) = Σ_{l hit by no active outage} (I_l(t) − C_l(t))`` once some
  active outage started at least ``a`` days before (``a`` = ``planning.activation_delay``;
  never when it is not given), where ``I_l`` is the installed capacity;
- usable capacity ``U(t) = e·(K(t) + A(t))`` at the emergency utilisation ``e``;
- the traffic lost **because of the outages** is
  ``∫ max(0, D − U) dt − ∫ max(0, D − e·Σ_l C_l) dt`` over the segment (at least 0): what is
  lost beyond what would be lost anyway at the emergency utilisation; each integral is exact
  for ``D`` linear (:func:`~.shortfalls.positive_part_integral`) [Gbps·days; / 1000 for
  Tbps·days].

Where outages overlap in time (on different links: one link has one outage at a time), the
evaluation of all of them together counts the common days once; each outage's own cost is its
evaluation alone.

All functions broadcast over leading (sample) axes of the capacity and demand arrays, with no
loop over months or days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import units
from .shortfalls import positive_part_integral

__all__ = [
    "LinkStates",
    "OutageLosses",
    "OutageWindow",
    "Segments",
    "demand_at_ends",
    "link_states",
    "month_start_days",
    "outage_losses",
    "segment_months",
    "segments",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Days in a week, for the loss "after one week" [days].
WEEK_DAYS = 7.0


@dataclass(frozen=True)
class OutageWindow:
    """One outage in resolved form."""

    start_day: float
    """Start, in days from the period's first day (00:00) [days]."""
    duration_days: float
    """Duration [days]."""
    links: tuple[int, ...]
    """Positions of the links hit, in the link axis."""
    lost_share: float | None = None
    """Share of each hit link's capacity lost [fraction]; or None with ``lost_gbps``."""
    lost_gbps: float | None = None
    """Capacity lost over the hit links together [Gbps]; or None with ``lost_share``."""

    @property
    def end_day(self) -> float:
        """``start_day + duration_days`` [days]."""
        return self.start_day + self.duration_days


@dataclass(frozen=True)
class Segments:
    """The time inside outage windows, cut where anything but demand changes."""

    start_days: FloatArray
    """Start of each segment, in days from the period's first day [days], ``(n,)``."""
    length_days: FloatArray
    """Length of each segment [days], ``(n,)``; each at most one day."""
    active: BoolArray
    """Whether each outage is active in each segment, ``(outages, n)``."""
    activated: BoolArray
    """Whether unlit capacity is switched on in each segment, ``(n,)``."""

    @property
    def mid_days(self) -> FloatArray:
        """Midpoint of each segment [days]."""
        return self.start_days + self.length_days / 2


def segments(windows: list[OutageWindow], activation_delay_days: float | None) -> Segments:
    """Cut the outage windows into segments (see the module).

    Parameters
    ----------
    windows
        The outages.
    activation_delay_days
        Time from an outage's start to switching on unlit capacity [days]; None for never.
    """
    cuts: list[FloatArray] = []
    for w in windows:
        days = w.start_day + np.arange(int(np.ceil(w.duration_days - 1e-9)) + 1, dtype=float)
        marks = [w.end_day]
        if activation_delay_days is not None and activation_delay_days < w.duration_days:
            marks.append(w.start_day + activation_delay_days)
        cuts.append(np.concatenate([np.minimum(days, w.end_day), marks]))
    points: FloatArray = np.unique(np.round(np.concatenate(cuts), 9)) if cuts else np.zeros(0)
    start: FloatArray = points[:-1]
    length: FloatArray = np.diff(points)
    mid = start + length / 2
    starts = np.array([w.start_day for w in windows])[:, None]
    ends = np.array([w.end_day for w in windows])[:, None]
    active = (starts <= mid) & (mid < ends)
    keep = active.any(axis=0)
    active = active[:, keep]
    mid = mid[keep]
    activated: BoolArray = (
        np.zeros(mid.shape, dtype=bool)
        if activation_delay_days is None
        else np.any(active & (starts + activation_delay_days <= mid), axis=0)
    )
    return Segments(start[keep], length[keep], active, activated)


@dataclass(frozen=True)
class OutageLosses:
    """Capacity and traffic lost in each segment, and their sums per outage.

    Arrays of segments have shape ``(..., n)``: leading sample axes, then segments.
    """

    segments: Segments
    demand_gbps: FloatArray
    """Mean demand over each segment [Gbps]."""
    capacity_gbps: FloatArray
    """Lit capacity without the outages [Gbps]."""
    capacity_lost_gbps: FloatArray
    """Lit capacity taken by the active outages [Gbps]."""
    outage_capacity_lost_gbps: FloatArray
    """Lit capacity taken by each outage [Gbps], ``(..., outages, n)``; 0 where inactive."""
    activated_gbps: FloatArray
    """Unlit capacity of links no active outage hits, switched on [Gbps]."""
    usable_gbps: FloatArray
    """``e·(capacity − capacity lost + activated)`` [Gbps]."""
    lost_gbps: FloatArray
    """Mean traffic lost because of the outages over each segment [Gbps] (see the module)."""

    def _sum(self, values: FloatArray, mask: BoolArray) -> FloatArray:
        return np.sum(values * (self.segments.length_days * mask), axis=-1)

    def lost_tbps_days(self, outage: int | None = None) -> FloatArray:
        """Traffic lost during an outage (all outages, each day once, when None) [Tbps·days]."""
        mask = self._mask(outage)
        return self._sum(self.lost_gbps, mask) / 1000.0

    def demand_tbps_days(self, outage: int | None = None) -> FloatArray:
        """Demand during an outage (all outages when None) [Tbps·days]."""
        return self._sum(self.demand_gbps, self._mask(outage)) / 1000.0

    def lost_share(self, outage: int | None = None) -> FloatArray:
        """Traffic lost over demand during an outage [fraction]."""
        demand = self.demand_tbps_days(outage)
        return np.divide(self.lost_tbps_days(outage), demand, out=np.zeros_like(demand), where=demand > 0)

    def lost_on_day_gbps(self, outage: int, day: float, window: OutageWindow) -> FloatArray:
        """Mean traffic lost over day ``day`` of an outage (day 0 its first), over the part of
        that day the outage lasts [Gbps]; 0 for a day after it ends."""
        t0 = window.start_day + day
        starts = self.segments.start_days
        inside = self.segments.active[outage] & (starts >= t0 - 1e-9) & (starts < t0 + 1 - 1e-9)
        covered_days = float(np.sum(self.segments.length_days * inside))
        lost = self._sum(self.lost_gbps, inside)
        return lost / covered_days if covered_days > 0 else lost

    def _mask(self, outage: int | None) -> BoolArray:
        if outage is None:
            return np.ones(self.segments.length_days.shape, dtype=bool)
        return self.segments.active[outage]


@dataclass(frozen=True)
class LinkStates:
    """Each link's capacity in each segment: lit, taken by the active outages, switched on.

    Arrays have shape ``(..., links, n)``: leading sample axes, links, segments.
    """

    lit_gbps: FloatArray
    """Lit capacity of the segment's month, without the outages [Gbps]."""
    lost_gbps: FloatArray
    """Lit capacity taken by the active outages [Gbps]."""
    activated_gbps: FloatArray
    """Unlit capacity switched on: ``I_l − C_l`` of a link no active outage hits, once unlit
    capacity is switched on in the segment; 0 otherwise [Gbps]."""
    outage_lost_gbps: FloatArray
    """Lit capacity taken by each outage, ``(..., outages, n)``; 0 where inactive [Gbps]."""

    @property
    def up_gbps(self) -> FloatArray:
        """What each link has in service in the segment: lit, less lost, plus switched on [Gbps]."""
        return self.lit_gbps - self.lost_gbps + self.activated_gbps


def segment_months(seg: Segments, month_start_days: FloatArray) -> NDArray[np.int64]:
    """Position in the period of each segment's month, ``(n,)``."""
    n_months = len(month_start_days) - 1
    position = np.searchsorted(month_start_days, seg.mid_days, side="right") - 1
    return np.clip(position, 0, n_months - 1).astype(np.int64)


def demand_at_ends(
    demand_gbps: FloatArray, month_start_days: FloatArray, seg: Segments, position: NDArray[np.int64]
) -> tuple[FloatArray, FloatArray]:
    """Demand at the start and the end of each segment, linear between the months' first days
    (through the period's last month, its value) [Gbps], each ``(..., n)``.

    ``demand_gbps`` is by month, ``(..., months)``; ``position`` the segments' months
    (:func:`segment_months`).
    """
    n_months = len(month_start_days) - 1
    after = np.minimum(position + 1, n_months - 1)
    demand = np.asarray(demand_gbps, dtype=float)
    month_days = np.diff(month_start_days)[position]
    here, there = demand[..., position], demand[..., after]
    d0, d1 = (
        here + (there - here) * (t - month_start_days[position]) / month_days
        for t in (seg.start_days, seg.start_days + seg.length_days)
    )
    return d0, d1


def link_states(
    windows: list[OutageWindow],
    seg: Segments,
    link_capacity_gbps: FloatArray,
    link_installed_gbps: FloatArray,
    position: NDArray[np.int64],
) -> LinkStates:
    """Each link's lit, lost and switched-on capacity in each segment (see the module).

    Parameters
    ----------
    windows, seg
        The outages and their segments (:func:`segments`).
    link_capacity_gbps, link_installed_gbps
        Lit and installed capacity of each link by month [Gbps], ``(..., links, months)``.
    position
        The segments' months (:func:`segment_months`).
    """
    lit = np.asarray(link_capacity_gbps, dtype=float)[..., position]  # (..., links, n)
    dark = np.asarray(link_installed_gbps, dtype=float)[..., position] - lit
    own = np.zeros((*lit.shape[:-2], len(windows), lit.shape[-1]))  # (..., outages, n)
    lost = np.zeros(lit.shape)
    hit = np.zeros(lit.shape[-2:], dtype=bool)  # (links, n)
    for o, w in enumerate(windows):  # a loop over outages (at most 50), not over time
        links = list(w.links)
        on_links = lit[..., links, :].sum(axis=-2)
        if w.lost_share is not None:
            taken = w.lost_share * on_links
        else:  # a rate, shared in proportion to the links' capacity, at most what they have
            taken = np.minimum(float(w.lost_gbps or 0.0), on_links)
        fraction = np.divide(taken, on_links, out=np.zeros(on_links.shape), where=on_links > 0)
        own[..., o, :] = taken * seg.active[o]
        lost[..., links, :] += (fraction * seg.active[o])[..., None, :] * lit[..., links, :]
        hit[links, :] |= seg.active[o]
    activated = dark * (~hit & seg.activated)
    return LinkStates(lit_gbps=lit, lost_gbps=lost, activated_gbps=activated, outage_lost_gbps=own)


def outage_losses(
    windows: list[OutageWindow],
    link_capacity_gbps: FloatArray,
    link_installed_gbps: FloatArray,
    demand_gbps: FloatArray,
    month_start_days: FloatArray,
    emergency_utilisation: float,
    activation_delay_days: float | None,
) -> OutageLosses:
    """Capacity and traffic lost inside the outage windows (see the module for the formulas).

    Parameters
    ----------
    windows
        The outages; one link has at most one active at a time.
    link_capacity_gbps, link_installed_gbps
        Lit and installed capacity of each link by month [Gbps], ``(..., links, months)``.
    demand_gbps
        Corridor demand by month [Gbps], ``(..., months)``.
    month_start_days
        First day of each month and of the month after the last, in days from the period's
        first day [days], ``(months + 1,)``.
    emergency_utilisation
        ``e`` [fraction].
    activation_delay_days
        ``a`` [days], or None when unlit capacity stays off.
    """
    seg = segments(windows, activation_delay_days)
    position = segment_months(seg, month_start_days)
    d0, d1 = demand_at_ends(demand_gbps, month_start_days, seg, position)
    states = link_states(windows, seg, link_capacity_gbps, link_installed_gbps, position)
    capacity = states.lit_gbps.sum(axis=-2)
    lost_capacity = states.outage_lost_gbps.sum(axis=-2)
    activated = states.activated_gbps.sum(axis=-2)
    usable = emergency_utilisation * (capacity - lost_capacity + activated)
    anyway = emergency_utilisation * capacity
    length = seg.length_days
    lost = np.maximum(
        0.0,
        positive_part_integral(d0 - usable, d1 - usable, length)
        - positive_part_integral(d0 - anyway, d1 - anyway, length),
    )
    return OutageLosses(
        segments=seg,
        demand_gbps=(d0 + d1) / 2,
        capacity_gbps=capacity,
        capacity_lost_gbps=lost_capacity,
        outage_capacity_lost_gbps=states.outage_lost_gbps,
        activated_gbps=activated,
        usable_gbps=usable,
        lost_gbps=lost / length,
    )


def month_start_days(months: NDArray[np.int64]) -> FloatArray:
    """First day of each month and of the month after the last, in days from the first
    month's first day [days], ``(months + 1,)``."""
    firsts = [units.first_day_of_month(int(m)) for m in months] + [
        units.first_day_of_month(int(months[-1]) + 1)
    ]
    return np.asarray(firsts, dtype=float) - firsts[0]
