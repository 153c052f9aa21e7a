"""Issue 8, defect 4: a bug in the tool is reported as a bug (one line, where to report it), never passed off as
a usage error; --debug shows the traceback."""

from __future__ import annotations

from conftest import FIXTURE

from patientpages import cli


def _failing_build(*args, **kwargs):
    raise ValueError("an internal mistake")


def test_an_internal_error_is_one_line_saying_it_is_a_bug(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "build", _failing_build)
    code = cli.main(["build", "--content", str(FIXTURE), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1, err
    assert err.startswith("internal error: ValueError: an internal mistake. This is a bug in patientpages")
    assert "README.md" in err and "--debug" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback_of_an_internal_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "build", _failing_build)
    code = cli.main(["build", "--debug", "--content", str(FIXTURE), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("Traceback (most recent call last):")
    assert "in _failing_build" in err
    assert "internal error: ValueError: an internal mistake." in err
