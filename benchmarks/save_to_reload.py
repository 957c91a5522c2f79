"""Time from saving one letter to the page being updated, under a running `dhr serve`.

    python benchmarks/save_to_reload.py --content content
    python benchmarks/save_to_reload.py --reviews 3000      # a generated corpus

Prints the median, min and max over several saves of: the page updated on disk, the page
served with the change (what a browser sees after its reload event), and the whole site rebuilt
(`dhr serve` writes the edited review's page first, then works out the rest). Each save is made
once the previous one's rebuild has finished, as an officer saving one letter would.
"""

from __future__ import annotations

import argparse
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from corpus import REPO, generate


def _serve(content: Path, out: Path) -> tuple[subprocess.Popen[str], str, queue.Queue[str]]:
    """`dhr serve` on a free port: the process, its address, and its later output lines as they come."""
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(content),
                                "--out", str(out), "--port", "0", "--no-cache"], cwd=REPO, stdout=subprocess.PIPE,
                               text=True)
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith("Serving http://"):
            lines: queue.Queue[str] = queue.Queue()
            threading.Thread(target=_forward, args=(process, lines), daemon=True).start()
            return process, line.split()[1], lines
    raise SystemExit("dhr serve did not start")


def _forward(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    for line in process.stdout:  # type: ignore[union-attr]
        lines.put(line)


def _rebuilt(lines: queue.Queue[str], limit: float = 120.0) -> None:
    """Wait for `dhr serve` to report a finished rebuild."""
    while not lines.get(timeout=limit).startswith("Rebuilt "):
        pass


def _until(check: object, limit: float = 30.0) -> float:
    started = time.perf_counter()
    while not check():  # type: ignore[operator]
        if time.perf_counter() - started > limit:
            raise SystemExit("timed out")
        time.sleep(0.001)
    return time.perf_counter() - started


def measure(content: Path, saves: int) -> tuple[list[float], list[float], list[float]]:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "site"
        process, url, lines = _serve(content, out)
        try:
            letter = sorted((content / "reviews").glob("*/letter-*.md"))[0]
            page = out / "reviews" / letter.parent.name / "index.html"
            original = letter.read_text()
            on_disk, served, rebuilt = [], [], []
            for number in range(saves):
                marker = f"Benchmark{number}marker"
                time.sleep(0.3)  # let the previous save's search indexing start
                started = time.perf_counter()
                letter.write_text(original.replace("Dear ", f"Dear {marker} ", 1))
                on_disk.append(_until(lambda m=marker: m in page.read_text()))
                served_url = f"{url}reviews/{letter.parent.name}/"
                _until(lambda m=marker, u=served_url: m in urllib.request.urlopen(u).read().decode())
                served.append(time.perf_counter() - started)
                _rebuilt(lines)
                rebuilt.append(time.perf_counter() - started)
            letter.write_text(original)
            return on_disk, served, rebuilt
        finally:
            process.terminate()
            process.wait()


def _summary(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"{name:<28} median {statistics.median(ms):7.1f} ms   min {min(ms):7.1f}   max {max(ms):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, help="a content folder to copy (default: a generated corpus)")
    parser.add_argument("--reviews", type=int, default=1000, help="size of the generated corpus (default: 1000)")
    parser.add_argument("--saves", type=int, default=9, help="how many saves to time (default: 9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        content = Path(work) / "content"
        if args.content:
            shutil.copytree(args.content, content)
        else:
            generate(content, args.reviews)
        on_disk, served, rebuilt = measure(content, args.saves)
    print(f"save -> page updated, {args.saves} saves ({args.content or f'{args.reviews} generated reviews'}):")
    print(_summary("page updated on disk", on_disk))
    print(_summary("page served with the change", served))
    print(_summary("whole site rebuilt", rebuilt))


if __name__ == "__main__":
    main()
