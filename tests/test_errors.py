"""Problems are one visible line: what a terminal would act on or hide is escaped."""

from __future__ import annotations

import pytest

from capacity_model.errors import Problem, is_hidden, one_line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain ascii", "plain ascii"),
        ("red \x1b[31m", "red \\x1b[31m"),
        ("two\nlines\tand\rreturn\x00", "two\\nlines\\tand\\rreturn\\x00"),
        ("nel\x85", "nel\\x85"),
        ("ab\u202ecd \u2066x\u2069", "ab\\u202ecd \\u2066x\\u2069"),  # bidi override and isolates
        ("zero\u200bwidth \ufeffbom", "zero\\u200bwidth \\ufeffbom"),
        ("line\u2028paragraph\u2029", "line\\u2028paragraph\\u2029"),
        ("\ud800", "\\ud800"),  # a lone surrogate
        ("اردو می\u200cخواهم \u200d", "اردو می\u200cخواهم \u200d"),  # joiners shape words: kept
        ("Ünïcødé – 😀 中文", "Ünïcødé – 😀 中文"),
    ],
)
def test_one_line_escapes_exactly_the_hidden_characters(text: str, shown: str) -> None:
    assert one_line(text) == shown
    assert not any(is_hidden(c) for c in one_line(text) if c not in "\u200c\u200d")


def test_kept_characters_stay_as_they_are() -> None:
    assert one_line("a\nb\tc\x1b", keep="\n\t") == "a\nb\tc\\x1b"


def test_a_problem_is_one_line_whatever_its_parts_hold() -> None:
    problem = Problem("'o\u202efc' is not a valid id", "x\n.yaml", 4, field="links[o\u202efc].id")
    assert str(problem) == "x\\n.yaml:4: links[o\\u202efc].id: 'o\\u202efc' is not a valid id"
