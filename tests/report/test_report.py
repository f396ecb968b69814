"""`nnrecipe.report`: which sections each kind of input gives, and what happens with bad input."""

from __future__ import annotations

import dataclasses
import html
import json

import pytest

import nnrecipe
from nnrecipe import analyze, load_study
from nnrecipe._report import (
    AuditSection,
    ChecksSection,
    DynamicsSection,
    EnsembleSection,
    InterpretationSection,
    TrainingSection,
    TuningSection,
    WeightsSection,
)
from nnrecipe._report._sources import MAX_RUNS
from nnrecipe._tune._storage import open_storage, study_folder

from .conftest import IMG, SCRIPT, ensemble_result, write_run, write_study


def _kinds(report):
    return [type(s).__name__ for s in report.sections]


def test_a_runs_folder_gives_every_section_in_the_recipes_order(runs_folder):
    r = nnrecipe.report(runs_folder)
    assert _kinds(r) == ["AuditSection", "ChecksSection", "TrainingSection", "TrainingSection", "TrainingSection", "DynamicsSection",
                         "WeightsSection", "InterpretationSection", "TuningSection", "EnsembleSection"]
    assert r.missing == ()  # one run holds diagnostics: the others' absence is not a gap
    verdict = r.summary
    assert verdict.worst == "error" and verdict.items[0].headline.severity == "error"


def test_one_run_folder_gives_its_training_section(tmp_path):
    r = nnrecipe.report(write_run(tmp_path / "run"))
    assert _kinds(r) == ["TrainingSection"] and r.summary.worst == "ok"


def test_a_study_file_a_journal_file_and_a_storage_url_give_the_tuning_section(tmp_path):
    path = write_study(tmp_path)
    journal = study_folder(tmp_path / "runs", IMG) / "study.journal"
    for source in (path, journal, f"journal:///{journal.as_posix().lstrip('/')}"):
        r = nnrecipe.report(source)
        assert _kinds(r) == ["TuningSection"], source
    from_storage = nnrecipe.report(journal).sections[0]
    assert isinstance(from_storage, TuningSection)
    assert any("without its study file" in n for n in from_storage.notes)



def test_a_storage_that_keeps_the_study_definition_is_reported_as_the_study_file_says(tmp_path):
    import optuna

    from nnrecipe._tune._stored import store_definition

    path = write_study(tmp_path)
    journal = study_folder(tmp_path / "runs", IMG) / "study.journal"
    url = f"journal:///{journal.as_posix().lstrip('/')}"
    store_definition(optuna.load_study(study_name=IMG, storage=open_storage(url)), load_study(path))  # as `nnrecipe tune` does
    section = nnrecipe.report(journal).sections[0]
    assert isinstance(section, TuningSection) and section.notes == ()  # nothing had to be guessed
    assert dict(section.facts)["goal"].startswith(f"maximize val_{SCRIPT} ")

def test_results_in_memory_give_their_sections(tmp_path):
    analysis = analyze(write_study(tmp_path))
    audit = nnrecipe.AuditReport([nnrecipe.Finding("x", "warn", "m")])
    checks = nnrecipe.CheckReport([nnrecipe.CheckResult(name="c", status="pass", measured="m", expected="e")])
    r = nnrecipe.report(ensemble_result(), analysis, checks, audit)
    assert [type(s) for s in r.sections] == [AuditSection, ChecksSection, TuningSection, EnsembleSection]
    assert r.sources == ("EnsembleResult", "Analysis", "CheckReport", "AuditReport")
    assert r.sections[-1].title == f"Ensemble: study {IMG}"


def test_an_ensemble_json_is_found_in_a_study_folder_next_to_a_study_file_and_named_directly(tmp_path):
    study = write_study(tmp_path)
    folder = study_folder(tmp_path / "runs", IMG)
    saved = ensemble_result().save(folder / "ensemble.json")
    other = ensemble_result(gain=-0.01).save(tmp_path / "mine.json")
    for source in (folder, folder / "study.journal", study, tmp_path / "runs", saved, analyze(study)):
        r = nnrecipe.report(source)
        assert _kinds(r)[-1] == "EnsembleSection" and r.sections[-1].title == f"Ensemble: {folder.name}", source
        assert not any(m.what == "ensemble" for m in r.missing)
    r = nnrecipe.report(other, study, tmp_path / "runs", saved)  # the same file found three ways is one section
    assert [s.title for s in r.sections if isinstance(s, EnsembleSection)] == ["Ensemble: mine.json", f"Ensemble: {folder.name}"]


def test_a_study_without_an_ensemble_says_how_to_make_one(tmp_path):
    r = nnrecipe.report(write_study(tmp_path))
    (absent,) = [m for m in r.missing if m.what == "ensemble"]
    assert "nnrecipe ensemble STUDY" in absent.reason and not absent.failed


@pytest.mark.parametrize(("text", "reason"), [
    ('{"format": "nnrecipe.ensemble/1", "metric": ', "JSONDecodeError"),
    ('{"format": "nnrecipe.ensemble/0", "members": []}', "format 'nnrecipe.ensemble/0', expected 'nnrecipe.ensemble/1'"),
    ('{"format": "nnrecipe.ensemble/1", "members": []}', "KeyError"),
])
def test_a_cut_or_old_ensemble_file_is_named_with_the_reason_and_the_rest_renders(tmp_path, text, reason):
    write_run(tmp_path / "runs" / "a")
    (tmp_path / "runs" / "ensemble.json").write_text(text)
    r = nnrecipe.report(tmp_path / "runs")
    assert _kinds(r) == ["TrainingSection"]
    (bad,) = [m for m in r.missing if m.what.startswith("ensemble")]
    assert bad.failed and bad.what == f"ensemble {tmp_path / 'runs' / 'ensemble.json'}"
    assert reason in bad.reason and "run `nnrecipe ensemble` on its runs again" in bad.reason
    assert "1 input could not be read" in r.summary.verdict and "<html" in r.to_html()


