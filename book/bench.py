"""`make bench`: time and peak memory of our builds against pandoc and WeasyPrint, on the same books."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from book.diagnostics import HaltBuild, Reporter
from book.ir import Book, NoteRef, Paragraph, SceneBreak, SectionHeading, Text
from book.pipeline import load_book
from book.synth import SynthOptions, write_book

WORDS_PER_CHAPTER = 1800
BENCH_EPOCH = "1700000000"


@dataclass(frozen=True)
class Measure:
    """One timed run of a command in its own process."""

    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants: shared pages counted once."""
    total = 0
    for member in _descendants(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def measure(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Measure:
    """Run `command`: wall time and peak memory of its whole process tree (workers included).

    Memory is the larger of the sampled tree PSS (every 50 ms) and the biggest single process's
    peak RSS from os.wait4, so a short spike between samples is not missed for the main process.
    """
    # stderr to a file, not a pipe: a helper process (multiprocessing's resource tracker) may hold
    # a pipe open after the command exits, and reading to its end would wait forever.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=errors
        )
        peak = 0.0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_pss_mb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # Wait for the exit without reaping it, so that the sampler can still read /proc.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        done.set()
        sampler.join()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        errors.seek(0)
        err = errors.read()
    ok = process.returncode == 0
    # The first error diagnostic says most; else the last line the command printed.
    said = err.decode("utf-8", "replace").strip().splitlines() if not ok else []
    detail = next((line for line in said if "error[" in line), said[-1] if said else "")
    return Measure(seconds, max(peak, usage.ru_maxrss / 1024), ok, detail)


def book_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "book", *args]


# --- the same content for pandoc -------------------------------------------------------

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~^$@&\"'])")


