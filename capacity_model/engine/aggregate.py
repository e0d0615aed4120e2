"""Summaries of many samples that add up exactly chunk by chunk.

Monte Carlo samples are evaluated in chunks to bound memory. Counts (probabilities,
histograms of months) add exactly, so they do not depend on the chunk size. Quantiles
of monthly values come from :class:`QuantileHistogram`: counts in fixed, signed,
logarithmic bins, equally chunk-independent, with a stated error bound.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["QuantileHistogram"]


class QuantileHistogram:
    """Per-month counts of values in fixed signed-log bins, for quantiles over samples.

    A value's bin is read off its IEEE-754 bits: the exponent and the top
    ``mantissa_bits`` of the mantissa (as in HDR histograms), so each power of two is
    split into ``2**mantissa_bits`` bins, each at most ``2**-mantissa_bits`` wide
    relative to its lower edge, and no logarithm is computed. Values with
    ``|x| < tiny`` share a zero bin; values from ``huge`` up (and ``±inf``) the
    outermost bins.

    A quantile is the inverted-CDF order statistic (``numpy.quantile(...,
    method="inverted_cdf")``) up to its bin, reported as the bin's geometric middle:
    within a relative ``2**-(mantissa_bits + 1)`` (0.098% for 9 bits) of the exact
    value when ``tiny <= |x| < huge``, within ``tiny`` when ``|x| < tiny``, and
    ``±inf`` beyond ``huge``.

    Parameters
    ----------
    months
        Number of columns (months) of the values to be added.
    mantissa_bits, tiny, huge
        Bins per power of two (as bits), and the magnitudes resolved [unit of the values].
    """

    def __init__(self, months: int, mantissa_bits: int = 9, tiny: float = 1e-4, huge: float = 1e10) -> None:
        self.months = months
        self.tiny = tiny
        self.huge = huge
        self._shift = 52 - mantissa_bits
        self._first_key = int(np.array(tiny).view(np.int64)) >> self._shift
        self.magnitudes = (int(np.array(huge).view(np.int64)) >> self._shift) - self._first_key + 1
        self.bins = 2 * self.magnitudes + 1
        # Bin-major, so that a chunk's values (which span few bins) touch a short run of counts.
        self._counts = np.zeros(self.bins * months, dtype=np.int64)
        self.samples = 0

    @property
    def counts(self) -> NDArray[np.int64]:
        """Counts, shape ``(months, bins)``."""
        return self._counts.reshape(self.bins, self.months).T

    def _bin(self, values: NDArray[np.float64]) -> NDArray[np.int32]:
        """Signed bin of each value, from its bits; in place on int32 keys to save memory traffic."""
        bits = values.view(np.int64)
        key = np.bitwise_and(bits, np.int64(0x7FFFFFFFFFFFFFFF))  # |x|, as bits
        np.right_shift(key, self._shift, out=key)
        small = key.astype(np.int32)
        small -= self._first_key - 1
        np.clip(small, 0, self.magnitudes, out=small)  # 0: below tiny, the zero bin
        np.negative(small, out=small, where=bits < 0)
        small += self.magnitudes
        return small

    def add(self, values: ArrayLike) -> None:
        """Count values of shape ``(samples, months)``."""
        array = np.ascontiguousarray(values, dtype=float)
        if array.ndim == 1:
            array = array[None, :]
        flat = self._bin(array)
        flat *= self.months
        flat += np.arange(self.months, dtype=np.int32)[None, :]
        flat = flat.ravel()
        low, high = int(flat.min()), int(flat.max())
        if high - low > 4 * flat.size:
            # Values of both signs (headroom) span the whole table: count each sign's run alone.
            negative = flat < self.magnitudes * self.months
            parts = [flat[negative], flat[~negative]]
        else:
            parts = [flat]
        for part in parts:
            if part.size:
                low, high = int(part.min()), int(part.max())
                self._counts[low : high + 1] += np.bincount(part - low, minlength=high - low + 1)
        self.samples += array.shape[0]

    def _middle(self, index: NDArray[np.int64]) -> NDArray[np.float64]:
        centre = self.magnitudes
        step = np.abs(index - centre) - 1
        key = step + self._first_key
        lower = (key << self._shift).view(np.float64)
        upper = ((key + 1) << self._shift).view(np.float64)
        middle = np.sqrt(lower * upper)
        value = np.where(index > centre, middle, -middle)
        value = np.where(step >= self.magnitudes - 1, np.copysign(np.inf, value), value)
        return np.where(index == centre, 0.0, value)

    def quantiles(self, levels: tuple[float, ...]) -> NDArray[np.float64]:
        """Quantiles at ``levels`` of each month, shape ``(len(levels), months)`` (see the class)."""
        used = np.flatnonzero(self._counts.reshape(self.bins, self.months).any(axis=1))
        first, last = int(used[0]), int(used[-1]) + 1  # only the bins some value fell in
        cumulative = np.cumsum(self.counts[:, first:last], axis=1)
        out = np.empty((len(levels), self.months))
        for k, q in enumerate(levels):
            rank = max(1, math.ceil(q * self.samples - 1e-9))
            out[k] = self._middle(first + np.argmax(cumulative >= rank, axis=1))
        return out
