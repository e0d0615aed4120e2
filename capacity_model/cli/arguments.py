"""Argument types of the command line (dates, counts, folders, shares) and the
actions of ``sweep --param``."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..schema import MOST_GIVEN_BREAKS
from ..units import parse_fraction, parse_month


def month_argument(text: str) -> int:
    """An argument type: a month, e.g. ``2035-01``."""
    try:
        return parse_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def months_argument(text: str) -> list[int]:
    """Dates separated by commas: ``2018-06,2021-01``."""
    months = [month_argument(part.strip()) for part in text.split(",") if part.strip()]
    if not months:
        raise argparse.ArgumentTypeError("give one date or more, e.g. 2018-06,2021-01")
    if len(months) > MOST_GIVEN_BREAKS:
        raise argparse.ArgumentTypeError(f"at most {MOST_GIVEN_BREAKS} breakpoints")
    return months


class ParamAction(argparse.Action):
    """``--param PATH``: starts a swept field; ``--values``/``--range`` attach to the last one."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        params = list(getattr(namespace, "params", None) or [])
        params.append([values, None, None])
        namespace.params = params


class ParamValuesAction(argparse.Action):
    """``--values``/``--range``: the values of the ``--param`` given just before."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        params: list[list[Any]] = getattr(namespace, "params", None) or []
        if not params:
            parser.error(f"{option_string} must follow the --param it gives values to")
        slot = 1 if option_string == "--values" else 2
        if params[-1][1] is not None or params[-1][2] is not None:
            parser.error(
                f"--param {params[-1][0]} already has its values; give one --values or --range per --param"
            )
        params[-1][slot] = values


def folder_argument(text: str) -> Path:
    """An argument type: an output folder, which must have a name (``-o ""`` is refused)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name, e.g. -o reports")
    return Path(text)


def probability_argument(text: str) -> float:
    """An argument type: a probability, written as a share (``90%``) or a fraction (``0.9``)."""
    try:
        return parse_fraction(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def whole_argument(low: int, high: int) -> Any:
    """An argument type: a whole number from ``low`` to ``high`` (``_`` and ``,`` may group digits)."""

    def read(text: str) -> int:
        digits = text.replace("_", "").replace(",", "").strip()
        if len(digits) > 30 or not (digits.lstrip("+-").isascii() and digits.lstrip("+-").isdigit()):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        value = int(digits)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}")
        return value

    return read


#: Options whose value may start with a minus sign ('--between -50%:100%').
_SIGNED_VALUES = ("--between", "--values", "--range", "--set")


def join_signed_values(argv: Sequence[str]) -> list[str]:
    """``--between -50%:100%`` as ``--between=-50%:100%``: argparse would read the value as an option."""
    joined: list[str] = []
    args = list(argv)
    k = 0
    while k < len(args):
        if args[k] in _SIGNED_VALUES and k + 1 < len(args) and re.match(r"-[0-9.]", args[k + 1]):
            joined.append(f"{args[k]}={args[k + 1]}")
            k += 2
        else:
            joined.append(args[k])
            k += 1
    return joined
