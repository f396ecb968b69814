"""The report as a person sees it: opened from disk in a real Chromium, offline.

One browser for the whole session. Every network request is blocked and counted (there must
be none), the console must stay silent, no dialog may open (the hostile names would open one
if they ran), and every section must render. A screenshot of each section is saved as a test
artifact (``$NNRECIPE_ARTIFACTS`` or ``tests/artifacts``, printed at the end of the run).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nnrecipe
from nnrecipe.auditing import Gallery

from .conftest import IMG, SCRIPT, summary, write_run, write_study

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need playwright (pip install playwright); .ci/run installs it")
    if not CHROMIUM.is_file():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium); .ci/run installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@dataclasses.dataclass
class Opened:
    page: Any
    requests: list[str]
    console: list[str]
    dialogs: list[str]


def open_page(browser: Any, path: Path) -> Opened:
    """Open ``path`` from disk with every other request blocked and recorded."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    url = path.resolve().as_uri()
    seen = Opened(page, [], [], [])

    # Block everything but the page itself; record every request the page makes.
    page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
    page.on("request", lambda req: None if req.url == url or req.url.startswith("data:") else seen.requests.append(req.url))
    page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.console.append(f"page error: {e}"))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    return seen


def assert_clean_and_complete(seen: Opened, name: str, artifacts: Path) -> list[str]:
    """No request, no console message, no dialog; every section visible with content.
    Saves one screenshot per section; returns the sections' kinds."""
    page = seen.page
    assert seen.requests == [], f"the page made network requests: {seen.requests}"
    assert seen.console == [], f"console not clean: {seen.console}"
    assert seen.dialogs == [], f"a dialog opened (a name ran as code): {seen.dialogs}"
    assert page.locator("script").count() == 0
    assert page.locator("img:not([src^='data:image/png;base64,'])").count() == 0
    sections = page.locator("section.section")
    kinds = []
    for i in range(sections.count()):
        s = sections.nth(i)
        kind = s.get_attribute("data-section")
        box = s.bounding_box()
        assert s.is_visible() and box is not None and box["height"] > 40, f"section {i} ({kind}) did not render"
        assert s.inner_text().strip(), f"section {i} ({kind}) is empty"
        s.screenshot(path=str(artifacts / f"{name}-{i:02d}-{kind}.png"))
        kinds.append(kind)
    for fig in page.locator("figure.chart svg").all():
        box = fig.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
    return kinds


def _audit_in_memory() -> nnrecipe.AuditReport:
    rng = np.random.default_rng(0)
    per_class = {name: [("train", i, np.sin(np.arange(40) / (2 + k)) + 0.3 * rng.normal(size=40)) for i in range(6)]
                 for k, name in enumerate((SCRIPT, IMG, "cat"))}
    extremes = {"mean": [("train", i, float(i), rng.normal(size=40)) for i in range(8)]}
    return nnrecipe.AuditReport([], summary(), Gallery((40,), per_class, extremes))


def test_every_section_renders_offline_with_a_clean_console(browser, runs_folder, tmp_path, artifacts):
    path = nnrecipe.report(runs_folder, _audit_in_memory()).write(tmp_path / "report.html")
    seen = open_page(browser, path)
    kinds = assert_clean_and_complete(seen, "full", artifacts)
    assert kinds == ["summary", "AuditSection", "AuditSection", "ChecksSection", "TrainingSection", "TrainingSection", "TrainingSection",
                     "DynamicsSection", "WeightsSection", "InterpretationSection", "TuningSection", "EnsembleSection"]
    assert seen.page.locator("figure.example svg.spark").count() == 3 * 6 + 8
    ensemble = seen.page.locator("section[data-section=EnsembleSection]")
    assert ensemble.locator("figure.chart svg").count() == 2 and ensemble.locator("table.rows tbody tr").count() == 3 + 2
    assert "interval of the gain over best single" in " ".join(ensemble.locator("svg").nth(1).locator("text").all_text_contents())
    body = seen.page.inner_text("body")
    assert "What is wrong" in body.split("Audit:")[0]  # the summary comes first
    weights = seen.page.locator("section[data-section=WeightsSection]")
    assert weights.locator("figure.example img.tile").count() == 2 * 4  # the first layer's 4 filters, first and last
    assert weights.locator("figure.chart svg").count() == 7
    worst = seen.page.locator("section[data-section=InterpretationSection] figure.example img.tile")
    assert worst.count() == 16 and all(b is not None and b["width"] > 20 for b in (worst.nth(i).bounding_box() for i in range(3)))
    seen.page.close()


def test_hostile_names_show_as_text_and_never_run(browser, runs_folder, tmp_path, artifacts):
    path = nnrecipe.report(runs_folder).write(tmp_path / "report.html")
    seen = open_page(browser, path)
    page = seen.page
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert seen.dialogs == []
    body = page.inner_text("body")
    # As class names (audit), check names, run names, hyperparameter names, study names, metrics.
    for where in ("AuditSection", "ChecksSection", "TrainingSection", "WeightsSection", "TuningSection", "EnsembleSection"):
        text = page.locator(f"section[data-section={where}]").first.inner_text()
        assert SCRIPT in text or IMG in text, f"the hostile name is not visible as text in {where}"
    assert f"Tuning: {IMG}" in body and f"Training: {IMG}-20261201-140300" in body
    svg_text = " ".join(page.locator("svg text").all_text_contents())
    assert SCRIPT[:20] in svg_text  # in chart labels too (cut to fit, whole on hover)
    page.close()


def test_bad_input_still_renders_what_it_can_and_names_the_rest(browser, tmp_path, artifacts):
    runs = tmp_path / "runs"
    write_run(runs / "good")
    bad = write_run(runs / "corrupt")
    (bad / "result.json").write_text('{"final": ')
    (runs / "old").mkdir()
    (runs / "old" / "check.json").write_text(json.dumps({"results": [{"status": "pass"}]}))
    (runs / "ensemble.json").write_text(json.dumps({"format": "nnrecipe.ensemble/0"}))
    study = write_study(tmp_path / "s", trials=2, complete=False)
    path = nnrecipe.report(runs, study, tmp_path / "nowhere").write(tmp_path / "report.html")
    seen = open_page(browser, path)
    kinds = assert_clean_and_complete(seen, "bad-input", artifacts)
    assert kinds == ["summary", "TrainingSection"]
    missing = seen.page.locator("ul.missing li").all_inner_texts()
    assert any("corrupt" in m and "not valid JSON" in m for m in missing)
    assert any("old" in m and "checks" in m for m in missing)
    assert any("no finished trials" in m for m in missing)
    assert any("does not exist" in m for m in missing)
    assert any("ensemble.json" in m and "nnrecipe.ensemble/0" in m for m in missing)
    seen.page.close()


def test_these_checks_catch_a_page_that_loads_or_runs_something(browser, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><section class="section">x</section><img src="http://127.0.0.1:9/x.png">'
                   "<script>alert(1)</script></body></html>")
    seen = open_page(browser, bad)
    seen.page.wait_for_timeout(100)
    assert seen.requests == ["http://127.0.0.1:9/x.png"] and seen.dialogs == ["1"]
    seen.page.close()
