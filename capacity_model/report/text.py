"""User text on report pages: shown literally, in characters the font has, wrapped to fit.

Names, descriptions and citations come from scenario files. They are drawn as plain text
(the report's style turns matplotlib's mathtext off, so ``$x$``, ``\\`` and ``^`` stay as
written), characters the report's font lacks (Chinese in a name, say) are replaced by ``?``
(or drawn from a fallback font that covers them, when one is installed), and lines are
wrapped by their measured width, so that no text runs off the page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from matplotlib.textpath import TextToPath

__all__ = [
    "FALLBACK_FAMILIES",
    "REPLACEMENT",
    "fill",
    "fonts",
    "readable",
    "readable_figure",
    "shorten",
    "text_width_in",
    "wrap",
]

#: The report's font.
FAMILY = "DejaVu Sans"
#: Installed fonts used for characters the report's font lacks, in order of preference.
FALLBACK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Noto Sans",
)
#: What stands for a character no font has.
REPLACEMENT = "?"


@functools.cache
def fonts() -> tuple[str, ...]:
    """The report's font and the installed fallback fonts, as matplotlib family names."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return (FAMILY, *(name for name in FALLBACK_FAMILIES if name in installed))


@functools.cache
def _covered() -> frozenset[int]:
    """Code points some font of :func:`fonts` has a glyph for."""
    points: set[int] = set()
    for family in fonts():
        path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
        points.update(FT2Font(path).get_charmap())
    return frozenset(points)


def readable(text: str) -> str:
    """``text`` with every character no font has replaced by :data:`REPLACEMENT`; line breaks and
    tabs kept."""
    covered = _covered()
    if all(ord(c) in covered or c in "\n\t" for c in text):
        return text
    return "".join(c if ord(c) in covered or c in "\n\t" else REPLACEMENT for c in text)


def readable_figure(figure: Figure) -> None:
    """Make every text of a figure :func:`readable`, in place (before saving: no glyph warnings)."""
    for artist in figure.findobj(Text):
        text = artist.get_text()
        shown = readable(text)
        if shown != text:
            artist.set_text(shown)


@functools.cache
def _char_width_pt(char: str, bold: bool) -> float:
    """Advance width of one character at 1 pt [pt]."""
    properties = FontProperties(family=list(fonts()), weight="bold" if bold else "normal", size=100)
    width, _, _ = TextToPath().get_text_width_height_descent(char, properties, ismath=False)
    return width / 100


def text_width_in(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of ``text`` at ``size`` points [inches], from the characters' advances
    (kerning left out: it makes lines narrower, so the estimate is on the safe side)."""
    return sum(_char_width_pt(c, bold) for c in text) * size / 72


def wrap(text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines at most ``width_in`` inches wide at ``size`` points: at spaces
    where it can, inside a word longer than a line where it must. Line breaks in ``text`` are kept.
    """
    lines: list[str] = []
    for paragraph in readable(text).split("\n"):
        lines += _wrap_paragraph(paragraph.split(), width_in, size, bold) or [""]
    return lines


def _wrap_paragraph(words: Iterable[str], width_in: float, size: float, bold: bool) -> list[str]:
    space = text_width_in(" ", size, bold)
    lines: list[str] = []
    line, used = "", 0.0
    for word in words:
        width = text_width_in(word, size, bold)
        if line and used + space + width <= width_in:
            line, used = f"{line} {word}", used + space + width
            continue
        if line:
            lines.append(line)
        while width > width_in and len(word) > 1:  # a word wider than a line: break it
            cut = _fitting(word, width_in, size, bold)
            lines.append(word[:cut])
            word = word[cut:]
            width = text_width_in(word, size, bold)
        line, used = word, width
    if line:
        lines.append(line)
    return lines


def _fitting(word: str, width_in: float, size: float, bold: bool) -> int:
    """How many leading characters of ``word`` fit in ``width_in`` (at least one)."""
    used = 0.0
    for k, char in enumerate(word):
        used += text_width_in(char, size, bold)
        if used > width_in:
            return max(1, k)
    return len(word)


def fill(text: str, width_in: float, size: float, bold: bool = False) -> str:
    """:func:`wrap` joined into one string with line breaks."""
    return "\n".join(wrap(text, width_in, size, bold))


def shorten(text: str, width_in: float, size: float, bold: bool = False) -> str:
    """``text`` on one line at most ``width_in`` wide, cut with an ellipsis when it is wider."""
    text = readable(" ".join(text.split()))
    if text_width_in(text, size, bold) <= width_in:
        return text
    room = width_in - text_width_in("…", size, bold)
    return text[: _fitting(text, room, size, bold)].rstrip() + "…"
