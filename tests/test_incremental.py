"""Incremental builds: after any sequence of edits, additions, removals and broken-then-fixed files, the site a
rebuild leaves is byte for byte the site a clean build makes, and a failed rebuild leaves it untouched."""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURE, PROJECT, fingerprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patientpages.errors import BuildCancelled, BuildFailed
from patientpages.pipeline import Builder, Paths, build


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Project:
    """A private copy of the fixture content, templates and static files that steps edit."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.templates = root / "templates"
        self.static = root / "static"
        for source, target in ((FIXTURE, self.content), (PROJECT / "templates", self.templates)):
            shutil.copytree(source, target)
        shutil.copytree(PROJECT / "static", self.static)
        self.paths = Paths(self.content, self.templates, self.static, root / "site")
        self.added: list[str] = []
        self.n = 0

    def tree_hash(self) -> str:
        h = hashlib.sha256()
        for folder in (self.content, self.templates, self.static):
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    h.update(str(p.relative_to(self.root)).encode() + b"\0" + p.read_bytes() + b"\0")
        return h.hexdigest()


# ---------- the steps: each edits the project; those that break it return the edit that fixes it ----------


def _set_line(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(rf"^{key}: .*$", text, re.M), (path, key)
    path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M), encoding="utf-8")


def edit_drug(p: Project):
    p.n += 1
    _set_line(p.content / "drugs/alphamab.yaml", "what_it_is", f"A lab-made antibody used in {p.n} tests.")


def edit_narrative(p: Project):
    with open(p.content / "drugs/alphamab.adult.md", "a", encoding="utf-8") as f:
        f.write("\nAsk your care team about the drip. It can take some time.\n")


def edit_side_effect(p: Project):
    p.n += 1
    _set_line(p.content / "side-effects/headache.yaml", "what_it_is", f"Pain in the head, {p.n} times.")


def edit_site_settings(p: Project):
    p.n += 1
    _set_line(p.content / "site.yaml", "title", f"Test Medicines Guide {p.n}")


def edit_template(p: Project):
    with open(p.templates / "partials/sources.html", "a", encoding="utf-8") as f:
        f.write("<p>Checked by our team.</p>\n")


def link_betanib_from_a_class(p: Project):
    (p.content / "classes/test-antibody.md").write_text(
        "Some people take [betanib](drug:betanib) too.\n", encoding="utf-8"
    )


def move_betanib_to_children(p: Project):
    """Narratives that link betanib (alphamab's, a class's) now lead to its page for children; the class
    page shows nothing else of betanib, so only its recorded cross-link says it must be rendered again."""
    path = p.content / "drugs/betanib.yaml"
    if "  adult:" in path.read_text(encoding="utf-8"):
        _replace(path, "  adult:", "  child:")


def add_drug(p: Project):
    p.n += 1
    slug = f"gammanib{p.n}"
    text = (p.content / "drugs/betanib.yaml").read_text(encoding="utf-8")
    text = text.replace("Betanib", f"Gammanib{p.n}").replace("Betavec", f"Gammavec{p.n}")
    (p.content / f"drugs/{slug}.yaml").write_text(text, encoding="utf-8")
    p.added.append(slug)


def remove_drug(p: Project):
    if p.added:
        (p.content / f"drugs/{p.added.pop(0)}.yaml").unlink()


def rename_betanib(p: Project):
    """Its name is shown in other pages' lists (related medicines, the class and condition pages, the A–Z)."""
    p.n += 1
    _set_line(p.content / "drugs/betanib.yaml", "generic_name", f"Aabetanib{p.n}")


def move_betanib_to_another_class(p: Project):
    path = p.content / "drugs/betanib.yaml"
    text = path.read_text(encoding="utf-8")
    now = "test-pill" if "class: test-antibody" in text else "test-antibody"
    _set_line(path, "class", now)


def rename_a_class(p: Project):
    """A class's name is how every list names the kind of treatment of its drugs."""
    p.n += 1
    _set_line(p.content / "classes/test-pill.yaml", "name", f"Test pills {p.n}")


