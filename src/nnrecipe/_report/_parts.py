"""Pieces every section renderer uses: tables, facts, charts, pictures, notes."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from ._chart import Chart
from ._examples import Example, ExampleRow
from ._html import Html, join, tag
from ._picture import Picture
from ._svg import render_chart, render_sparkline
from ._table import Table

__all__ = ["badge", "charts", "data_table", "details", "examples", "facts", "heading", "notes", "pictures", "table"]


def heading(title: str, source: str | None = None) -> Html:
    return join([tag("h2", title), tag("p", source, class_="source") if source else None])


def badge(word: str) -> Html:
    """A coloured word: ``fail``/``error`` red, ``warn`` amber, ``pass``/``ok`` green, others grey."""
    return tag("span", word, class_=f"badge {word}")


def facts(rows: Sequence[tuple[str, str]]) -> Html | None:
    if not rows:
        return None
    return tag("table", *(tag("tr", tag("th", k, scope="row"), tag("td", v)) for k, v in rows), class_="facts")


def table(header: Sequence[str], rows: Sequence[Sequence[Html | str]], *, row_class: Sequence[str] = ()) -> Html:
    head = tag("thead", tag("tr", *(tag("th", h, scope="col") for h in header)))
    body = tag("tbody", *(
        tag("tr", *(tag("td", c) for c in row), class_=row_class[i] if i < len(row_class) else None) for i, row in enumerate(rows)
    ))
    return tag("div", tag("table", head, body, class_="rows"), class_="scroll")


def data_table(t: Table, *, titled: bool = True) -> Html:
    """A :class:`Table`: its title (unless a fold already shows it), the rows, its note."""
    return join([tag("h3", t.title) if titled else None, table(t.header, t.rows), tag("p", t.note, class_="note") if t.note else None])


def charts(items: Sequence[Chart]) -> Html | None:
    return tag("div", *(render_chart(c) for c in items), class_="charts") if items else None


def pictures(items: Sequence[Picture]) -> Html | None:
    if not items:
        return None
    figures = (
        tag("figure", tag("figcaption", p.caption), tag("img", src="data:image/png;base64," + base64.b64encode(p.png).decode("ascii"), alt=p.caption),
            class_="picture")
        for p in items
    )
    return tag("div", *figures, class_="pictures")


def notes(items: Sequence[str]) -> Html | None:
    return tag("ul", *(tag("li", n) for n in items), class_="notes") if items else None


def details(summary: str, *body: Html | None) -> Html | None:
    """A fold that starts closed, for long tables a person opens on purpose."""
    inner = [b for b in body if b]
    return tag("details", tag("summary", summary), *inner) if inner else None


def examples(title: str, rows: Sequence[ExampleRow]) -> Html | None:
    """One row of small pictures per class or statistic, each captioned with where it comes from."""
    if not rows:
        return None
    body = (tag("div", tag("div", r.label, class_="example-label"), *(_example(e) for e in r.examples), class_="example-row") for r in rows)
    return tag("div", tag("h3", title), *body, class_="examples")


def _example(e: Example) -> Html:
    if e.png:
        picture = tag("img", src="data:image/png;base64," + base64.b64encode(e.png).decode("ascii"), alt=e.caption, class_="tile")
    else:
        picture = render_sparkline(e.series)
    return tag("figure", picture, tag("figcaption", e.caption), class_="example")