def test_an_ensemble_that_contradicts_itself_is_named_too(tmp_path):
    r = ensemble_result()
    path = dataclasses.replace(r, best_size=40).save(tmp_path / "ensemble.json")
    report = nnrecipe.report(path, write_run(tmp_path / "run"))
    assert _kinds(report) == ["TrainingSection"]
    assert "kept size 40 is outside its trajectory" in report.missing[0].reason


def test_a_corrupted_run_is_named_and_the_other_sections_still_build(runs_folder):
    (runs_folder / "cnn-20261201-140200" / "config.json").write_text('{"hparams": {"lr": 0.1')
    (runs_folder / "cnn-check-20261201-140100" / "check.json").write_text(json.dumps({"results": [{"name": "x"}]}))
    r = nnrecipe.report(runs_folder)
    assert _kinds(r) == ["AuditSection", "TrainingSection", "TrainingSection", "DynamicsSection", "WeightsSection", "InterpretationSection",
                         "TuningSection", "EnsembleSection"]
    reasons = {m.what.split(" of ")[0]: m.reason for m in r.missing}
    assert "config.json is malformed" in reasons["training curves"]
    assert "status" in reasons["checks"] or "missing" in reasons["checks"]
    assert "2 inputs could not be read" in r.summary.verdict
    assert "<html" in r.to_html()


def test_a_study_with_no_finished_trials_is_named_with_the_reason(tmp_path):
    r = nnrecipe.report(write_study(tmp_path, trials=3, complete=False))
    assert r.empty and "no finished trials (3 failed" in r.explain_empty()
    with pytest.raises(ValueError, match="nothing to report"):
        r.write(tmp_path / "r.html")


def test_a_folder_with_nothing_recognisable_and_a_missing_path(tmp_path):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "notes.txt").write_text("hi")
    r = nnrecipe.report(tmp_path / "empty", tmp_path / "nope", tmp_path / "notes.txt")
    assert r.empty
    assert [m.reason.split(";")[0].split(":")[0] for m in r.missing] == [
        "holds nothing to report", "does not exist", "is not a study file (.yaml, .py), a storage (.journal, .db), an ensemble (.json) or a file nnrecipe writes"]


def test_only_the_newest_runs_are_drawn_and_the_rest_named(tmp_path):
    for i in range(MAX_RUNS + 2):
        write_run(tmp_path / "runs" / f"r{i:02d}", steps=200)
    r = nnrecipe.report(tmp_path / "runs")
    assert len(r.sections) == MAX_RUNS
    assert any(m.what.startswith("2 older runs") for m in r.missing)


def test_other_objects_are_refused_with_the_kinds_accepted():
    with pytest.raises(TypeError, match="pass a path"):
        nnrecipe.report(42)  # type: ignore[arg-type]


def test_the_page_escapes_every_name_and_loads_nothing(runs_folder, tmp_path):
    page = nnrecipe.report(runs_folder).write(tmp_path / "report.html").read_text()
    assert SCRIPT not in page and IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 0 and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "default-src 'none'" in html.unescape(page)  # the browser forbids loading anything


def test_sections_have_typed_data_only(runs_folder):
    for s in nnrecipe.report(runs_folder).sections:
        assert isinstance(s, (AuditSection, ChecksSection, TrainingSection, DynamicsSection, WeightsSection, InterpretationSection,
                              TuningSection, EnsembleSection))
        assert "<" not in s.title or SCRIPT in s.title or IMG in s.title  # names kept raw in data, escaped when drawn


def test_a_study_whose_name_makes_no_folder_has_no_ensemble_to_look_for():
    from nnrecipe._report._sources import Collected, _study_ensemble
    from nnrecipe._tune._space import Param, Space
    from nnrecipe._tune._study import Study

    out = Collected()
    _study_ensemble(Study(name="***", experiment="e.py", space=Space((Param(name="lr", kind="log", low=1e-4, high=1e-2),))), out)
    assert out.ensembles == [] and out.missing == [] and out.ensemble_files == set()


def test_a_run_with_diagnostics_gives_their_sections_and_its_reference(diagnosed):
    r = nnrecipe.report(diagnosed)
    assert _kinds(r) == ["TrainingSection", "DynamicsSection", "WeightsSection", "InterpretationSection"]
    training, dynamics, weights, interpretation = r.sections
    assert any(k == "reference val_accuracy" and "0.96 (declared by the experiment); model: best" in v for k, v in training.facts)
    assert ("reference val_accuracy", "0.96 (declared by the experiment)") in interpretation.facts
    assert dynamics.charts[0].lines[0].y[0] > 0 and len(dynamics.charts[0].lines) == 9  # 8 examples and the mean
    assert [row.label.split(" at step ")[0] for row in weights.filters] == [SCRIPT, SCRIPT] and len(weights.filters[0].examples) == 4
    assert {c.title.split(" per layer")[0] for c in weights.charts} >= {"activation mean", "gradient norm", "update / weight norm"}
    assert interpretation.tables[0].title.startswith("confusion matrix") and len(interpretation.worst[0].examples) == 16