def edit_a_source(p: Project):
    p.n += 1
    _replace(p.content / "sources.yaml", "  title: Document One", f"  title: Document One, part {p.n}")


def list_rash_for_betanib(p: Project):
    """A new side effect for a drug: the side effect's page now lists it."""
    path = p.content / "drugs/betanib.yaml"
    text = path.read_text(encoding="utf-8")
    if ", rash]" not in text:
        path.write_text(re.sub(r"^(  common: \[.*)\]$", r"\1, rash]", text, count=1, flags=re.M), encoding="utf-8")


def say_betanib_headache_was_reported_in_the_other_audience(p: Project):
    """The headache page notes a drug whose sources reported it in the other audience only (and stops when
    the note is taken away): that page reads where each drug's effects were reported, not the drug's use."""
    path = p.content / "drugs/betanib.yaml"
    text = path.read_text(encoding="utf-8")
    if marked := re.search(r"\{effect: headache, reported_in: \w+\}", text):
        text = text.replace(marked[0], "headache")
    else:
        other = "children" if "  adult:" in text else "adults"
        text = text.replace("[headache", f"[{{effect: headache, reported_in: {other}}}", 1)
    path.write_text(text, encoding="utf-8")


def touch_unchanged(p: Project):
    path = p.content / "drugs/betanib.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))


def break_reference(p: Project):
    _replace(p.content / "drugs/alphamab.yaml", "urgent: [crs]", "urgent: [crss]")
    return lambda: _replace(p.content / "drugs/alphamab.yaml", "urgent: [crss]", "urgent: [crs]")


def break_template(p: Project):
    path = p.templates / "partials/side_effects.html"
    saved = path.read_bytes()
    with open(path, "a", encoding="utf-8") as f:
        f.write("{% if %}\n")
    return lambda: path.write_bytes(saved)


def remove_stylesheet(p: Project):
    path = p.static / "style.css"
    saved = path.read_bytes()
    path.unlink()
    return lambda: path.write_bytes(saved)


STEPS = [
    edit_drug,
    edit_narrative,
    edit_side_effect,
    edit_site_settings,
    edit_template,
    link_betanib_from_a_class,
    move_betanib_to_children,
    add_drug,
    remove_drug,
    rename_betanib,
    move_betanib_to_another_class,
    rename_a_class,
    edit_a_source,
    list_rash_for_betanib,
    say_betanib_headache_was_reported_in_the_other_audience,
    touch_unchanged,
    break_reference,
    break_template,
    remove_stylesheet,
]

_clean: dict[str, dict[str, str]] = {}  # tree hash -> fingerprint of a clean build of it


def clean_fingerprint(p: Project, tmp: Path) -> dict[str, str]:
    key = p.tree_hash()
    if key not in _clean:
        out = tmp / f"clean-{len(_clean)}" / "site"
        Builder(Paths(p.content, p.templates, p.static, out), cached=False).build()
        assert (out / "index.html").is_file()
        _clean[key] = fingerprint(out)
    return _clean[key]


def _apply_and_compare(p: Project, builder: Builder, step, tmp: Path, label: str) -> None:
    fix = step(p)
    if fix:
        before = fingerprint(p.paths.out)
        with pytest.raises(BuildFailed):
            builder.build()
        assert fingerprint(p.paths.out) == before, f"{step.__name__}: a failed rebuild changed the site"
        fix()
    builder.build()
    assert (p.paths.out / "index.html").is_file(), label  # two missing sites would compare equal
    assert fingerprint(p.paths.out) == clean_fingerprint(p, tmp), label


def test_every_kind_of_edit_in_turn_gives_the_clean_build(tmp_path):
    p = Project(tmp_path / "project")
    builder = Builder(p.paths, stays_loaded=True)
    builder.build()
    for step in STEPS:
        _apply_and_compare(p, builder, step, tmp_path, f"after {step.__name__}")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(STEPS), st.booleans()), min_size=2, max_size=5))
