"""The editor's commands: help, check, new drug, schema, and the dev server with live reload."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, fetch, free_port, serve_command, wait_for

from patientpages.cli import main
from patientpages.schema import schemas


def run(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_help_explains_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ["build", "serve", "check", "new", "schema"]:
        assert command in result.stdout


def test_check_validates_without_writing(content_copy, tmp_path):
    out = tmp_path / "site"
    assert main(["check", "--content", str(content_copy), "--out", str(out)]) == 0
    assert not out.exists()


def test_check_reports_problems_and_exits_non_zero(content_copy, tmp_path, capsys):
    (content_copy / "drugs/betanib.yaml").write_text("generic_name: [unclosed\n")
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert "betanib.yaml:2:1: YAML syntax error" in err


def test_new_drug_writes_a_starter_that_check_then_explains(content_copy, capsys):
    assert main(["new", "drug", "gammavec", "--content", str(content_copy)]) == 0
    starter = content_copy / "drugs/gammavec.yaml"
    assert "generic_name: Gammavec" in starter.read_text()
    assert main(["new", "drug", "gammavec", "--content", str(content_copy)]) == 2  # never overwrites
    assert main(["new", "drug", "Not A Slug", "--content", str(content_copy)]) == 2
    capsys.readouterr()
    # Until the editor names its sources, check points at the line to fill in.
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert "gammavec.yaml:33:10: 'sources' needs at least 1 item" in err


def test_drug_schema_offers_editors_every_field():
    drug = schemas()["drug"]
    assert {
        "generic_name",
        "brand_names",
        "class",
        "targets",
        "how_given",
        "audiences",
        "side_effects",
        "reviewed",
        "sources",
    } <= set(drug["properties"])
    assert drug["additionalProperties"] is False


def test_serve_rebuilds_on_save_and_keeps_the_last_good_site_on_error(content_copy, tmp_path):
    # Without handouts: the dev server's PDFs have their own tests (test_incremental.py); here they would only
    # take the machine's time.
    port = free_port()
    out = tmp_path / "site"
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            serve_command(
                port, "--content", str(content_copy), "--out", str(out), "--root", str(PROJECT), "--no-handouts"
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        page = wait_for(lambda: fetch(base + "adults/betanib/"))
        assert "Betanib" in page
        assert f'<script src="/livereload.js?port={port}"></script>' in page  # no inline script: CSP allows it
        assert "livereload" in fetch(base + f"livereload.js?port={port}").lower()

        drug = content_copy / "drugs/betanib.yaml"
        drug.write_text(drug.read_text().replace("A pill that blocks a protein.", "A pill, now edited."))
        wait_for(lambda: "A pill, now edited." in fetch(base + "adults/betanib/"))

        drug.write_text(drug.read_text().replace("common: [headache]", "common: [headace]"))
        wait_for(lambda: "Still serving the last good site." in log.read_text())
        assert "A pill, now edited." in fetch(base + "adults/betanib/")  # still the last good site
    finally:
        server.terminate()
        server.wait(timeout=10)
    output = log.read_text()
    assert "no side effect 'headace'" in output
    assert "Traceback" not in output


def test_serve_listens_only_on_this_machine_by_default():
    from patientpages.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_overdue_review_warns_in_a_build(content_copy, tmp_path):
    """A build still succeeds; test_strict_check.py shows the same review failing `check --strict`."""
    drug = content_copy / "drugs/betanib.yaml"
    drug.write_text(drug.read_text().replace("reviewed: 2026-11-01", "reviewed: 2020-01-01"))
    common = ["--root", str(PROJECT), "--content", str(content_copy), "--out", str(tmp_path / "site")]
    built = run("build", *common, "--no-handouts", cwd=tmp_path)
    assert built.returncode == 0
    assert "betanib.yaml:14:11: review was due on 2021-01-01" in built.stdout


def test_serve_shows_a_failed_rebuild_over_the_open_page_until_it_is_fixed(content_copy, tmp_path, chromium):
    """In real Chromium: a broken save leaves the open page in place (no reload into a stale page) with an
    overlay listing each problem as path:line:col: message, allowed by the pages' CSP; fixing the file clears
    it and reloads the page with the change. The built site itself never carries the overlay."""
    port = free_port()
    out = tmp_path / "site"
    server = subprocess.Popen(
        serve_command(port, "--content", str(content_copy), "--out", str(out), "--root", str(PROJECT), "--no-handouts"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(lambda: fetch(base + "adults/betanib/"))
        page = chromium.new_page()
        try:
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(e.message))
            page.goto(base + "adults/betanib/", wait_until="load")
            page.evaluate("window.notReloaded = true")
            assert page.locator("#dev-problems").count() == 0

            drug = content_copy / "drugs/betanib.yaml"
            good = drug.read_text()
            drug.write_text(good.replace("common: [headache]", "common: [headace]"))
            overlay = page.locator("#dev-problems")
            overlay.wait_for(state="visible", timeout=20_000)
            text = overlay.inner_text()
            assert "content/drugs/betanib.yaml:13:12: no side effect 'headace'" in text, text  # relative to cwd
            assert page.evaluate("window.notReloaded === true")  # the open page stayed as it was
            assert page.locator("h1").inner_text() == "Betanib"

            drug.write_text(good.replace("A pill that blocks a protein.", "A pill, now fixed."))
            page.get_by_text("A pill, now fixed.").wait_for(timeout=20_000)  # live reload brought the change
            assert page.locator("#dev-problems").count() == 0
            assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
        finally:
            page.close()
    finally:
        server.terminate()
        server.communicate(timeout=10)
    built = (out / "adults/betanib/index.html").read_text()
    assert "_dev" not in built and "livereload" not in built
