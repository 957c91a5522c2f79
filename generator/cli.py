"""The `dhr` command: serve, build, check, new, import and fields, each a `cmd_` function here that calls into the
pipeline (build/), the authoring tools (authoring/) or the importers (importers/) and turns what they raise into
one line and an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import jinja2

from . import __version__
from .build.documents import check_all as check_documents
from .build.pipeline import LOCAL_BASE_URL, Builder, build, check
from .clock import build_date
from .content import schema
from .content.load import load_content
from .content.validate import validate
from .output.outdir import check_cache, check_out, hold
from .output.search_index import MIN_SHARD, REVIEW_SHARDS, SearchIndexError
from .problems import ContentError, Problems, UsageError, display_path, summarised, visible
from .progress import Progress
from .site.render import REPO_TEMPLATES
from .site.templating import template_error_place


def _templates(value: str | None) -> Path:
    """The templates folder: as given, else ./templates, else the one shipped beside the package."""
    if value:
        return Path(value)
    return Path("templates") if Path("templates/base.html").is_file() else REPO_TEMPLATES


def _positive(value: str) -> int:
    """A whole number of 1 or more, for an option that counts."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 1 or more")
    return int(value)


def _is_preview(context: str | None) -> bool:
    """--context, else Netlify's CONTEXT: deploy-preview, branch-deploy and dev are previews."""
    if context:
        return context == "preview"
    return os.environ.get("CONTEXT", "production") != "production"


def _report(problems: Problems, every: bool = False) -> None:
    """Print the problems; a warning many files share once, with its count, unless `every` is asked for."""
    found = problems.errors + problems.warnings
    for line in (map(str, found) if every else summarised(found)):
        print(line, file=sys.stderr)


def _counts(problems: Problems) -> str:
    return f"{len(problems.errors)} errors, {len(problems.warnings)} warnings"


def _failed(problems: Problems, strict: bool) -> int:
    _report(problems)
    errors, warnings = len(problems.errors), len(problems.warnings)
    why = f"{errors} error(s)" + (f" and {warnings} warning(s) (--strict)" if strict and warnings else "")
    print(f"dhr: stopped: {why} in the content; nothing was written", file=sys.stderr)
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    try:
        check_out(Path(args.out), Path(args.content), _templates(args.templates))
        with hold(Path(args.out), "dhr build"):
            rendered, seconds = build(Path(args.content), Path(args.out), _templates(args.templates),
                                      base_url=args.base_url, strict=args.strict, search=not args.no_search,
                                      progress=Progress(sys.stderr), preview=_is_preview(args.context),
                                      cache_dir=_cache_dir(args), shard_size=args.search_shard_size)
    except ContentError as exc:
        return _failed(exc.problems, args.strict)
    except jinja2.TemplateError as exc:
        print(f"{template_error_place(exc)}: template: {exc}; fix the template", file=sys.stderr)
        return 1
    except SearchIndexError as exc:
        print(f"dhr: the search index could not be built, so the site was not replaced: {exc}", file=sys.stderr)
        return 1
    _report(rendered.problems)
    if rendered.base_url == LOCAL_BASE_URL:
        print(f"note: no base_url set; sitemap.xml and feed.xml link to {LOCAL_BASE_URL} "
              "(set base_url in site.yaml or pass --base-url)", file=sys.stderr)
    shards = f"{len(rendered.indexed)} search shards indexed" if not args.no_search else "no search index"
    print(f"Built {rendered.reviews} reviews, {rendered.letters} letters: {len(rendered.written)} files written, "
          f"{len(rendered.removed)} removed, {shards}, {len(rendered.problems.warnings)} warnings, "
          f"{seconds:.2f} s -> {args.out}")
    return 0


def _cache_dir(args: argparse.Namespace) -> Path | None:
    if args.no_cache:
        return None
    check_cache(Path(args.cache_dir), Path(args.out), Path(args.content), _templates(args.templates))
    return Path(args.cache_dir)


# Each command imports what only it needs (the preview server, the file watcher, the report, the templates
# of `dhr new`) when it runs, so that `dhr build` starts without them.