def test_a_rebuild_after_any_edits_equals_a_clean_build(tmp_path_factory, steps):
    tmp = tmp_path_factory.mktemp("incremental")
    p = Project(tmp / "project")
    builder = Builder(p.paths, stays_loaded=True)
    builder.build()
    for step, restart in steps:
        if restart:  # as a new command-line run: the cache is read back from disk
            builder.save()
            builder = Builder(p.paths, stays_loaded=True)
        _apply_and_compare(p, builder, step, tmp, f"after {[s.__name__ for s, _ in steps]}")


def test_a_rebuild_renders_only_the_pages_whose_reads_changed(tmp_path):
    p = Project(tmp_path / "project")
    first = build(p.paths)
    assert first.rendered == len(first.pages) and first.reused == 0
    page = p.paths.out / "side-effects/fever/index.html"
    written = page.stat().st_mtime_ns

    unchanged = build(p.paths)
    assert (unchanged.rendered, unchanged.files_written) == (0, 0)
    assert unchanged.reused == len(first.pages)

    edit_side_effect(p)  # headache's description: shown on its own page only (drug pages show its name)
    edited = build(p.paths)
    assert sorted(edited.html) == ["side-effects/headache/index.html"]
    assert edited.files_written == 1
    assert "side-effects/fever/index.html" not in edited.html
    assert page.stat().st_mtime_ns == written, "an unchanged page was written again"

    edit_template(p)  # partials/sources.html: every page that includes it, and no other
    templated = build(p.paths)
    assert "side-effects/fever/index.html" in templated.html
    assert "index.html" not in templated.html  # the home page does not include the sources partial

    add_drug(p)
    assert build(p.paths).removed == 0
    remove_drug(p)
    removed = build(p.paths)
    assert removed.removed == 1
    assert not (p.paths.out / "adults/gammanib1").exists()


def test_deleting_the_cache_gives_a_full_build_of_the_same_site(tmp_path):
    p = Project(tmp_path / "project")
    build(p.paths)
    before = fingerprint(p.paths.out)
    shutil.rmtree(p.root / ".site.cache")
    again = build(p.paths)
    assert again.rendered == len(again.pages)
    assert fingerprint(p.paths.out) == before


def test_an_interrupted_commit_is_finished_by_the_next_build(tmp_path, monkeypatch):
    """The journal is written once every changed file is staged; a build killed while moving them in leaves a
    site that the next build completes, never a mix of two builds."""
    from patientpages import outputs

    p = Project(tmp_path / "project")
    build(p.paths)
    edit_drug(p)
    real_apply = outputs._apply

    def killed(out, staging, changed, removed):
        real_apply(out, staging, changed[:1], [])  # one file moved in, then the power goes
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "_apply", killed)
    with pytest.raises(KeyboardInterrupt):
        build(p.paths)
    monkeypatch.setattr(outputs, "_apply", real_apply)
    assert (p.root / ".site.commit").exists()
    build(p.paths)
    assert not (p.root / ".site.commit").exists()
    assert fingerprint(p.paths.out) == clean_fingerprint(p, tmp_path)


def test_parallel_build_equals_single_process_build(tmp_path):
    p = Project(tmp_path / "project")
    one = Builder(Paths(p.content, p.templates, p.static, tmp_path / "one"), cached=False, workers=1).build()
    two = Builder(Paths(p.content, p.templates, p.static, tmp_path / "two"), cached=False, workers=2).build()
    assert one.grades == two.grades
    assert fingerprint(tmp_path / "one") == fingerprint(tmp_path / "two")


def _drug_list(result, outputs, paths, progress):
    """A stand-in for the handouts: an extra file that depends on the content."""
    names = sorted(e.record.generic_name for e in result.graph.content.drugs.values())
    outputs.put("drug-list.txt", "\n".join(names) + "\n")
    return ["drug-list.txt"]


