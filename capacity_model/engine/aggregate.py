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


class _Window:
    """Counts of a contiguous run of bins (those values have fallen in so far), by month.

    ``counts[b - low, m]`` counts values of month ``m`` in bin ``b``; the run grows when
    values fall outside it, so memory follows the bins in use, not every possible bin.
    """

    def __init__(self, months: int) -> None:
        self.months = months
        self.low = 0
        self.counts = np.zeros((0, months), dtype=np.int32)

    def add(self, keys: NDArray[np.int32]) -> None:
        """Count values given by their keys ``bin * months + month`` (a flat array)."""
        if not keys.size:
            return
        first, last = int(keys.min()), int(keys.max())
        low, high = first // self.months, last // self.months + 1
        if not self.counts.shape[0]:
            self.low, self.counts = low, np.zeros((high - low, self.months), dtype=np.int32)
        elif low < self.low or high > self.low + self.counts.shape[0]:
            start, stop = min(low, self.low), max(high, self.low + self.counts.shape[0])
            grown = np.zeros((stop - start, self.months), dtype=np.int32)
            grown[self.low - start : self.low - start + self.counts.shape[0]] = self.counts
            self.low, self.counts = start, grown
        offset = first - self.low * self.months
        flat = self.counts.reshape(-1)
        span = last - first + 1
        if span <= 4 * keys.size:  # dense: count every key of the range
            flat[offset : offset + span] += np.bincount(keys - first, minlength=span).astype(np.int32)
        else:  # sparse (values spread over many bins and months): count the keys that occur
            found, counts = np.unique(keys, return_counts=True)
            flat[found - first + offset] += counts.astype(np.int32)


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
        # Values below 0 and above 0: two windows of bins in use, so that a quantity of both signs
        # (headroom), or of zeros and large values (gap), does not hold every bin between them;
        # the zero bin is counted on its own.
        self._windows = (_Window(months), _Window(months))
        self._zero = np.zeros(months, dtype=np.int64)  # values in the zero bin (|x| < tiny), by month
        self.samples = 0

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
        keys = self._bin(array)  # in place from here on: key = bin * months + month
        keys *= self.months
        keys += np.arange(self.months, dtype=np.int32)[None, :]
        flat = keys.ravel()
        zero = self.magnitudes * self.months  # keys of the zero bin: zero, to zero + months
        low, high = int(flat.min()), int(flat.max())
        if low >= zero + self.months:  # all above 0: the common case
            self._windows[1].add(flat)
        else:
            negative, positive = flat < zero, flat >= zero + self.months
            self._windows[0].add(flat[negative])
            self._windows[1].add(flat[positive])
            if low < zero + self.months and high >= zero:
                at_zero = flat[~negative & ~positive] - zero
                self._zero += np.bincount(at_zero, minlength=self.months)
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

    def quantiles(self, levels: tuple[float, ...], block: int = 64) -> NDArray[np.float64]:
        """Quantiles at ``levels`` of each month, shape ``(len(levels), months)`` (see the class).

        Months are read ``block`` at a time, so temporary memory stays small whatever the period.
        """
        negative, positive = self._windows
        parts: list[tuple[int, NDArray[np.integer]]] = [
            (negative.low, negative.counts),
            (self.magnitudes, self._zero[None, :]),
            (positive.low, positive.counts),
        ]
        index = np.concatenate([low + np.arange(counts.shape[0]) for low, counts in parts])  # bins in order
        ranks = [max(1, math.ceil(q * self.samples - 1e-9)) for q in levels]
        out = np.empty((len(levels), self.months))
        for start in range(0, self.months, block):
            stop = min(start + block, self.months)
            counts = np.concatenate([counts[:, start:stop] for _, counts in parts])
            cumulative = np.cumsum(counts, axis=0, dtype=np.int64)
            for k, rank in enumerate(ranks):
                out[k, start:stop] = self._middle(index[np.argmax(cumulative >= rank, axis=0)])
        return out
