"""The whole page: header, the summary of what is wrong, one block per section, all inline.

The page loads nothing: no script, no font, no stylesheet, no image outside ``data:`` URIs,
and its Content-Security-Policy forbids it, so it opens the same from disk, offline, years
later, and a name that slipped past escaping still could not run.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._html import Html, join, tag
from ._parts import badge
from ._render import render_section
from ._section import Missing, Section
from ._summary import Summary

__all__ = ["CSP", "render_page"]

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--err:#c62828;--warn:#b26a00;--ok:#1a7f37}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:14px 24px 8px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{font-size:20px;margin:0 0 2px}h2{font-size:18px;margin:0 0 4px}
header p{margin:0;color:var(--muted)}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:8px}nav a{color:#0969da;text-decoration:none}
main{padding:8px 24px 40px;max-width:1420px}
section.section{border-bottom:1px solid var(--line);padding:16px 0}
.source{color:var(--muted);margin:0 0 8px;font-size:12px;word-break:break-all}
.verdict{font-size:17px;font-weight:600;margin:4px 0 8px}.verdict.error{color:var(--err)}.verdict.warn{color:var(--warn)}.verdict.ok{color:var(--ok)}
.headlines li,.findings li{margin:3px 0}.headlines a{color:var(--muted);font-size:12px;margin-left:6px}
.badge{display:inline-block;min-width:40px;text-align:center;border-radius:3px;padding:0 5px;font-size:12px;font-weight:600;color:#fff;background:#8c959f}
.badge.error,.badge.fail{background:var(--err)}.badge.warn{background:var(--warn)}.badge.pass,.badge.ok{background:var(--ok)}.badge.info,.badge.skip{background:#8c959f}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}table.facts th{white-space:nowrap}
table.rows td{max-width:520px;overflow-wrap:anywhere}tr.fail td{background:#fff1f0}tr.warn td{background:#fff8e6}
.scroll{overflow-x:auto}table.pairs td{text-align:center;min-width:26px}table.pairs td.miss{background:#ffd8d3;font-weight:600}
.charts,.pictures{display:flex;flex-wrap:wrap;gap:12px 24px;margin:10px 0}
figure{margin:0}figcaption{font-weight:600;margin-bottom:2px;max-width:660px;overflow-wrap:anywhere}
figure.chart svg{max-width:100%;height:auto;font-family:system-ui,sans-serif}
svg text:not([fill]){fill:#3d444d}svg .axis-label{fill:var(--fg);font-weight:600}svg .line-label,svg .bar-label{font-weight:600}
svg .frame{fill:none;stroke:#8c959f}svg .grid{stroke:#eaeef2}svg .mark{stroke:#6e7781;stroke-dasharray:4 3}svg .mark-label{fill:#6e7781;font-size:10px}
figure.picture img{max-width:100%;border:1px solid var(--line)}
.note{color:var(--muted);font-size:12px;max-width:660px;margin:2px 0}
ul.notes{color:var(--muted);font-size:12px}.missing li{color:var(--muted)}
details{margin:8px 0}summary{cursor:pointer;color:#0969da}
.ok-line{color:var(--ok)}.warn-line{color:var(--warn);font-weight:600}
h3{font-size:15px;margin:12px 0 4px}
.example-row{display:flex;flex-wrap:wrap;align-items:flex-start;gap:4px 10px;margin:4px 0;padding:4px 0;border-top:1px solid #eaeef2}
.example-label{width:150px;font-weight:600;overflow-wrap:anywhere}
figure.example figcaption{font-weight:400;font-size:11px;color:var(--muted);text-align:center}
img.tile{width:64px;height:auto;image-rendering:pixelated;display:block;margin:auto}
svg.spark{display:block;border:1px solid #eaeef2}svg.spark .grid{stroke:#d1d9e0}
"""


def _summary(summary: Summary) -> Html:
    items = [
        tag("li", badge(it.headline.severity), " ", it.headline.text, tag("a", "see " + it.section_title, href=f"#section-{it.section}"))
        for it in summary.items
    ]
    if summary.hidden:
        items.append(tag("li", f"… and {summary.hidden} more in the sections below"))
    missing = None
    if summary.missing:
        missing = join([tag("h3", "Not in this report"),
                        tag("ul", *(tag("li", tag("b", m.what), ": ", m.reason) for m in summary.missing), class_="missing")])
    return tag(
        "section",
        tag("h2", "What is wrong"),
        tag("p", summary.verdict, class_=f"verdict {summary.worst}"),
        tag("ul", *items, class_="headlines") if items else None,
        missing,
        id="summary", class_="section summary", data_section="summary",
    )


def render_page(title: str, subtitle: str, sections: Sequence[Section], missing: Sequence[Missing], summary: Summary) -> str:
    """The complete HTML document."""
    nav = tag("nav", tag("a", "What is wrong", href="#summary"), *(tag("a", s.title, href=f"#section-{i}") for i, s in enumerate(sections)))
    blocks = [
        tag("section", render_section(s), id=f"section-{i}", class_="section", data_section=type(s).__name__)
        for i, s in enumerate(sections)
    ]
    head = join([
        tag("meta", charset="utf-8"),
        tag("meta", http_equiv="Content-Security-Policy", content=CSP),
        tag("meta", name="viewport", content="width=device-width, initial-scale=1"),
        tag("title", title),
        tag("style", Html(_CSS)),
    ])
    body = join([
        tag("header", tag("h1", title), tag("p", subtitle), nav),
        tag("main", _summary(summary), *blocks),
    ])
    return "<!DOCTYPE html>\n" + tag("html", tag("head", head), tag("body", body), lang="en") + "\n"