def test_the_dev_server_shows_pages_first_and_makes_the_extras_after(tmp_path):
    p = Project(tmp_path / "project")
    builder = Builder(p.paths, extras=[_drug_list], stays_loaded=True)
    builder.build()
    listed = (p.paths.out / "drug-list.txt").read_text()
    add_drug(p)
    pages_only = builder.build(extras=False)
    assert (p.paths.out / "adults/gammanib1/index.html").exists()
    assert (p.paths.out / "drug-list.txt").read_text() == listed  # kept as the last build made it
    assert pages_only.extra_outputs == ["drug-list.txt"]
    builder.build()
    assert "Gammanib1" in (p.paths.out / "drug-list.txt").read_text()
    clean = tmp_path / "clean" / "site"
    Builder(Paths(p.content, p.templates, p.static, clean), extras=[_drug_list], cached=False).build()
    assert fingerprint(p.paths.out) == fingerprint(clean)


def test_a_newer_save_stops_the_handout_layout_at_once_and_it_runs_off_the_servers_process(tmp_path, monkeypatch):
    """The dev server makes the handout PDFs after the pages, in worker processes: its own process stays free to
    send the reloaded page, and a newer save stops a layout mid-way instead of waiting seconds for it."""
    import patientpages.handouts as handouts

    p = Project(tmp_path / "project")
    builder = Builder(
        p.paths, extras=[functools.partial(handouts.write_handouts, default_only=True)], stays_loaded=True
    )
    builder.build(extras=False)  # the pages, as the dev server shows them first
    before = fingerprint(p.paths.out)
    started = tmp_path / "layout-started"

    def endless_layout(*args, **kwargs):
        started.write_text(str(os.getpid()))
        time.sleep(600)

    monkeypatch.setattr(handouts, "fit", endless_layout)
    outcome: list[BaseException | None] = []

    def make_pdfs() -> None:
        try:
            builder.build(cancelled=started.exists)  # "a newer save came in" as soon as a layout began
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=make_pdfs, daemon=True)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "the build waited for the layout instead of stopping"
    assert isinstance(outcome[0], BuildCancelled), outcome
    assert int(started.read_text()) != os.getpid(), "the PDF was laid out in the server's own process"
    assert multiprocessing.active_children() == []
    assert fingerprint(p.paths.out) == before  # nothing of the stopped build reached site/


def test_a_loaded_builder_answers_a_save_that_changed_nothing_without_rebuilding(tmp_path):
    p = Project(tmp_path / "project")
    builder = Builder(p.paths, stays_loaded=True)
    first = builder.build()
    path = p.content / "drugs/betanib.yaml"
    path.write_bytes(path.read_bytes())  # saved again, same bytes
    same = builder.build()
    assert same.graph is first.graph and same.rendered == 0 and same.reused == len(first.pages)
    edit_narrative(p)
    changed = builder.build()
    assert changed.graph is not first.graph and "adults/alphamab/index.html" in changed.html
    (p.paths.out / "index.html").write_text("changed by hand")  # site/ no longer as the build left it
    assert "index.html" in builder.build().html


def test_the_search_index_is_made_again_only_when_a_page_changed(tmp_path):
    from patientpages.search import write_search_index

    p = Project(tmp_path / "project")
    messages: list[str] = []
    builder = Builder(p.paths, extras=[write_search_index])
    builder.build(progress=messages.append)
    builder.build(progress=messages.append)  # nothing changed
    assert any(m.startswith("search: index unchanged") for m in messages), messages
    edit_narrative(p)
    messages.clear()
    builder.build(progress=messages.append)
    assert any(m.startswith("search: indexed") for m in messages), messages
    clean = tmp_path / "clean" / "site"
    Builder(Paths(p.content, p.templates, p.static, clean), extras=[write_search_index], cached=False).build()
    assert any(name.startswith("pagefind/") for name in fingerprint(clean))
    # Pagefind's own output differs from run to run on the same pages (its filter files), so only the rest
    # of the site is compared byte for byte; the index must be there, made from the edited page.
    site = {k: v for k, v in fingerprint(p.paths.out).items() if not k.startswith("pagefind/")}
    assert site == {k: v for k, v in fingerprint(clean).items() if not k.startswith("pagefind/")}
    assert (p.paths.out / "pagefind/pagefind-entry.json").exists()
