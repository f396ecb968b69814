"""What can be ensembled: a study (its file, its storage, its folder), folders of runs, run folders."""

from __future__ import annotations

import pytest
import torch
import yaml

import nnrecipe


@pytest.fixture
def study(experiment_file, tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump({
        "name": "blobs-study", "experiment": str(experiment_file),
        "goal": {"metric": "val_accuracy", "direction": "maximize"},
        "scientific": {"broken": {"choices": [False, True]}},  # broken models diverge: infeasible trials
        "nuisance": {"lr": {"log": [1e-3, 1e-2]}},
        "budget": {"trials": 5}, "runs_dir": str(tmp_path / "runs"),
    }))
    return path, nnrecipe.tune(nnrecipe.load_study(path)).records


def test_a_study_gives_its_finished_trials_and_names_the_infeasible_ones(study, tmp_path):
    study_file, records = study
    complete = [f"trial {r.number}" for r in records if r.outcome == "complete"]
    infeasible = [f"trial {r.number}" for r in records if r.outcome == "infeasible"]
    assert len(complete) >= 2 and infeasible
    result = nnrecipe.ensemble(study_file)
    assert [m.label for m in result.members] == complete and result.metric == "accuracy"  # the study's goal
    assert [e.run for e in result.excluded] == infeasible and all("infeasible: diverged" in e.reason for e in result.excluded)
    assert result.default_path() == (tmp_path / "runs" / "blobs-study" / "ensemble.json").resolve()
    # the same library from the study's storage and from its folder
    journal = tmp_path / "runs" / "blobs-study" / "study.journal"
    for source in (journal, journal.parent, f"journal:///{journal.resolve().as_posix().lstrip('/')}"):
        assert [m.label for m in nnrecipe.ensemble(source).members] == complete


def test_run_folders_are_taken_once_in_the_order_given(fake_run, tmp_path):
    y = torch.zeros(4, dtype=torch.long)
    a, b = (fake_run(name, (torch.full((4, 2), 0.5), y)) for name in ("a", "b"))
    result = nnrecipe.ensemble(b, a, b / "config.json", tmp_path / "runs")
    assert [m.label for m in result.members] == ["b", "a"]