def cmd_serve(args: argparse.Namespace) -> int:
    from .authoring.serve import CannotListenError
    from .authoring.watch import serve_site

    try:
        check_out(Path(args.out), Path(args.content), _templates(args.templates))
        with hold(Path(args.out), "dhr serve"):
            builder = Builder(Path(args.content), _templates(args.templates), Path(args.out),
                              cache_dir=_cache_dir(args))
            serve_site(builder, Path(args.out), args.host, args.port)
    except CannotListenError as exc:
        print(f"dhr serve: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .authoring import new as scaffold

    content = Path(args.content)
    try:
        if args.kind == "review":
            path = scaffold.new_review(content, args.title, args.csp)
            slug = path.parent.name
            then = (f"fill in its details, then add the panel's letter from the file you received with: "
                    f"dhr import letter FILE --review {slug} (or write it: dhr new letter {slug} --date YYYY-MM-DD), "
                    f"and the action plan from its Word, Excel or CSV table with: "
                    f"dhr import action-plan FILE --review {slug}")
        elif args.kind == "action-plan":
            path = scaffold.new_action_plan(content, args.slug, build_date())
            then = ("replace the example with the review's recommendations (or import them from the plan's table: "
                    f"dhr import action-plan FILE --review {args.slug}), then run: dhr check")
        else:
            path = scaffold.new_letter(content, args.slug, args.date)
            then = "check the outcome, paste in the letter's text, then run: dhr check"
    except scaffold.ScaffoldError as exc:
        print(f"dhr new: {exc}", file=sys.stderr)
        return 1
    print(f"Created {path}\nNext: {then}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .authoring.report import render_overdue, render_report

    if args.report:
        problems, today = Problems(), build_date()
        content = validate(load_content(Path(args.content), problems), problems, today)
        check_documents(content.reviews, problems)
        _report(problems, every=True)
        for line in (render_report(content, problems) + "\n\n" + render_overdue(content, today)).split("\n"):
            print(visible(line))  # folder names and titles are the content's: never raw escapes
        print(f"\n{len(content.reviews)} reviews: {_counts(problems)}")
        return 1 if problems.failed(args.strict) else 0
    try:
        content, problems = check(Path(args.content), args.strict)
    except ContentError as exc:
        return _failed(exc.problems, args.strict)
    _report(problems)
    published = sum(1 for r in content.reviews if r.values["status"] == "published")
    print(f"OK: {len(content.reviews)} reviews ({published} published): {_counts(problems)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importers.blocks import FileError
    from .importers.command import import_letter, import_plan

    if bool(args.file) == args.from_stdin:
        raise UsageError("give the file to import, or --from-stdin to paste the letter's text (not both)")

    def say(text: str) -> None:  # what was read, on standard error: a dry run's file alone is on standard output
        print(text, file=sys.stderr)

    try:
        if args.kind == "letter":
            import_letter(Path(args.content), args.file, args.review, args.from_stdin, args.date, args.dry_run, say)
        else:
            import_plan(Path(args.content), args.file, args.review, build_date(), args.dry_run, say)
    except FileError as exc:
        print(f"dhr import: {exc}", file=sys.stderr)
        return 1
    return 0


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD") from None


def cmd_fields(args: argparse.Namespace) -> int:
    print(schema.describe())
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="dhr", description="Publish Domestic Homicide Reviews and their "
                                  "Home Office QA Panel letters as a static site.")
    top.add_argument("--version", action="version", version=f"dhr-index {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def content_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--content", default="content", metavar="DIR",
                             help="the content folder (default: content)")
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")

    def cache_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--cache-dir", default=".dhr-cache", metavar="DIR",
                             help="where to keep what a build learned, for the next (default: .dhr-cache; "
                             "safe to delete)")
        command.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")

    b = commands.add_parser("build", help="build the site", description="Validate the content and build "
                            "the site into a fresh folder; the old site is replaced only if all went well.")
    content_options(b)
    b.add_argument("--out", default="site", metavar="DIR", help="the output folder (default: site)")
    b.add_argument("--templates", metavar="DIR", help="the templates folder (default: templates)")
    b.add_argument("--base-url", metavar="URL", help="the public address, for the sitemap and feed "
                   "(default: base_url in site.yaml)")
    b.add_argument("--no-search", action="store_true", help="skip the search index (faster)")
    b.add_argument("--context", choices=("production", "preview"), default=None,
                   help="production, or preview (a visible banner, and noindex for search engines); "
                   "default: from Netlify's CONTEXT variable, else production")
    cache_options(b)
    b.add_argument("--search-shard-size", type=_positive, default=None, metavar="N",
                   help=f"review pages in each part of the search index (default: one part for every {MIN_SHARD}, "
                   f"up to {REVIEW_SHARDS}); an edit re-indexes one part")
    b.set_defaults(run=cmd_build)

    s = commands.add_parser("serve", help="build, serve and rebuild on every save",
                            description="Build the site, serve it on this computer, and rebuild what changed "
                            "whenever a file in the content or templates folder is saved. Open pages reload by "
                            "themselves; while the content has errors, every page lists them.")
    s.add_argument("--content", default="content", metavar="DIR", help="the content folder (default: content)")
    s.add_argument("--out", default="site", metavar="DIR", help="the output folder (default: site)")
    s.add_argument("--templates", metavar="DIR", help="the templates folder (default: templates)")
    s.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", default=8000, type=int, help="the port (default: 8000; 0 picks a free one)")
    cache_options(s)
    s.set_defaults(run=cmd_serve)

    n = commands.add_parser("new", help="create a review, a letter or an action plan file to fill in",
                            description="Create a file with valid front matter and a comment on each field. "
                            "An existing file is never overwritten.")
    kinds = n.add_subparsers(dest="kind", required=True, metavar="KIND")
    nr = kinds.add_parser("review", help="a new review folder with its review.md (status: draft)",
                          description="Create content/reviews/<slug>/review.md, the slug made from the title.")
    nr.add_argument("title", help='the pseudonym used in the report, or its reference, e.g. "Salome"')
    nr.add_argument("--csp", required=True, metavar="NAME", help="the commissioning Community Safety Partnership")
    nl = kinds.add_parser("letter", help="a QA Panel letter for an existing review",
                          description="Create letter-YYYY-MM-DD.md in the review's folder.")
    nl.add_argument("slug", help="the review's folder name, e.g. salome")
    nl.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the date on the letter")
    na = kinds.add_parser("action-plan", help="an action plan for an existing review",
                          description="Create action-plan.yaml in the review's folder, with one example "
                          "recommendation and a comment on each field.")
    na.add_argument("slug", help="the review's folder name, e.g. salome")
    for sub in (nr, nl, na):
        sub.add_argument("--content", default="content", metavar="DIR", help="the content folder (default: content)")
        sub.set_defaults(run=cmd_new)

    i = commands.add_parser("import", help="make a review's letter or action plan from the file you were sent",
                            description="Read a QA Panel letter (PDF with a text layer, Word, a saved web page, or "
                            "text) or an action plan (a Word table, an Excel sheet, CSV) and write the review's "
                            "letter-YYYY-MM-DD.md or action-plan.yaml, printing what was read from where and what "
                            "is left to fill in. An existing file is never overwritten.")
    sources = i.add_subparsers(dest="kind", required=True, metavar="KIND")
    il = sources.add_parser("letter", help="a QA Panel letter (.pdf, .docx, .html, .txt, or pasted)",
                            description="Write the review's letter-YYYY-MM-DD.md from the panel's letter.")
    il.add_argument("file", nargs="?", help="the letter: .pdf, .docx, .html or .txt")
    il.add_argument("--from-stdin", action="store_true", help="read the letter's text from standard input (paste "
                    "it, then press Ctrl+D, or Ctrl+Z then Enter on Windows)")
    il.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="the letter's date, where the file does not "
                    "give it")
    ip = sources.add_parser("action-plan", help="an action plan table (.docx, .xlsx, .csv)",
                            description="Write the review's action-plan.yaml from the plan's table, its columns "
                            "matched by their headings.")
    ip.add_argument("file", help="the action plan: .docx, .xlsx or .csv")
    for sub in (il, ip):
        sub.add_argument("--review", required=True, metavar="SLUG", help="the review's folder name, e.g. salome")
        sub.add_argument("--content", default="content", metavar="DIR", help="the content folder (default: content)")
        sub.add_argument("--dry-run", action="store_true", help="print what would be written, and write nothing")
        sub.set_defaults(run=cmd_import, from_stdin=False)

    c = commands.add_parser("check", help="validate the content without writing anything",
                            description="Report every problem in the content as path:line: field: "
                            "problem; how to fix it. Exit code 1 when there are errors.")
    content_options(c)
    c.add_argument("--report", action="store_true", help="also print the Home Office publication checklist "
                   "for each review (pass, warning or fail), and the overdue recommendations by agency")
    c.set_defaults(run=cmd_check)

    f = commands.add_parser("fields", help="print every content field and what it means",
                            description="Print the content model (the fields of site.yaml, review.md, "
                            "letters and pages) as Markdown.")
    f.set_defaults(run=cmd_fields)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run a command; the machine's faults (a busy or read-only folder, a full disk) are one line, never a
    traceback, and leave the site as it was."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"dhr: {visible(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {visible(display_path(exc.filename))}" if exc.filename else ""
        print(f"dhr: cannot use{where}: {exc.strerror or exc}; check that the folder exists, that you may write "
              "to it and that the disk has room", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dhr: stopped; the site was left as it was", file=sys.stderr)
        return 130
