"""Command line: build, serve, check, new, schema. `build.py` and the `patientpages` command both land here."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from .errors import BuildCancelled, BuildFailed, Refused, printable
from .pipeline import Builder, Paths, build
from .report import strict_problems, summary, write_json
from .starter import STARTERS

ROOT = Path.cwd()


def build_extras(*, handouts: bool = True, handout_cache: Path | None = None) -> list:
    """What a published build writes after the pages: the search index and, unless left out, the handouts
    (with their PDF cache in `handout_cache`, if not beside the output folder). Imported here so `check` and
    `new` never load them; a missing dependency is an error, never a site whose search box or "Print handout"
    links lead nowhere."""
    from .search import write_search_index

    extras = [write_search_index]
    if handouts:
        import functools

        from .handouts import write_handouts

        extras.append(functools.partial(write_handouts, cache_folder=handout_cache))
    return extras


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build the patient-education site from content/ into site/.",
        epilog="With no command, builds the site. Run from the project folder.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="project folder holding content/, templates/, static/ (default: this folder)",
    )
    common.add_argument("--content", type=Path, help="content folder (default: <root>/content)")
    common.add_argument("--out", type=Path, help="output folder (default: <root>/site)")
    common.add_argument("--debug", action="store_true", help="on an internal error, print the full traceback")
    sub = p.add_subparsers(dest="command", metavar="command", required=True)
    b = sub.add_parser("build", parents=[common], help="check everything, then write the site (the default)")
    b.add_argument("--verbose", action="store_true", help="list the reading grade of every page")
    b.add_argument("--no-handouts", action="store_true", help="skip the handout PDFs (faster while writing)")
    s = sub.add_parser(
        "serve", parents=[common], help="build, serve on http://127.0.0.1:8000 and rebuild on every save"
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--no-handouts", action="store_true", help="skip the handout PDFs (faster while writing)")
    c = sub.add_parser("check", parents=[common], help="validate everything without writing the site")
    c.add_argument(
        "--strict",
        action="store_true",
        help="also build to a temporary folder and run the trust checks: links, HTML validity, "
        "accessibility in a real browser, privacy; overdue reviews become errors",
    )
    n = sub.add_parser("new", parents=[common], help="write a commented starter record")
    n.add_argument("kind", choices=list(STARTERS), help="the kind of record: " + ", ".join(STARTERS))
    n.add_argument("slug", help="its name in lower case with hyphens, e.g. inotuzumab-ozogamicin")
    sub.add_parser("schema", parents=[common], help="write JSON Schemas for editors' YAML tools into schema/")
    h = sub.add_parser(
        "handouts",
        parents=[common],
        help="write every handout with one clinic's name and phone numbers into --out, without the site",
    )
    h.add_argument(
        "--clinic",
        type=Path,
        required=True,
        help="YAML file with the clinic's name, phone and after_hours_phone (the same fields as clinic: in site.yaml)",
    )
    return p


COMMANDS = ("build", "serve", "check", "new", "schema", "handouts")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(a in COMMANDS or a in ("-h", "--help") for a in argv):
        argv.insert(0, "build")  # `python build.py [--verbose]` builds
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    paths = Paths.under(root, args.out.resolve() if args.out else None)
    if args.content:
        paths = Paths(args.content.resolve(), paths.templates, paths.static, paths.out)
    command = args.command
    try:
        if command == "build":
            return _build(paths, verbose=args.verbose, handouts=not args.no_handouts)
        if command == "serve":
            return _serve(paths, args.host, args.port, handouts=not args.no_handouts)
        if command == "check":
            return _check(paths, strict=args.strict)
        if command == "new":
            from .starter import new_record

            path = new_record(paths.content, args.kind, args.slug)
            print(f"Wrote {path}. Fill it in, then run: python build.py check")
            return 0
        if command == "handouts":
            if not args.out:
                raise ValueError("give the folder to write the clinic's handouts to: --out DIR")
            return _clinic_handouts(paths, args.clinic)
        if command == "schema":
            from .schema import write_schemas

            for path in write_schemas(root / "schema", paths.content):
                print(f"Wrote {path}")
            return 0
    except BuildFailed as failed:
        return _report_failure(failed, paths)
    except Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; the last good site was left as it was", file=sys.stderr)
        return 130
    except OSError as err:  # e.g. site/ not writable: say so plainly; the last good site is still in place
        print(printable(f"error: {err.strerror or err}: {err.filename or ''}"), file=sys.stderr)
        return 1
    except ModuleNotFoundError as err:  # an installation problem, not a bug: say how to fix it
        print(
            f"error: the package '{err.name}' is not installed; install everything with: bash .ci/setup.sh",
            file=sys.stderr,
        )
        return 1
    except Exception as err:  # anything else is a bug in this tool, not a mistake in the content
        return _report_bug(err, debug=args.debug)
    return 2


def _report_bug(err: Exception, *, debug: bool) -> int:
    if debug:
        traceback.print_exception(err, file=sys.stderr)
    where = "" if debug else " Run again with --debug to see the details."
    print(
        printable(
            f"internal error: {type(err).__name__}: {err}. This is a bug in patientpages, not in your content; "
            f"please report it as README.md says under 'Reporting a bug'.{where}"
        ),
        file=sys.stderr,
    )
    return 3


def _print_warnings(result) -> None:
    """Content rules (rules.py): the build goes ahead, but each is named with its place, to fix."""
    for p in result.warnings:
        print(_relative(f"{p.path}:{p.line}:{p.column}: warning: {p.message}"), file=sys.stderr)
    if result.warnings:
        count = len(result.warnings)
        print(f"{count} warning{'s' if count != 1 else ''}; `check --strict` counts them as errors.", file=sys.stderr)


def _report_failure(failed: BuildFailed, paths: Paths) -> int:
    for problem in failed.problems:
        print(_relative(str(problem)), file=sys.stderr)
    count = len(failed.problems)
    kept = " The last good site was left as it was." if paths.out.exists() else ""
    print(f"Build failed: {count} problem{'s' if count != 1 else ''}.{kept}", file=sys.stderr)
    return 1


def _relative(text: str) -> str:
    cwd = str(Path.cwd()) + "/"
    return text[len(cwd) :] if text.startswith(cwd) else text


def _build(paths: Paths, *, verbose: bool = False, handouts: bool = True) -> int:
    today = dt.date.today()
    # A progress bar only on a terminal; plain lines in logs and CI.
    result = build(paths, extras=build_extras(handouts=handouts), progress=print, bar=sys.stderr.isatty())
    _print_warnings(result)
    print(summary(result, today, verbose=verbose))
    write_json(result, paths.out.with_name("build-report.json"), today)
    report = _relative(str(paths.out.with_name("build-report.json")))
    print(f"Site written to {_relative(str(paths.out))}/ (report: {report})")
    return 0


def _clinic_handouts(paths: Paths, clinic_file: Path) -> int:
    """Every handout, in every edition, with this clinic's details printed in: checked like site.yaml's clinic:,
    written to paths.out as a whole (a failed run leaves the folder as it was)."""
    from . import model
    from .errors import Problem
    from .file_access import Access
    from .handouts import write_handouts
    from .load import load_yaml
    from .outputs import SiteOutputs
    from .records import to_record

    problems: list[Problem] = []
    # The clinic file is named on the command line: it may be read wherever it is, like nothing else.
    clinic_file = clinic_file.resolve()
    doc = load_yaml(clinic_file, problems, Access.of(clinic_file.parent))
    clinic = to_record(doc, model.Clinic, problems) if doc else None
    if problems or clinic is None:
        raise BuildFailed(problems)
    result = build(paths, write=False)
    outputs = SiteOutputs(paths.out, None)  # no previous build: commit() replaces the folder as a whole
    written = write_handouts(result, outputs, paths, print, clinic=clinic, lists=False)
    outputs.commit()
    print(f"Wrote {len(written)} handouts for {clinic.name or clinic_file.name} to {_relative(str(paths.out))}/")
    return 0


def _check(paths: Paths, *, strict: bool) -> int:
    today = dt.date.today()
    if not strict:
        result = build(paths, write=False)
        _print_warnings(result)
        print(summary(result, today))
        found = f"{len(result.warnings)} warnings" if result.warnings else "No problems"
        print(f"{found} found in {result.graph.content.file_count()} content files.")
        return 0
    import tempfile

    from .checks import run_trust_checks
    from .handouts.cache import cache_beside

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        strict_paths = Paths(paths.content, paths.templates, paths.static, out)
        # The handouts `build` laid out are reused from its cache beside site/: laying out every PDF again
        # would cost the editor about a second a handout.
        extras = build_extras(handout_cache=cache_beside(paths.out))
        result = build(strict_paths, extras=extras, progress=print)
        print(summary(result, today))
        checked = run_trust_checks(out, progress=print, base_url=result.graph.content.site.record.base_url)
    errors = [str(p).replace(str(out), "site") for p in checked.problems]
    errors += [str(p) for p in result.warnings]  # content rules: warnings elsewhere, errors here
    errors += strict_problems(result, today)
    # A gate that could not run has not passed: a strict check that skipped one would vouch for what it never saw.
    for skipped in checked.skipped:
        gate, why = skipped.split(": ", 1)
        errors.append(f"the {gate} check could not run: {why}")
    for line in errors:
        print(_relative(line), file=sys.stderr)
    if errors:
        print(f"Strict check failed: {len(errors)} problem{'s' if len(errors) != 1 else ''}.", file=sys.stderr)
        return 1
    print("Strict check passed.")
    return 0


def _serve(paths: Paths, host: str, port: int, *, handouts: bool = True) -> int:
    import functools

    from .serve import serve

    extras = build_extras(handouts=False)
    if handouts:
        from .handouts import write_handouts

        # Only the default handout edition while editing: a save should show within seconds. `build` writes all.
        extras.append(functools.partial(write_handouts, default_only=True))
    builder = Builder(paths, extras=extras, stays_loaded=True)  # kept in memory: a save rebuilds only what changed

    def rebuild(pages_ready: Callable[[], None], newer_save: Callable[[], bool]) -> list[str]:
        """Rebuild the pages, call `pages_ready` (the open page reloads), then make the handout PDFs, which
        take a second each, unless another save came in meanwhile (the next rebuild makes them). Return the
        problems (the open page's overlay lists them); none if it built."""
        try:
            result = builder.build(extras=False)
            pages_ready()
            if handouts:
                time.sleep(0.2)  # let the browser fetch its reloaded page before the PDFs take the processor
                if newer_save():
                    return []
                result = builder.build(cancelled=newer_save)
            builder.save()
            _print_warnings(result)
            print(summary(result, dt.date.today()))
            return []
        except BuildCancelled:
            return []
        except BuildFailed as failed:
            _report_failure(failed, paths)
            problems = [_relative(str(p)) for p in failed.problems]
        except Refused as refused:
            print(f"error: {refused}", file=sys.stderr)
            problems = [f"error: {refused}"]
        except Exception as err:  # the server keeps running; the editor can still report the bug
            _report_bug(err, debug=True)
            problems = [f"internal error: {type(err).__name__}: {err}"]
        print("Still serving the last good site.", file=sys.stderr)
        return problems

    watch = [str(paths.content), str(paths.templates), str(paths.static)]
    serve(rebuild, str(paths.out), watch, host, port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
