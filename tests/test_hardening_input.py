"""Issue 13: every bad input a careless editor or a hostile file can give is refused through the command line
with a `path:line:col` message, no traceback, and the last good site and the content left byte-for-byte as they
were. A failing build stops before rendering, so each case runs `cli.main` in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE, PROJECT, Site, fingerprint, once_per_run

from patientpages import file_access
from patientpages.cli import main


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """One good build of the fixture content, copied into each test as its 'last good site' (once per test run:
    both workers may run this module's tests)."""
    return once_per_run(tmp_path_factory, "good", _good_build)


def _good_build(folder: Path) -> Path:
    out = folder / "site"
    assert main(_args(FIXTURE, out)) == 0
    return out


def _args(content: Path, out: Path, root: Path = PROJECT) -> list[str]:
    return ["build", "--root", str(root), "--content", str(content), "--out", str(out), "--no-handouts"]


class Project:
    """A private copy of the fixture content (and, when a case needs it, of templates/ and static/), with the
    last good site already built beside it."""

    def __init__(self, tmp_path: Path, good_site: Path):
        self.root = tmp_path / "project"
        self.content = self.root / "content"
        shutil.copytree(FIXTURE, self.content)
        self.out = tmp_path / "site"
        shutil.copytree(good_site, self.out)
        self.own_templates = False

    def templates(self) -> Path:
        """Switch to private copies of templates/ and static/ that a case may break."""
        if not self.own_templates:
            shutil.copytree(PROJECT / "templates", self.root / "templates")
            shutil.copytree(PROJECT / "static", self.root / "static")
            self.own_templates = True
        return self.root / "templates"

    def file(self, relative: str) -> Path:
        return self.root / relative if relative.split("/")[0] in ("templates", "static") else self.content / relative

    def replace(self, relative: str, old: str, new: str) -> None:
        path = self.file(relative)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(self, relative: str, text: str) -> None:
        path = self.file(relative)
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def build(self, capsys) -> tuple[int, str]:
        root = self.root if self.own_templates else PROJECT
        code = main(_args(self.content, self.out, root))
        captured = capsys.readouterr()
        return code, captured.out + captured.err


@pytest.fixture
def project(tmp_path, good_site) -> Project:
    return Project(tmp_path, good_site)


def _line_of(template: str, text: str) -> int:
    """The line of the template that holds `text` (pages extending it keep its line numbers)."""
    lines = (PROJECT / template).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _template_error(expression: str):
    def break_it(p: Project) -> None:
        p.templates()
        p.replace("templates/home.html", "{% block main %}", "{% block main %}{{ " + expression + " }}")

    return break_it


def _link_outside(relative: str, target: str):
    def break_it(p: Project) -> None:
        path = p.file(relative)
        path.unlink(missing_ok=True)
        path.symlink_to(target)

    return break_it


def _static_link(p: Project) -> None:
    p.templates()
    (p.root / "static/passwd").symlink_to("/etc/passwd")


# name: (how to break the content, the message expected, where: path relative to the project)
CASES = {
    # --- tracebacks before ---
    "10,000-deep nested list": (
        lambda p: p.append("side-effects/rash.yaml", "also_called: " + _deep(10_000) + "\n"),
        "content/side-effects/rash.yaml:6:34: nested more than 20 levels deep",
    ),
    "NUL byte in YAML": (
        lambda p: p.replace("drugs/betanib.yaml", "Betavec", "Beta\x00vec"),
        "content/drugs/betanib.yaml:2:19: invisible or control character U+0000",
    ),
    "form feed in YAML": (
        lambda p: p.replace("drugs/betanib.yaml", "Betavec", "Beta\x0cvec"),
        "content/drugs/betanib.yaml:2:19: invisible or control character U+000C",
    ),
    "escape sequence written as a YAML escape": (
        lambda p: p.replace("drugs/betanib.yaml", "brand_names: [Betavec]", 'brand_names: ["\\e]0;pwned\\a"]'),
        "content/drugs/betanib.yaml:2:15: invisible or control character U+001B",
    ),
    "reviewed in year 9999": (
        lambda p: p.replace("drugs/betanib.yaml", "reviewed: 2026-11-01", "reviewed: 9999-06-01"),
        "content/drugs/betanib.yaml:14:11: the next review (12 months later) would fall after the year 9999",
    ),
    "part_of names a missing class": (
        lambda p: p.replace("classes/test-antibody.yaml", "part_of: test-therapy", "part_of: test-therapyy"),
        "content/classes/test-antibody.yaml:4:10: no class 'test-therapyy' in content/classes/; "
        "did you mean 'test-therapy'?",
    ),
    "typo in a parent class": (
        lambda p: p.replace("classes/test-pill.yaml", "part_of: test-therapy", "part_of: test-therap"),
        "content/classes/test-pill.yaml:4:10: no class 'test-therap' in content/classes/",
    ),
    "cross-link wrapped after ](": (
        lambda p: p.replace("drugs/alphamab.adult.md", "(drug:betanib)", "(\ndrug:nope)"),
        "content/drugs/alphamab.adult.md:4:6: no drug 'nope' in content/drugs/",
    ),
    "template runtime error: division by zero": (
        _template_error("1 // 0"),
        "templates/home.html:2:1: template error while rendering index.html: ZeroDivisionError",
    ),
    "template runtime error: text plus number": (
        _template_error("'a' + 1"),
        "templates/home.html:2:1: template error while rendering index.html: TypeError",
    ),
    "a folder named x.yaml in drugs/": (
        lambda p: (p.content / "drugs/gammavec.yaml").mkdir(),
        "content/drugs/gammavec.yaml:1:1: this is a folder, but its name says it is a file",
    ),
    "10,000 nested brackets in a narrative (minutes in Markdown)": (
        lambda p: p.file("drugs/alphamab.adult.md").write_text("[" * 10_000 + "x" + "]" * 10_000 + "\n"),
        "content/drugs/alphamab.adult.md:1:21: brackets nested or left open more than 20 deep",
    ),
    # --- silently accepted before ---
    "!!python/object/apply on a list": (
        lambda p: p.replace(
            "drugs/betanib.yaml", "brand_names: [Betavec]", "brand_names: !!python/object/apply:os.system [echo]"
        ),
        "content/drugs/betanib.yaml:2:14: YAML tag '!!python/object/apply:os.system' is not allowed",
    ),
    "!!binary value": (
        lambda p: p.replace("drugs/betanib.yaml", "generic_name: Betanib", "generic_name: !!binary QmV0YW5pYg=="),
        "content/drugs/betanib.yaml:1:15: YAML tag '!!binary' is not allowed",
    ),
    "!!str tag": (
        lambda p: p.replace("drugs/betanib.yaml", "generic_name: Betanib", "generic_name: !!str Betanib"),
        "content/drugs/betanib.yaml:1:15: YAML tag '!!str' is not allowed",
    ),
    "reviewed: 0": (
        lambda p: p.replace("drugs/betanib.yaml", "reviewed: 2026-11-01", "reviewed: 0"),
        "content/drugs/betanib.yaml:14:11: 'reviewed' should be a date (YYYY-MM-DD), not int 0",
    ),
    "narrative that is only a byte-order mark": (
        lambda p: p.file("drugs/alphamab.adult.md").write_text("\ufeff\n", encoding="utf-8"),
        "content/drugs/alphamab.adult.md:1:1: file is empty",
    ),
    "right-to-left override in a name": (
        lambda p: p.replace("drugs/betanib.yaml", "generic_name: Betanib", "generic_name: Be\u202etanib"),
        "content/drugs/betanib.yaml:1:17: invisible or control character U+202E (right-to-left override)",
    ),
    "right-to-left override as a YAML escape": (
        lambda p: p.replace("drugs/betanib.yaml", "generic_name: Betanib", 'generic_name: "Be\\u202Etanib"'),
        "content/drugs/betanib.yaml:1:15: invisible or control character U+202E",
    ),
    "zero-width space in a name": (
        lambda p: p.replace("side-effects/rash.yaml", "name: Rash", "name: Ra\u200bsh"),
        "content/side-effects/rash.yaml:1:9: invisible or control character U+200B (zero width space)",
    ),
    "link to a missing side effect wrapped after (": (
        lambda p: p.replace("drugs/alphamab.adult.md", "(side-effect:crs)", "(\n  side-effect:nope)"),
        "content/drugs/alphamab.adult.md:4:15: no side effect 'nope' in content/side-effects/",
    ),
    "link with a title": (
        lambda p: p.replace("drugs/alphamab.adult.md", "(drug:betanib)", '(drug:betanob "Betanib")'),
        "content/drugs/alphamab.adult.md:3:94: no drug 'betanob' in content/drugs/; did you mean 'betanib'?",
    ),
    "reference-style link": (
        lambda p: p.append("drugs/alphamab.adult.md", "\nSee [the other one][b].\n\n[b]: side-effect:fevr\n"),
        "content/drugs/alphamab.adult.md:8:18: no side effect 'fevr' in content/side-effects/; did you mean 'fever'?",
    ),
    "<angle> link destination": (
        lambda p: p.replace("drugs/alphamab.adult.md", "(drug:betanib)", "(<drug:betanub>)"),
        "content/drugs/alphamab.adult.md:3:95: no drug 'betanub' in content/drugs/",
    ),
    "bare <drug:slug> autolink": (
        lambda p: p.append("drugs/alphamab.adult.md", "\nAlso <drug:betanib>.\n"),
        "content/drugs/alphamab.adult.md:6:7: write this link as [text](drug:betanib)",
    ),
    "deleted static/style.css": (
        lambda p: (p.templates(), (p.root / "static/style.css").unlink()),
        f"site/404.html:{_line_of('templates/base.html', 'static/style.css')}:1: links to 'static/style.css', "
        "which the site does not have (and ",
    ),
    "inline script added to a template": (
        lambda p: (
            p.templates(),
            p.replace("templates/home.html", "{% block main %}", "{% block main %}<script>x()</script>"),
        ),
        "site/index.html:",
    ),
    # --- leaks ---
    "narrative symlinked to /etc/passwd": (
        _link_outside("drugs/alphamab.adult.md", "/etc/passwd"),
        "content/drugs/alphamab.adult.md:1:1: symlink points outside the content, templates and static folders",
    ),
    "record symlinked to /dev/zero": (
        _link_outside("side-effects/rash.yaml", "/dev/zero"),
        "content/side-effects/rash.yaml:1:1: symlink points outside",
    ),
    "symlink in static/": (_static_link, "static/passwd:1:1: symlink points outside"),
    "file over the size limit": (
        lambda p: p.append("drugs/alphamab.adult.md", "\nLong text. " * 60_000),
        "content/drugs/alphamab.adult.md:1:1: file is larger than the 512 KB limit for content files; split it, "
        "or raise max_file_kb in site.yaml",
    ),
    "control characters in a file name are shown escaped": (
        lambda p: (p.content / "drugs/x\x1b]0;owned\x07.yaml").write_text("a: b\n"),
        "content/drugs/x\\x1b]0;owned\\x07.yaml:1:1: unexpected file name",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_refused_located_and_touches_nothing(name, project, capsys):
    break_it, expected = CASES[name]
    break_it(project)
    content_before, site_before = fingerprint(project.root), fingerprint(project.out)
    code, output = project.build(capsys)
    assert code == 1, output
    lines = [
        line.replace(str(project.root) + "/", "").replace(str(project.out), "site") for line in output.splitlines()
    ]
    assert any(line.startswith(expected) for line in lines), output
    assert "Traceback" not in output
    assert "\x1b" not in output and "\x07" not in output and "root:" not in output  # nothing raw, nothing leaked
    assert "The last good site was left as it was." in output
    assert fingerprint(project.root) == content_before
    assert fingerprint(project.out) == site_before


def test_inline_script_is_named_as_such(project, capsys):
    CASES["inline script added to a template"][0](project)
    _, output = project.build(capsys)
    assert "inline <script>; the pages' Content-Security-Policy forbids it" in output


def test_the_size_limit_is_adjustable_in_site_settings(project, capsys):
    project.append("site.yaml", "max_file_kb: 1\n")
    project.append("drugs/alphamab.adult.md", "\nMore text. " * 200)
    code, output = project.build(capsys)
    assert code == 1
    assert "alphamab.adult.md:1:1: file is larger than the 1 KB limit for content files" in output


def test_unreadable_files_are_each_reported_with_the_other_problems(project, capsys, monkeypatch):
    # Running as root, chmod cannot make a file unreadable; refuse the read as the OS would.
    unreadable = {project.content / "side-effects/rash.yaml", project.content / "drugs/alphamab.adult.md"}
    real_open = open

    def refusing_open(path, *args, **kwargs):
        if Path(path) in unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(file_access, "open", refusing_open, raising=False)
    project.replace("drugs/betanib.yaml", "what_it_is:", "what_it_si:")
    before = fingerprint(project.out)
    code, output = project.build(capsys)
    assert code == 1
    assert "content/side-effects/rash.yaml:1:1: cannot read this file: Permission denied" in output
    assert "content/drugs/alphamab.adult.md:1:1: cannot read this file: Permission denied" in output
    assert "content/drugs/betanib.yaml:4:1: unknown field 'what_it_si'" in output
    assert "Traceback" not in output
    assert fingerprint(project.out) == before


def test_a_leading_byte_order_mark_is_not_published(project, capsys):
    path = project.file("drugs/alphamab.adult.md")
    path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, output = project.build(capsys)
    assert code == 0, output
    page = Site(project.out).soup("adults/alphamab/")
    assert "\ufeff" not in str(page)
    assert page.find("h2", string="What a treatment day is like")  # the heading still parses as a heading


def test_every_link_form_reaches_its_page(project, capsys):
    project.append(
        "drugs/alphamab.adult.md",
        '\nWrapped [one](\nside-effect:fever), titled [two](drug:betanib "Betanib"), angled [three](<class:test-pill>)'
        " and by reference [four][g].\n\n[g]: glossary:t-cells\n",
    )
    code, output = project.build(capsys)
    assert code == 0, output
    soup = Site(project.out).soup("adults/alphamab/")
    hrefs = {a.get_text(): a.get("href") for a in soup.select("main a")}
    assert hrefs["one"] == "../../side-effects/fever/"
    assert hrefs["two"] == "../../adults/betanib/"
    assert hrefs["three"] == "../../treatments/test-pill/"
    assert hrefs["four"] == "../../glossary/#term-t-cells"
    glossary = Site(project.out).soup("glossary/")
    assert glossary.find(id="term-t-cells")


def test_glossary_anchors_are_unique_non_empty_and_never_the_page_s_own(project, capsys):
    project.append(
        "glossary.yaml",
        "- term: cd19\n  definition: The same word in lower case.\n"
        "- term: '?!'\n  definition: Only punctuation.\n"
        "- term: Main\n  definition: A word that is also an id on every page.\n",
    )
    code, output = project.build(capsys)
    assert code == 0, output
    soup = Site(project.out).soup("glossary/")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids
    terms = [dt["id"] for dt in soup.select("dl.glossary dt")]
    assert len(terms) == 5 and all(t.startswith("term-") and len(t) > len("term-") for t in terms), terms
    assert soup.find("main")["id"] == "main"
    # The cross-link [..](glossary:cd19) still lands on a term.
    link = Site(project.out).soup("adults/alphamab/").find("a", string="glossary entry for CD19")
    assert link["href"].split("#")[1] in terms


def test_phone_page_with_an_800_character_word_does_not_scroll_sideways(project, capsys, chromium):
    from patientpages.checks.browser import served

    project.replace("drugs/betanib.yaml", "generic_name: Betanib", "generic_name: " + "Betanib" * 115)
    assert project.build(capsys)[0] == 0
    with served(project.out) as origin:
        page = chromium.new_page(viewport={"width": 375, "height": 800})
        page.goto(f"{origin}/adults/betanib/")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        page.close()
    assert width <= 375