def _md(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(book: Book) -> str:
    """The IR as pandoc Markdown: chapters as headings, notes as pandoc footnotes."""
    out = [f'---\ntitle: "{book.metadata.title}"\nlang: {book.metadata.language}\n---\n']
    for chapter in book.chapters:
        out.append(f"# {chapter.number}. {_md(chapter.title)}\n")
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                parts = [
                    _md(i.text) if isinstance(i, Text) else f"[^n{i.number}]"
                    for i in block.inlines
                    if isinstance(i, Text) or (isinstance(i, NoteRef) and i.number)
                ]
                out.append("".join(parts) + "\n")
            elif isinstance(block, SectionHeading):
                out.append(f"## {_md(block.text)}\n")
            elif isinstance(block, SceneBreak):
                out.append("* * *\n")
        for note in chapter.notes:
            body = " ".join("".join(_md(i.text) for i in p) for p in note.paragraphs)
            out.append(f"[^n{note.number}]: {body}\n")
    return "\n".join(out)


def pandoc_binary() -> str | None:
    try:
        import pypandoc

        path: str = pypandoc.get_pandoc_path()
        return path
    except (ImportError, OSError):
        return shutil.which("pandoc")


# --- the table -------------------------------------------------------------------------


def _row(label: str, m: Measure | None) -> str:
    if m is None:
        return f"| {label} | – | – | not run |"
    return f"| {label} | {m.seconds:8.2f} | {m.peak_mb:8.0f} | {'ok' if m.ok else 'FAILED: ' + m.detail} |"


def _ratio(ours: Measure | None, theirs: Measure | None, what: str = "seconds") -> str:
    if not ours or not theirs or not ours.ok or not theirs.ok:
        return "–"
    a, b = (ours.seconds, theirs.seconds) if what == "seconds" else (ours.peak_mb, theirs.peak_mb)
    return f"{a / b:.2f}×"


def _edit_one_chapter(source: Path) -> None:
    """Change one word in one chapter, as an author does between builds."""
    chapter = sorted(source.glob("*.txt"))[len(list(source.glob("*.txt"))) // 2]
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace(" the ", " a ", 1), encoding="utf-8")


def _full_noop_edit(
    fmt: str, source: Path, build: Path, env: dict[str, str], lines: list[str], what: str
) -> tuple[Measure, Measure, Measure]:
    """A full build, a rebuild with nothing changed, and a rebuild after editing one chapter."""
    command = book_command(fmt, "--source", str(source), "--build", str(build))
    full = measure(command, env=env)
    lines.append(_row(f"ours: {fmt}, {what}", full))
    noop = measure(command, env=env)
    lines.append(_row(f"ours: {fmt} no-op rebuild, {what}", noop))
    _edit_one_chapter(source)
    edit = measure(command, env=env)
    lines.append(_row(f"ours: {fmt} after editing one chapter, {what}", edit))
    return full, noop, edit


def run(sizes: list[int], pdf_sizes: list[int], work: Path, big_pdf_chapters: int = 0) -> str:
    env = {"SOURCE_DATE_EPOCH": BENCH_EPOCH}
    pandoc = pandoc_binary()
    lines = [
        "| run | wall s | peak MB | result |",
        "| --- | ---: | ---: | --- |",
    ]
    headline: list[str] = []
    for chapters in sizes:
        source = work / f"book-{chapters}"
        write_book(
            source, SynthOptions(chapters=chapters, words_per_chapter=WORDS_PER_CHAPTER, notes_per_chapter=3)
        )
        build = work / f"build-{chapters}"
        ours, noop, edit = _full_noop_edit("epub", source, build, env, lines, f"{chapters} chapters")
        theirs = None
        if pandoc:
            reporter = Reporter()
            try:
                book, _ = load_book(source, reporter)
            except HaltBuild:
                book = None
            if book is not None:
                md = work / f"book-{chapters}.md"
                md.write_text(to_markdown(book), encoding="utf-8")
                theirs = measure([pandoc, str(md), "-o", str(work / f"pandoc-{chapters}.epub")])
        lines.append(_row(f"pandoc: epub, {chapters} chapters", theirs))
        headline.append(
            f"EPUB {chapters} chapters: ours/pandoc time {_ratio(ours, theirs)} (target ≤ 0.15×), "
            f"memory {_ratio(ours, theirs, 'memory')} (target ≤ 0.25×); "
            f"rebuild after one edit {(edit.seconds / ours.seconds):.2f}× of full (target ≤ 0.15×); "
            f"no-op {noop.seconds:.2f} s (target < 1 s)"
        )
        if chapters in pdf_sizes:
            single = measure(
                book_command("pdf", "--source", str(source), "--build", str(work / f"single-{chapters}")),
                env={**env, "BOOK_JOBS": "1", "BOOK_NO_CACHE": "1"},
            )
            lines.append(_row(f"ours: pdf, {chapters} chapters, one flow (BOOK_JOBS=1)", single))
            pdf, pnoop, pedit = _full_noop_edit(
                "pdf", source, build, env, lines, f"{chapters} chapters (parallel)"
            )
            ref = None
            if pandoc:
                html = work / f"pandoc-{chapters}.html"
                subprocess.run(
                    [pandoc, str(work / f"book-{chapters}.md"), "-s", "-o", str(html)],
                    check=False,
                    capture_output=True,
                )
                ref = measure(
                    [
                        sys.executable,
                        "-c",
                        "import sys, weasyprint; weasyprint.HTML(sys.argv[1]).write_pdf(sys.argv[2])",
                        str(html),
                        str(work / f"pandoc-{chapters}.pdf"),
                    ]
                )
            lines.append(_row(f"pandoc HTML + WeasyPrint, {chapters} chapters (reference)", ref))
            headline.append(
                f"PDF {chapters} chapters: parallel/one-flow time {_ratio(pdf, single)} (target ≤ 0.65×); "
                f"rebuild after one edit {(pedit.seconds / pdf.seconds):.2f}× of full (target ≤ 0.15×); "
                f"no-op {pnoop.seconds:.2f} s (target < 1 s); peak {pdf.peak_mb:.0f} MB"
            )
    if big_pdf_chapters:
        source = work / f"book-big-{big_pdf_chapters}"
        write_book(source, SynthOptions(chapters=big_pdf_chapters, words_per_chapter=WORDS_PER_CHAPTER))
        big = measure(
            book_command("pdf", "--source", str(source), "--build", str(work / "build-big")), env=env
        )
        pages = _page_count(work / "build-big")
        lines.append(_row(f"ours: pdf, {big_pdf_chapters} chapters ({pages} pages)", big))
        headline.append(
            f"PDF of {pages} pages: peak {big.peak_mb:.0f} MB for the whole process tree (target ≤ 500 MB)"
        )
    return "\n".join([*lines, "", *[f"- {h}" for h in headline]])


def hostile_books(work: Path) -> dict[str, Path]:
    """The hardening issue's large and hostile manuscripts, written as source folders."""
    books: dict[str, str | None] = {
        "5 MB single paragraph": "001 - Huge\n\n"
        + ("word " * 1_000_000).strip()
        + " *1\n\n~~~\n\n*1: The note.\n",
        "2,000 notes in a chapter": "001 - Notes\n\n"
        + "\n\n".join(f"Sentence {n} ends here. *{n}" for n in range(1, 2001))
        + "\n\n~~~~\n\nNotes\n\n"
        + "\n\n".join(f"*{n}: Note {n}." for n in range(1, 2001))
        + "\n",
        "10,000-character title": "001 - " + "Long " * 2000 + "\n\nText.\n",
        "1,000 chapters": None,
    }
    folders = {}
    for index, (name, text) in enumerate(books.items()):
        folder = work / f"hostile-{index}"
        if text is None:
            write_book(folder, SynthOptions(chapters=1000, words_per_chapter=60, notes_per_chapter=1))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "a.txt").write_text(text, encoding="utf-8")
        folders[name] = folder
    return folders


def run_hostile(work: Path) -> str:
    """Build each hostile book in both formats: built or a diagnostic, and at what memory."""
    lines = ["| hostile input | format | wall s | peak MB | result |", "| --- | --- | ---: | ---: | --- |"]
    for name, folder in hostile_books(work).items():
        for fmt in ("epub", "pdf"):
            m = measure(book_command(fmt, "--source", str(folder), "--build", str(folder / "build")))
            result = "built" if m.ok else f"diagnostic: {m.detail}"
            lines.append(f"| {name} | {fmt} | {m.seconds:.2f} | {m.peak_mb:.0f} | {result} |")
    return "\n".join(lines)


def _page_count(build: Path) -> int:
    import pikepdf

    pdfs = sorted(build.glob("*.pdf"))
    if not pdfs:
        return 0
    with pikepdf.open(pdfs[0]) as pdf:
        return len(pdf.pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book.bench", description=__doc__)
    parser.add_argument("--sizes", default="100,1000", help="chapter counts for the EPUB runs")
    parser.add_argument("--pdf-sizes", default="100", help="chapter counts that also get PDF runs")
    parser.add_argument("--keep", type=Path, help="keep the generated books and outputs here")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile-input runs")
    parser.add_argument(
        "--big-pdf", type=int, default=285, help="chapters of the ~3,000-page PDF memory run (0: skip)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    pdf_sizes = [int(s) for s in args.pdf_sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(run(sizes, pdf_sizes, work, args.big_pdf), flush=True)
        if not args.no_hostile:
            print("\n" + run_hostile(work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
