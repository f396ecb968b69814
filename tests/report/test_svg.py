"""Charts drawn as SVG: labelled axes, every line named, legends above the data, log axes."""

from __future__ import annotations

import itertools
import re

from nnrecipe._report._axis import fit_axis
from nnrecipe._report._chart import Bars, Chart, Line, Points, Whiskers, pick_scale
from nnrecipe._report._svg import MARKED, render_chart

from .conftest import IMG, SCRIPT


def test_every_line_is_named_at_its_end_and_axes_are_labelled():
    chart = Chart("loss", "step", "loss", lines=(Line("train loss", (0, 10), (2.0, 0.1)), Line("validation loss", (0, 10), (2.1, 0.3))))
    svg = render_chart(chart)
    labels = re.findall(r'class="line-label">([^<]*)<', svg)
    assert sorted(labels) == ["train loss", "validation loss"]  # top to bottom as the lines end
    assert ">step<" in svg and ">loss<" in svg


def test_line_labels_do_not_overlap_when_lines_end_together():
    lines = tuple(Line(f"trial {i}", (0, 1), (0.0, 1.0)) for i in range(4))
    svg = render_chart(Chart("t", "step", "metric", lines=lines))
    ys = sorted(float(y) for y in re.findall(r'y="([\d.]+)" fill="[^"]+" class="line-label"', svg))
    assert len(ys) == 4 and min(b - a for a, b in itertools.pairwise(ys)) >= 12


def test_the_legend_sits_above_the_plot_area():
    chart = Chart("t", "x", "y", points=(Points("trials", (0, 1), (0, 1)), Points("best", (1,), (1,), marker="ring")))
    svg = render_chart(chart)
    frame_top = float(re.search(r'<rect x="[\d.]+" y="([\d.]+)"[^>]*class="frame"', svg).group(1))
    legend_text_ys = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)">(?:trials|best)<', svg)]
    assert legend_text_ys and max(legend_text_ys) < frame_top


def test_log_axes_say_so_and_tick_at_powers_of_ten():
    chart = Chart("loss", "step", "loss", lines=(Line("train", (1, 2, 3), (10.0, 1.0, 0.01)),), y_scale="log")
    svg = render_chart(chart)
    assert "loss (log scale)" in svg
    assert fit_axis([0.01, 10.0], log=True, start=0, end=100).ticks() == [0.01, 0.1, 1.0, 10.0]
    assert pick_scale([10.0, 1.0, 0.01]) == "log" and pick_scale([0.5, 0.9]) == "linear"


def test_names_in_charts_are_text():
    chart = Chart(SCRIPT, IMG, SCRIPT, bars=(Bars(IMG, (0, 1), (1, 1), (3, 4)),), x_categories=(SCRIPT, IMG),
                  lines=(Line(SCRIPT, (0, 1), (1, 2)),))
    svg = render_chart(chart)
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg


def test_a_chart_with_nothing_finite_says_so():
    svg = render_chart(Chart("empty", "x", "y", lines=(Line("a", (0, 1), (float("nan"), float("inf"))),)))
    assert "nothing finite to draw" in svg and "<svg" not in svg


def test_marked_bars_stand_apart_and_a_count_too_small_to_see_is_written_and_visible():
    bins = Bars("", (0, 1, 2), (1, 1, 1), (500, 900, 400))
    beyond = Bars("beyond the axis: 1 above", (3.5,), (1,), (1,), marked=True, labels=("1",))
    svg = render_chart(Chart("mean", "mean", "examples", bars=(bins, beyond)))
    marked = re.search(rf'<path d="M[\d.]+ ([\d.]+)V([\d.]+)[^"]*" fill="{MARKED}"', svg)
    assert marked is not None and float(marked.group(1)) - float(marked.group(2)) >= 3  # at least 3 pixels tall
    assert re.search(rf'fill="{MARKED}" class="bar-label">1<', svg)
    assert svg.count(MARKED) == 3  # the bar, its label and its legend entry


def test_whiskers_span_their_interval_with_caps_and_are_named_in_the_legend():
    chart = Chart("test accuracy", "method", "accuracy", points=(Points("test", (0, 1), (0.9, 0.95), marker="ring"),),
                  whiskers=(Whiskers("95% interval", (1,), (0.92,), (0.97,)),), x_categories=("single", "greedy"))
    svg = render_chart(chart)
    drawn = re.search(r'<path d="M([\d.]+) ([\d.]+)V([\d.]+)M[\d.]+ [\d.]+h12M[\d.]+ [\d.]+h12" stroke', svg)
    assert drawn is not None and float(drawn.group(2)) - float(drawn.group(3)) > 20  # low below high, clearly tall
    rings = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)" r="5.5"', svg)]
    assert float(drawn.group(3)) < min(rings) < float(drawn.group(2))  # the 0.95 ring (highest on screen) inside its whisker
    assert ">95% interval<" in svg and chart.size == 3
    assert Chart("t", "x", "y", whiskers=(Whiskers("w", (0,), (float("nan"),), (float("nan"),)),)).empty
