"""What is wrong first: errors before warnings, a short list, only real failures in the verdict."""

from __future__ import annotations

import dataclasses

from nnrecipe._report import Headline, Missing, Section
from nnrecipe._report._summary import SHOWN, summarize


@dataclasses.dataclass(frozen=True)
class Fake(Section):
    title: str
    said: tuple[Headline, ...]

    def headlines(self) -> list[Headline]:
        return list(self.said)


def test_errors_come_first_whatever_their_section_and_infos_stay_out():
    a = Fake("a", (Headline("warn", "w1"), Headline("info", "i")))
    b = Fake("b", (Headline("error", "e1"),))
    s = summarize([a, b], [])
    assert [(it.headline.text, it.section) for it in s.items] == [("e1", 1), ("w1", 0)]
    assert (s.verdict, s.worst) == ("1 error and 1 warning in 2 sections", "error")


def test_a_long_list_is_cut_and_says_how_many_more():
    s = summarize([Fake("a", tuple(Headline("warn", f"w{i}") for i in range(SHOWN + 5)))], [])
    assert len(s.items) == SHOWN and s.hidden == 5


def test_only_inputs_that_failed_count_in_the_verdict():
    ok = Fake("a", ())
    absent = Missing("ensemble", "none saved", failed=False)
    broken = Missing("training curves of x", "not valid JSON")
    assert summarize([ok], [absent]).verdict == "nothing wrong found in 1 section"
    assert summarize([ok], [absent, broken]).verdict == "nothing wrong found in 1 section; 1 input could not be read"
    assert summarize([], [broken]).worst == "error"
