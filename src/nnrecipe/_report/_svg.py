"""Drawing a :class:`Chart` as inline SVG: labelled axes, lines named at their ends, legends
above the plot (never over the data), log axes where the chart asks for them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ._axis import Axis, fit_axis, tick_text
from ._chart import Band, Bars, Chart, Line, Mark, Points, Whiskers
from ._html import Html, join, num, tag

__all__ = ["PALETTE", "render_chart"]

# Okabe-Ito: told apart by people with colour-blindness, and in greyscale by lightness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999933")
MUTED = "#a3a8ae"
MARKED = "#D55E00"  # bars standing apart from the data (outliers beyond a histogram's axis)
MIN_MARKED = 3.0  # pixels: a marked bar of one example among thousands stays visible
WIDTH, HEIGHT = 660, 270
FONT = 11
CHAR = 6.2  # average width of a character at FONT, to lay out labels without a browser
LABEL_CHARS = 26  # line labels and category names longer than this are cut (full text on hover)
LEGEND_CHARS = 60  # legend entries above the plot have the whole width


def render_chart(chart: Chart) -> Html:
    """``<figure>``: the title, the SVG and the chart's note.

    Example:
        >>> from ._chart import Line
        >>> render_chart(Chart("loss", "step", "loss", lines=(Line("train", (0, 1), (2.0, 1.0)),))).startswith("<figure")
        True
    """
    caption = tag("figcaption", chart.title)
    note = tag("p", chart.note, class_="note") if chart.note else None
    if chart.empty:
        return tag("figure", caption, tag("p", "nothing finite to draw", class_="note"), class_="chart")
    return tag("figure", caption, _svg(chart), note, class_="chart")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend_items(chart: Chart) -> list[tuple[str, str, str]]:
    """(label, colour, kind) of what is not labelled in place: bands, bars and markers."""
    items = []
    for i, b in enumerate(chart.bands):
        items.append((b.label, PALETTE[i % len(PALETTE)], "band"))
    for i, bars in enumerate(chart.bars):
        items.append((bars.label, _bar_colour(bars, i), "bar"))
    for i, p in enumerate(chart.points):
        items.append((p.label, MUTED if p.muted else PALETTE[(i + len(chart.lines)) % len(PALETTE)], p.marker))
    for i, w in enumerate(chart.whiskers):
        items.append((w.label, _whisker_colour(chart, i), "whisker"))
    return [it for it in items if it[0]]


def _legend(items: list[tuple[str, str, str]], left: float, width: float) -> tuple[Html, float]:
    """Legend entries in rows above the plot; returns the markup and the height used."""
    parts, x, y = [], left, 14.0
    for label, colour, kind in items:
        text = _short(label, LEGEND_CHARS)
        span = 16 + CHAR * len(text) + 14
        if x + span > left + width and x > left:
            x, y = left, y + 16
        if kind == "bar" or kind == "band":
            parts.append(tag("rect", x=num(x), y=num(y - 8), width=10, height=10, fill=colour, fill_opacity="0.6" if kind == "band" else None))
        elif kind == "cross":
            parts.append(tag("path", d=f"M{num(x + 1)} {num(y - 7)}l8 8m0 -8l-8 8", stroke=colour, stroke_width=2))
        elif kind == "whisker":
            parts.append(tag("path", d=f"M{num(x + 5)} {num(y - 9)}v12m-4 0h8m-8 -12h8", stroke=colour, stroke_width=1.6, fill="none"))
        elif kind == "ring":
            parts.append(tag("circle", cx=num(x + 5), cy=num(y - 3), r=4.5, fill="none", stroke=colour, stroke_width=2))
        else:
            parts.append(tag("circle", cx=num(x + 5), cy=num(y - 3), r=3.5, fill=colour))
        parts.append(tag("text", text, tag("title", label) if text != label else None, x=num(x + 15), y=num(y)))
        x += span
    return join(parts), (y + 8 if items else 4)


def _svg(chart: Chart) -> Html:
    right_labels = [ln.label for ln in chart.lines if ln.label]
    right = 16 + (min(LABEL_CHARS, max(map(len, right_labels))) * CHAR + 14 if right_labels else 0)
    left = 66
    legend, top = _legend(_legend_items(chart), left, WIDTH - left - right)
    top += 6 + (12 if chart.x_marks else 0)  # vertical marks are named above the plot, not over the data
    cats = chart.x_categories
    rotate = bool(cats) and max(len(_short(c)) for c in cats) * CHAR > (WIDTH - left - right) / len(cats) - 6
    bottom = 44 + (int(min(LABEL_CHARS, max(len(c) for c in cats)) * CHAR * 0.7) if rotate else 0)
    height = HEIGHT + top - 10 + (bottom - 44)
    xs: list[float] = [v for ln in chart.lines for v in ln.x] + [v for p in chart.points for v in p.x] + [v for b in chart.bands for v in b.x]
    xs += [v for w in chart.whiskers for v in w.x] + [v for b in chart.bars for lo, w in zip(b.left, b.width) for v in (lo, lo + w)] + [m.at for m in chart.x_marks]
    ys: list[float] = [v for ln in chart.lines for v in ln.y] + [v for p in chart.points for v in p.y]
    ys += [v for b in chart.bands for v in (*b.low, *b.high)] + [v for w in chart.whiskers for v in (*w.low, *w.high)] + [v for b in chart.bars for v in b.height] + [m.at for m in chart.y_marks]
    fixed_x = (-0.5, len(cats) - 0.5) if cats else chart.x_range
    ax = fit_axis(xs, log=chart.x_scale == "log", start=left, end=WIDTH - right, fixed=fixed_x)
    ay = fit_axis(ys, log=chart.y_scale == "log", start=height - bottom, end=top, zero=bool(chart.bars))
    body = [
        _grid(ax, ay, cats, rotate),
        *(_band(b, ax, ay, PALETTE[i % len(PALETTE)]) for i, b in enumerate(chart.bands)),
        *(_bars(b, ax, ay, _bar_colour(b, i)) for i, b in enumerate(chart.bars)),
        *(_line(ln, ax, ay, PALETTE[i % len(PALETTE)]) for i, ln in enumerate(chart.lines)),
        *(_whiskers(w, ax, ay, _whisker_colour(chart, i)) for i, w in enumerate(chart.whiskers)),
        *(_points(p, ax, ay, MUTED if p.muted else PALETTE[(i + len(chart.lines)) % len(PALETTE)], jitter=bool(cats))
          for i, p in enumerate(chart.points)),
        *(_mark(m, ax, ay, vertical=True) for m in chart.x_marks),
        *(_mark(m, ax, ay, vertical=False) for m in chart.y_marks),
        _line_labels(chart.lines, ax, ay),
        legend,
        _axis_labels(chart, ax, ay, height),
    ]
    return tag("svg", tag("title", chart.title), *body, xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {WIDTH} {num(height)}",
               width=WIDTH, height=num(height), role="img", aria_label=chart.title, font_size=FONT)


def _grid(ax: Axis, ay: Axis, cats: Sequence[str], rotate: bool) -> Html:
    parts = [tag("rect", x=num(ax.start), y=num(ay.end), width=num(ax.end - ax.start), height=num(ay.start - ay.end), class_="frame")]
    for t in ay.ticks():
        y = ay(t)
        parts.append(tag("path", d=f"M{num(ax.start)} {num(y)}H{num(ax.end)}", class_="grid"))
        parts.append(tag("text", tick_text(t), x=num(ax.start - 5), y=num(y + 4), text_anchor="end"))
    if cats:
        for i, c in enumerate(cats):
            x, y = ax(i), ay.start + 15
            label = tag("text", _short(c), tag("title", c) if len(c) > LABEL_CHARS else None, x=num(x), y=num(y),
                        text_anchor="end" if rotate else "middle", transform=f"rotate(-35 {num(x)} {num(y)})" if rotate else None)
            parts.append(label)
        return join(parts)
    for t in ax.ticks():
        x = ax(t)
        parts.append(tag("path", d=f"M{num(x)} {num(ay.start)}V{num(ay.end)}", class_="grid"))
        parts.append(tag("text", tick_text(t), x=num(x), y=num(ay.start + 15), text_anchor="middle"))
    return join(parts)


def _axis_labels(chart: Chart, ax: Axis, ay: Axis, height: float) -> Html:
    xl = chart.x_label + (" (log scale)" if ax.log else "")
    yl = chart.y_label + (" (log scale)" if ay.log else "")
    mid = (ay.start + ay.end) / 2
    return join([
        tag("text", xl, x=num((ax.start + ax.end) / 2), y=num(height - 6), text_anchor="middle", class_="axis-label"),
        tag("text", yl, x=14, y=num(mid), text_anchor="middle", transform=f"rotate(-90 14 {num(mid)})", class_="axis-label"),
    ])


def _xy(xs: Sequence[float], ys: Sequence[float], ax: Axis, ay: Axis) -> list[tuple[float, float]]:
    return [(ax(x), ay(y)) for x, y in zip(xs, ys) if ax.shows(x) and ay.shows(y)]


def _line(line: Line, ax: Axis, ay: Axis, colour: str) -> Html:
    pts = _xy(line.x, line.y, ax, ay)
    if line.steps and len(pts) > 1:
        pts = [p for (x0, y0), (x1, _) in itertools.pairwise(pts) for p in ((x0, y0), (x1, y0))] + [pts[-1]]
    if len(pts) == 1:
        return tag("circle", cx=num(pts[0][0]), cy=num(pts[0][1]), r=3, fill=colour)
    return tag("polyline", points=" ".join(f"{num(x)},{num(y)}" for x, y in pts), fill="none", stroke=colour,
               stroke_width=1.6, stroke_dasharray="5 3" if line.dashed else None, stroke_linejoin="round")


def _line_labels(lines: Sequence[Line], ax: Axis, ay: Axis) -> Html:
    """Each line's name right of the plot at the height where the line ends, pushed apart
    so that no two overlap; a thin leader joins a moved name to its line."""
    ends: list[tuple[float, float, float, int, str]] = []  # label height, line end x and y, colour index, label
    for i, line in enumerate(lines):
        pts = _xy(line.x, line.y, ax, ay)
        if line.label and pts:
            ends.append((pts[-1][1], pts[-1][0], pts[-1][1], i, line.label))
    ends.sort()
    heights = [e[0] for e in ends]
    for k in range(1, len(heights)):
        heights[k] = max(heights[k], heights[k - 1] + FONT + 2)
    overflow = heights[-1] - ay.start if heights else 0.0
    if overflow > 0:  # pushed below the plot: shift everything up, keeping the gaps
        heights = [h - overflow for h in heights]
    parts = []
    x = ax.end + 8
    for y, (_, x_end, y_end, i, label) in zip(heights, ends):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(tag("path", d=f"M{num(x_end)} {num(y_end)}L{num(x - 2)} {num(y)}", stroke=colour, stroke_width=0.8, fill="none"))
        text = _short(label)
        parts.append(tag("text", text, tag("title", label) if text != label else None, x=num(x), y=num(y + 4), fill=colour, class_="line-label"))
    return join(parts)


def _band(band: Band, ax: Axis, ay: Axis, colour: str) -> Html:
    low = _xy(band.x, band.low, ax, ay)
    high = _xy(band.x, band.high, ax, ay)
    if len(low) < 2 or len(high) < 2:
        return Html("")
    pts = low + high[::-1]
    return tag("polygon", points=" ".join(f"{num(x)},{num(y)}" for x, y in pts), fill=colour, fill_opacity="0.18", stroke="none")


def _bar_colour(bars: Bars, i: int) -> str:
    return MARKED if bars.marked else PALETTE[i % len(PALETTE)]


def _bars(bars: Bars, ax: Axis, ay: Axis, colour: str) -> Html:
    base = ay.start if ay.log else ay(0.0)
    d, texts = [], []
    labels = bars.labels or ("",) * len(bars.left)
    for lo, w, h, label in zip(bars.left, bars.width, bars.height, labels):
        if not (ay.shows(h) and ax.shows(lo) and ax.shows(lo + w)) or h == 0:
            continue
        x0, x1, y = ax(lo), ax(lo + w), ay(h)
        if bars.marked:
            y = min(y, base - MIN_MARKED)
        d.append(f"M{num(x0 + 0.5)} {num(base)}V{num(y)}H{num(max(x0 + 1, x1 - 0.5))}V{num(base)}Z")
        if label:
            texts.append(tag("text", label, x=num((x0 + x1) / 2), y=num(max(ay.end + 9, y - 3)), text_anchor="middle", fill=colour,
                             class_="bar-label"))
    if not d:
        return Html("")
    return join([tag("path", d="".join(d), fill=colour, fill_opacity="0.9" if bars.marked else "0.75"), *texts])


def _whisker_colour(chart: Chart, i: int) -> str:
    return PALETTE[(i + len(chart.lines) + len(chart.points)) % len(PALETTE)]


def _whiskers(w: Whiskers, ax: Axis, ay: Axis, colour: str) -> Html:
    d = []
    for x, low, high in zip(w.x, w.low, w.high):
        if ax.shows(x) and ay.shows(low) and ay.shows(high):
            px, lo, hi = ax(x), ay(low), ay(high)
            d.append(f"M{num(px)} {num(lo)}V{num(hi)}M{num(px - 6)} {num(lo)}h12M{num(px - 6)} {num(hi)}h12")
    return tag("path", d="".join(d), stroke=colour, stroke_width=1.8, fill="none") if d else Html("")


def _points(p: Points, ax: Axis, ay: Axis, colour: str, *, jitter: bool) -> Html:
    # Points of one category sit side by side, spread by a low-discrepancy sequence.
    offsets = [((k * 0.618034) % 1 - 0.5) * 0.5 if jitter and p.spread else 0.0 for k in range(len(p.x))]
    rows = [(ax(x + o), ay(y), k) for k, (x, y, o) in enumerate(zip(p.x, p.y, offsets)) if ax.shows(x + o) and ay.shows(y)]
    if p.marker == "dot":
        d = "".join(f"M{num(x)} {num(y)}h0" for x, y, _ in rows)
        return tag("path", d=d, stroke=colour, stroke_width=5, stroke_linecap="round", stroke_opacity="0.7") if d else Html("")
    if p.marker == "cross":
        d = "".join(f"M{num(x - 3.5)} {num(y - 3.5)}l7 7m0 -7l-7 7" for x, y, _ in rows)
        return tag("path", d=d, stroke=colour, stroke_width=1.8) if d else Html("")
    radius = 5.5 if len(rows) <= 40 else 3.5  # many rings: smaller, or they fuse into a band
    return join(
        tag("circle", tag("title", p.tips[k]) if p.tips else None, cx=num(x), cy=num(y), r=radius, fill="none", stroke=colour, stroke_width=2)
        for x, y, k in rows
    )


def _mark(m: Mark, ax: Axis, ay: Axis, *, vertical: bool) -> Html:
    axis = ax if vertical else ay
    if not axis.shows(m.at) or not min(axis.lo, axis.hi) <= m.at <= max(axis.lo, axis.hi):
        return Html("")
    p = axis(m.at)
    if vertical:
        line = tag("path", d=f"M{num(p)} {num(ay.start)}V{num(ay.end)}", class_="mark")
        right = p > (ax.start + ax.end) / 2  # the label on the side with more room
        label = tag("text", _short(m.label), x=num(p - 3 if right else p + 3), y=num(ay.end - 4),
                    text_anchor="end" if right else None, class_="mark-label")
    else:
        line = tag("path", d=f"M{num(ax.start)} {num(p)}H{num(ax.end)}", class_="mark")
        label = tag("text", _short(m.label), x=num(ax.end - 3), y=num(p - 3), text_anchor="end", class_="mark-label")
    return join([line, label])



def render_sparkline(series: Sequence[Sequence[float]], width: int = 120, height: int = 44) -> Html:
    """An example's values as lines (one per channel) on its own scale, with the zero line:
    a picture of one input, too small for axes; its caption says which example it is."""
    values = [v for row in series for v in row if math.isfinite(v)]
    if not values:
        return tag("span", "no finite value", class_="note")
    lo, hi = min([*values, 0.0]), max([*values, 0.0])
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return height - 2 - (v - lo) / span * (height - 4)

    parts = [tag("path", d=f"M0 {num(y(0.0))}H{width}", class_="grid")]
    for k, row in enumerate(series):
        step = width / max(1, len(row) - 1)
        pts = " ".join(f"{num(i * step)},{num(y(v))}" for i, v in enumerate(row) if math.isfinite(v))
        parts.append(tag("polyline", points=pts, fill="none", stroke=PALETTE[k % len(PALETTE)], stroke_width=1.2))
    return tag("svg", *parts, xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {width} {height}", width=width, height=height, class_="spark")
