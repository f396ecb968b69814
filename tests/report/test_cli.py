"""`nnrecipe report` on the command line: a page and exit 0, or a clear message and exit 2."""

from __future__ import annotations

from nnrecipe._cli.main import main

from .conftest import write_run, write_study


def test_writes_the_page_next_to_the_runs_and_says_what_it_found(runs_folder, capsys):
    assert main(["report", str(runs_folder)]) == 0
    out, err = capsys.readouterr()
    assert (runs_folder / "report.html").is_file()
    assert "wrote" in out and "sections" in out
    assert "not shown" not in err  # every section it could show, it showed


def test_output_path_and_several_sources(tmp_path, capsys):
    run = write_run(tmp_path / "run")
    study = write_study(tmp_path / "s")
    out = tmp_path / "deep" / "r.html"
    assert main(["report", str(run), str(study), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert out.is_file() and "2 sections" in printed.out
    assert "not shown: prediction dynamics" in printed.err  # a run without diagnostics says so


def test_nothing_to_show_exits_2_with_the_reason_and_no_traceback(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nnrecipe report: error: nothing to report" in err and "holds nothing to report" in err
    assert "Traceback" not in err and not (tmp_path / "report.html").exists()


def test_a_study_with_no_finished_trials_exits_2(tmp_path, capsys):
    study = write_study(tmp_path, trials=2, complete=False)
    assert main(["report", str(study)]) == 2
    assert "no finished trials (2 failed" in capsys.readouterr().err
