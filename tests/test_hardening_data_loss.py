"""Issue 13, section 1: no mistake with --out, and no second build running at once, can lose a file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE, PROJECT, fingerprint

from patientpages import write
from patientpages.cli import main


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder of its own: content, templates and static, as an editor has it."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root / "content")
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "static", root / "static")
    return root


def build(root: Path, out: str | Path, capsys) -> tuple[int, str]:
    code = main(["build", "--root", str(root), "--out", str(out), "--no-handouts"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    "out, why",
    [
        ("content", "it is the content folder"),
        ("templates", "it is the templates folder"),
        ("static", "it is the static folder"),
        (".", "it holds the content folder"),
        ("..", "it holds the content folder"),
        ("content/drugs", "it lies inside the content folder"),
        ("static/site", "it lies inside the static folder"),
    ],
)
def test_an_output_folder_holding_the_editor_s_work_is_refused(project, out, why, capsys, monkeypatch):
    monkeypatch.chdir(project)
    before = fingerprint(project.parent)
    code, output = build(project, out, capsys)
    assert code == 2, output
    assert (
        f"refusing to write the site to {(project / out).resolve()}: each build replaces that folder whole, and {why}"
        in output
    )
    assert "Traceback" not in output
    assert fingerprint(project.parent) == before


def test_a_non_empty_folder_this_tool_did_not_make_is_never_replaced(project, tmp_path, capsys):
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "letter.txt").write_text("Dear team,")
    code, output = build(project, mine, capsys)
    assert code == 2
    assert f"refusing to replace {mine}: the folder is not empty and was not made by this tool" in output
    assert (mine / "letter.txt").read_text() == "Dear team,"
    assert sorted(p.name for p in mine.iterdir()) == ["letter.txt"]


def test_a_folder_this_tool_made_is_replaced_and_an_empty_one_is_used(project, tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    assert build(project, out, capsys)[0] == 0
    assert (out / ".patientpages-site").is_file()
    (project / "content/side-effects/rash.yaml").write_text(
        (project / "content/side-effects/rash.yaml").read_text().replace("Red or itchy skin.", "Red skin.")
    )
    assert build(project, out, capsys)[0] == 0  # the marked folder is replaced by the new build
    assert "Red skin." in (out / "side-effects/rash/index.html").read_text()


HOLD_LOCK = """
import fcntl, os, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
handle.seek(0); handle.truncate(); handle.write(str(os.getpid())); handle.flush()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_build_waits_then_names_the_build_holding_the_output_folder(project, tmp_path, capsys, monkeypatch):
    out = tmp_path / "site"
    assert build(project, out, capsys)[0] == 0
    before = fingerprint(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / ".site.lock")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 0.5)
        started = time.monotonic()
        code, output = build(project, out, capsys)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert code == 2
    assert f"another build (process {holder.pid}) is writing to {out}; wait for it to finish" in output
    assert waited >= 0.5
    assert fingerprint(out) == before
    # The holder was killed: its lock file (with its pid) stays behind, stale, and the next build takes it over.
    assert (tmp_path / ".site.lock").read_text() == str(holder.pid)
    assert build(project, out, capsys)[0] == 0


def _command(root: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "build", "--root", str(root), "--out", str(out), *extra]


def _started(command: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
        # Ctrl-C as in a terminal: a suite started in the background (`pytest &`, some CI shells) passes on
        # SIGINT ignored, and Python then leaves it ignored, so the build would never see it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def test_two_builds_at_once_never_leave_a_partial_site(project, tmp_path, capsys):
    # As a `serve` rebuilding while a `build` runs in another terminal: the first is still making its handout
    # PDFs in the staging folder when the second starts.
    out = tmp_path / "site"
    slow = _started(_command(project, out), tmp_path)
    try:
        assert slow.stdout.readline().startswith("checked ")
        fast = _started(_command(project, out, "--no-handouts"), tmp_path)
        results = [p.communicate(timeout=120) for p in (fast, slow)]
    finally:
        for p in (slow, locals().get("fast")):
            if p is not None and p.poll() is None:
                p.kill()
    for p, (_, stderr) in zip((fast, slow), results, strict=True):
        assert p.returncode == 0 or (p.returncode == 2 and "another build (process" in stderr), stderr
    assert 0 in (fast.returncode, slow.returncode)
    reference = tmp_path / "reference"
    assert build(project, reference, capsys)[0] == 0

    # Every page whole (the search index, the PDFs and the handout lists' page counts depend on which build
    # finished last).
    def pages(site):
        return {n: d for n, d in fingerprint(site).items() if n.endswith(".html") and not n.startswith("handouts/")}

    built, expected = pages(out), pages(reference)
    assert built == expected


def test_ctrl_c_during_a_build_leaves_the_last_good_site(project, tmp_path, capsys):
    out = tmp_path / "site"
    assert build(project, out, capsys)[0] == 0
    before = fingerprint(out)
    (project / "templates/home.html").write_text((project / "templates/home.html").read_text() + "{# changed #}")
    # Handout PDFs take seconds to make: plenty of time to press Ctrl-C once the pages are being written.
    build_ = _started(_command(project, out), tmp_path)
    try:
        assert build_.stdout.readline().startswith("checked ")
        time.sleep(0.3)
        build_.send_signal(signal.SIGINT)
        stdout, stderr = build_.communicate(timeout=60)
    finally:
        if build_.poll() is None:
            os.kill(build_.pid, signal.SIGKILL)
    assert build_.returncode == 130, stdout + stderr
    assert "interrupted; the last good site was left as it was" in stderr
    assert "Traceback" not in stderr
    assert fingerprint(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [".site.cache", ".site.lock"]
