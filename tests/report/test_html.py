"""Markup built by tag/esc/join never carries a user's string unescaped."""

from __future__ import annotations

import pytest

from nnrecipe._report._html import Html, esc, join, tag

from .conftest import IMG, SCRIPT


def test_plain_strings_are_escaped_as_children_and_attributes():
    out = tag("td", SCRIPT, title=IMG)
    assert "<script>" not in out and "<img" not in out
    assert out == '<td title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>'


def test_markup_built_by_tag_passes_through_unchanged():
    assert tag("p", tag("b", "x"), " & ", esc("<")) == "<p><b>x</b> &amp; &lt;</p>"
    assert join(["<a>", Html("<br>")]) == "&lt;a&gt;<br>"


def test_attribute_names_and_flags():
    assert tag("section", data_section="s", class_="a b", hidden=True, id=None) == '<section data-section="s" class="a b" hidden></section>'
    assert tag("circle", r=2) == '<circle r="2"/>'
    assert tag("meta", charset="utf-8") == '<meta charset="utf-8">'


@pytest.mark.parametrize("name", ["script onload=x", "", "a>b"])
def test_tag_names_must_be_plain(name):
    with pytest.raises(ValueError, match="plain"):
        tag(name)
