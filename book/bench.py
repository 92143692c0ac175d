"""`make bench`: time, CPU and memory of our builds against pandoc, WeasyPrint and Typst on the same books."""

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from book.diagnostics import HaltBuild, Reporter
from book.ir import Book, NoteRef, Paragraph, SceneBreak, SectionHeading, Text
from book.pipeline import load_book
from book.synth import SynthOptions, chapter_text, write_book

WORDS_PER_CHAPTER = 1800
EPUB_TARGET_CHAPTERS = 1000
BENCH_EPOCH = "1700000000"


@dataclass(frozen=True)
class Measure:
    """One timed run of a command in its own process."""

    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for
    size: float = 0.0  # bytes of the file it wrote, where the caller looks


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
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(seconds, max(peak, usage.ru_maxrss / 1024), ok, detail, cpu)


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


# --- the anchors: pandoc HTML + WeasyPrint (the reference) and pandoc → Typst -----------------


@dataclass(frozen=True)
class Anchor:
    """What our default print setup means for a plain rendering: trim, margins, face and size."""

    width_in: float
    height_in: float
    top_in: float
    bottom_in: float
    side_in: float  # the mean of our inside and outside margins: the same text block width
    size_pt: float
    line_height: float
    faces: tuple[tuple[str, str, Path], ...]  # (family, style, file) of the text face
    fallbacks: tuple[str, ...]  # fallback families, found by the renderer on the system


LINE_HEIGHT = 1.32  # styles/print.css's html line-height


def anchor_for(source: Path, book: Book) -> Anchor | None:
    """Our print setup for `source`, resolved by the same code the PDF writer uses."""
    from book.config import load_config
    from book.printing.trim import margins_for
    from book.writers.pdf.css import text_size
    from book.writers.pdf.plan import estimate_pages, print_setup

    reporter = Reporter()
    setup = print_setup(load_config(source, reporter), reporter)
    if setup is None:
        return None
    margins = margins_for(setup.trim, estimate_pages(book, setup.trim))
    return Anchor(
        setup.trim.width,
        setup.trim.height,
        margins.top,
        margins.bottom,
        round((margins.inside + margins.outside) / 2, 3),
        text_size(setup.trim),
        LINE_HEIGHT,
        tuple((face.family, face.style, face.path) for face in setup.faces),
        tuple(face.family for face in setup.fallbacks),
    )


def reference_css(anchor: Anchor) -> str:
    """pandoc's HTML at our trim, margins, face, size and leading, paragraphs indented as ours.

    Nothing else: no hyphenation, running heads, folios, contents, recto openings or font
    features. Those are the print features the ratio prices.
    """
    faces = [
        f'@font-face {{ font-family: "{family}"; font-style: {style}; src: url("{path.as_uri()}"); }}'
        for family, style, path in anchor.faces
    ]
    stack = ", ".join(f'"{family}"' for family in [anchor.faces[0][0], *anchor.fallbacks])
    return "\n".join(
        [
            *faces,
            f"@page {{ size: {anchor.width_in}in {anchor.height_in}in; "
            f"margin: {anchor.top_in}in {anchor.side_in}in {anchor.bottom_in}in; }}",
            f"html {{ font-family: {stack}; font-size: {anchor.size_pt}pt; "
            f"line-height: {anchor.line_height}; }}",
            "body { margin: 0; }",
            "p { margin: 0; text-indent: 1.2em; text-align: justify; }",
            "",
        ]
    )


def typst_preamble(anchor: Anchor) -> str:
    """The same page, face, size and leading for Typst (it names fonts by their own family names)."""
    from fontTools.ttLib import TTFont

    with TTFont(anchor.faces[0][2], lazy=True) as face:
        family = face["name"].getDebugName(1) or anchor.faces[0][0]
    fonts = ", ".join(f'"{name}"' for name in [family, *anchor.fallbacks])
    return (
        # pandoc's Typst body uses the standalone template's definition for `* * *`
        "#let horizontalrule = line(start: (25%, 0%), end: (75%, 0%))\n"
        f"#set page(width: {anchor.width_in}in, height: {anchor.height_in}in, "
        f"margin: (top: {anchor.top_in}in, bottom: {anchor.bottom_in}in, x: {anchor.side_in}in), "
        'numbering: "1")\n'
        # Lines set 1em tall plus the leading: baselines line-height apart, as in CSS.
        f"#set text(font: ({fonts},), size: {anchor.size_pt}pt, top-edge: 1em, bottom-edge: 0em)\n"
        f"#set par(justify: true, first-line-indent: 1.2em, spacing: {anchor.line_height - 1:.2f}em, "
        f"leading: {anchor.line_height - 1:.2f}em)\n"
    )


# Run in a child process, so that its time and memory are measured like every other row.
_REFERENCE = """
import subprocess, sys, weasyprint
pandoc, markdown, css, html, pdf = sys.argv[1:]
subprocess.run([pandoc, markdown, "-s", "--css", css, "-o", html], check=True)
weasyprint.HTML(html).write_pdf(pdf)
"""
_TYPST = """
import subprocess, sys, typst
pandoc, markdown, preamble, typ, pdf, fonts = sys.argv[1:]
body = subprocess.run([pandoc, markdown, "-t", "typst"], check=True, capture_output=True).stdout
with open(typ, "wb") as out:
    out.write(open(preamble, "rb").read() + body)
typst.compile(typ, output=pdf, font_paths=[fonts])
"""


def typst_available() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


# --- the table -------------------------------------------------------------------------


def _row(label: str, m: Measure | None) -> str:
    if m is None:
        return f"| {label} | – | – | – | not run |"
    result = (m.detail or "ok") if m.ok else f"FAILED: {m.detail}"
    return f"| {label} | {m.seconds:8.2f} | {m.cpu:8.2f} | {m.peak_mb:8.0f} | {result} |"


def _ratio(ours: Measure | None, theirs: Measure | None, what: str = "seconds") -> str:
    if not ours or not theirs or not ours.ok or not theirs.ok:
        return "–"
    a, b = getattr(ours, what), getattr(theirs, what)
    return f"{a / b:.2f}×" if b else "–"


def _edit_one_chapter(source: Path) -> None:
    """Change one word in one chapter, as an author does between builds."""
    chapter = sorted(source.glob("*.txt"))[len(list(source.glob("*.txt"))) // 2]
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace(" the ", " a ", 1), encoding="utf-8")


def _append_chapter(source: Path, options: SynthOptions) -> None:
    """Add the next chapter, as an author does when the site publishes one."""
    number = len(list(source.glob("*.txt"))) + 1
    (source / f"zz_appended_{number:04d}.txt").write_text(chapter_text(number, options), encoding="utf-8")


def _full_noop_edit(
    fmt: str,
    source: Path,
    build: Path,
    env: dict[str, str],
    lines: list[str],
    what: str,
    append: SynthOptions | None = None,
) -> tuple[Measure, Measure, Measure, Measure | None]:
    """A cold build, a rebuild with nothing changed, one after editing a chapter, one after adding one."""
    command = book_command(fmt, "--source", str(source), "--build", str(build))
    full = measure(command, env=env)
    lines.append(_row(f"ours: {fmt}, {what}", full))
    noop = measure(command, env=env)
    lines.append(_row(f"ours: {fmt} no-op rebuild, {what}", noop))
    _edit_one_chapter(source)
    edit = measure(command, env=env)
    lines.append(_row(f"ours: {fmt} after editing one chapter, {what}", edit))
    appended = None
    if append is not None:
        _append_chapter(source, append)
        appended = measure(command, env=env)
        lines.append(_row(f"ours: {fmt} after adding a chapter, {what}", appended))
    return full, noop, edit, appended


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _median_measure(runs: list[Measure], detail: str = "") -> Measure:
    return Measure(
        median([m.seconds for m in runs]),
        median([m.peak_mb for m in runs]),
        all(m.ok for m in runs),
        detail if all(m.ok for m in runs) else next(m.detail for m in runs if not m.ok),
        median([m.cpu for m in runs]),
    )


def alternating(commands: dict[str, Callable[[int], Measure]], rounds: int) -> dict[str, list[Measure]]:
    """Every command once a round, the order reversed every other round, so that a drift in the
    machine's load falls on all of them alike; each run is cold (a fresh build folder, no cache)."""
    runs: dict[str, list[Measure]] = {name: [] for name in commands}
    names = list(commands)
    for number in range(rounds):
        for name in names if number % 2 == 0 else reversed(names):
            runs[name].append(commands[name](number))
    return runs


def paired_ratio(ours: list[Measure], theirs: list[Measure], what: str = "seconds") -> str:
    """The median over rounds of ours/theirs within a round (pairs run back to back)."""
    pairs = [
        getattr(a, what) / getattr(b, what)
        for a, b in zip(ours, theirs, strict=True)
        if a.ok and b.ok and getattr(b, what)
    ]
    return f"{median(pairs):.2f}×" if pairs and len(pairs) == len(ours) else "–"


def _pdf_facts(path: Path) -> str:
    if not path.is_file():
        return ""
    return f"{_pages(path)} pages, {path.stat().st_size / 1e6:.2f} MB"


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def pdf_comparison(
    source: Path, book: Book, chapters: int, work: Path, env: dict[str, str], pandoc: str | None, rounds: int
) -> tuple[list[str], list[str]]:
    """Our PDF (one flow and parallel) against the reference and Typst: cold, alternating, medians."""
    anchor = anchor_for(source, book)
    markdown = work / f"book-{chapters}.md"
    css = work / f"reference-{chapters}.css"
    preamble = work / f"typst-{chapters}.typ.head"
    cold = {**env, "BOOK_NO_CACHE": "1"}

    def ours(name: str, jobs: str) -> Callable[[int], Measure]:
        def go(number: int) -> Measure:
            build = work / f"{name}-{chapters}-{number}"
            m = measure(
                book_command("pdf", "--source", str(source), "--build", str(build)),
                env={**cold, **({"BOOK_JOBS": jobs} if jobs else {})},
            )
            pdf = next(iter(sorted(build.glob("*.pdf"))), build / "none.pdf")
            return Measure(m.seconds, m.peak_mb, m.ok, m.detail or _pdf_facts(pdf), m.cpu, _size(pdf))

        return go

    def reference(number: int) -> Measure:
        pdf = work / f"reference-{chapters}-{number}.pdf"
        html = work / f"reference-{chapters}.html"
        m = measure(
            [sys.executable, "-c", _REFERENCE, str(pandoc), str(markdown), str(css), str(html), str(pdf)]
        )
        return Measure(m.seconds, m.peak_mb, m.ok, m.detail or _pdf_facts(pdf), m.cpu, _size(pdf))

    def typst_run(number: int) -> Measure:
        pdf = work / f"typst-{chapters}-{number}.pdf"
        typ = work / f"typst-{chapters}.typ"
        assert anchor is not None
        fonts = str(anchor.faces[0][2].parent)
        m = measure(
            [
                sys.executable,
                "-c",
                _TYPST,
                str(pandoc),
                str(markdown),
                str(preamble),
                str(typ),
                str(pdf),
                fonts,
            ]
        )
        return Measure(m.seconds, m.peak_mb, m.ok, m.detail or _pdf_facts(pdf), m.cpu, _size(pdf))

    commands: dict[str, Callable[[int], Measure]] = {}
    if pandoc and anchor is not None:
        css.write_text(reference_css(anchor), encoding="utf-8")
        preamble.write_text(typst_preamble(anchor), encoding="utf-8")
        commands["reference"] = reference
    commands["single"] = ours("single", "1")
    commands["parallel"] = ours("parallel", "")
    if pandoc and anchor is not None and typst_available():
        commands["typst"] = typst_run
    runs = alternating(commands, rounds)
    labels = {
        "reference": f"pandoc HTML + WeasyPrint, {chapters} chapters (reference: our trim, face, size)",
        "single": f"ours: pdf, {chapters} chapters, one flow (BOOK_JOBS=1)",
        "parallel": f"ours: pdf, {chapters} chapters, parts on every core",
        "typst": f"pandoc → Typst, {chapters} chapters (same trim, face, size)",
    }
    lines = [
        _row(labels[name] + f", median of {rounds}", _median_measure(found, found[-1].detail))
        for name, found in runs.items()
    ]
    single, parallel = runs["single"], runs["parallel"]
    heads = []
    if "reference" in runs:
        ref = runs["reference"]
        heads.append(
            f"PDF {chapters} chapters against the reference (cold, {rounds} alternating rounds, median of "
            f"the rounds' ratios): one flow {paired_ratio(single, ref)} (target ≤ 1.1×), parallel "
            f"{paired_ratio(parallel, ref)} (target ≤ 0.6×); CPU time: one flow "
            f"{paired_ratio(single, ref, 'cpu')}, parallel {paired_ratio(parallel, ref, 'cpu')}"
        )
    heads.append(
        f"PDF {chapters} chapters: parallel/one flow {paired_ratio(parallel, single)} wall, "
        f"{paired_ratio(parallel, single, 'cpu')} CPU; parallel PDF bytes / one flow's "
        f"{paired_ratio(parallel, single, 'size')} (target ≤ 1.15×)"
    )
    if "typst" in runs and "reference" in runs:
        heads.append(
            f"PDF {chapters} chapters: pandoc → Typst {paired_ratio(runs['typst'], runs['reference'])} of "
            f"the reference's time; ours (parallel) {paired_ratio(parallel, runs['typst'])} of Typst's"
        )
    return lines, heads


def _size(path: Path) -> float:
    return float(path.stat().st_size) if path.is_file() else 0.0


# The timing books are not for a printer: the proof profile has no page limit, so a 100-chapter
# book (over KDP's 828 pages) and the ~3,000-page memory run are laid out instead of refused (P020).
NO_PAGE_LIMIT = "title: Synthetic Saga\nauthor: Test Author\nlanguage: en\nprint: {profile: proof}\n"


def run(
    sizes: list[int], pdf_sizes: list[int], work: Path, big_pdf_chapters: int = 0, rounds: int = 3
) -> str:
    env = {"SOURCE_DATE_EPOCH": BENCH_EPOCH}
    pandoc = pandoc_binary()
    lines = [
        "| run | wall s | cpu s | peak MB | result |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    headline: list[str] = []
    for chapters in sizes:
        source = work / f"book-{chapters}"
        options = SynthOptions(chapters=chapters, words_per_chapter=WORDS_PER_CHAPTER, notes_per_chapter=3)
        write_book(source, options, NO_PAGE_LIMIT)
        reporter = Reporter()
        try:
            book: Book | None = load_book(source, reporter)[0]
        except HaltBuild:
            book = None
        if book is not None:
            (work / f"book-{chapters}.md").write_text(to_markdown(book), encoding="utf-8")
        if chapters in pdf_sizes and book is not None:
            # First, on the untouched book: the PDF against the anchors, every run cold.
            pdf_lines, pdf_heads = pdf_comparison(source, book, chapters, work, env, pandoc, rounds)
            lines += pdf_lines
            headline += pdf_heads
        build = work / f"build-{chapters}"
        ours, noop, edit, appended = _full_noop_edit(
            "epub", source, build, env, lines, f"{chapters} chapters", append=options
        )
        theirs = None
        if pandoc and book is not None:
            theirs = measure(
                [pandoc, str(work / f"book-{chapters}.md"), "-o", str(work / f"pandoc-{chapters}.epub")]
            )
        lines.append(_row(f"pandoc: epub, {chapters} chapters", theirs))
        added = f"{appended.seconds / ours.seconds:.2f}×" if appended and appended.ok and ours.ok else "–"
        # The EPUB targets are stated for 1,000 chapters; at 100, Python's start-up dominates.
        target = (
            "target ≤ {}".format
            if chapters >= EPUB_TARGET_CHAPTERS
            else "target for 1,000 chapters: {}".format
        )
        headline.append(
            f"EPUB {chapters} chapters: ours/pandoc time {_ratio(ours, theirs)} ({target('0.15×')}), "
            f"memory {_ratio(ours, theirs, 'peak_mb')} ({target('0.25×')}); "
            f"rebuild after one edit {(edit.seconds / ours.seconds):.2f}× of full ({target('0.15×')}); "
            f"after adding a chapter {added} ({target('0.15×')}); no-op {noop.seconds:.2f} s (target < 1 s)"
        )
        if chapters in pdf_sizes:
            pdf, pnoop, pedit, _ = _full_noop_edit(
                "pdf", source, work / f"build-pdf-{chapters}", env, lines, f"{chapters} chapters (parallel)"
            )
            headline.append(
                f"PDF {chapters} chapters: rebuild after one edit "
                f"{(pedit.seconds / pdf.seconds):.2f}× of full (target ≤ 0.15×); "
                f"no-op {pnoop.seconds:.2f} s (target < 1 s); peak {pdf.peak_mb:.0f} MB"
            )
    if big_pdf_chapters:
        source = work / f"book-big-{big_pdf_chapters}"
        big_options = SynthOptions(chapters=big_pdf_chapters, words_per_chapter=WORDS_PER_CHAPTER)
        write_book(source, big_options, NO_PAGE_LIMIT)
        big = measure(
            book_command("pdf", "--source", str(source), "--build", str(work / "build-big")), env=env
        )
        pages = _page_count(work / "build-big")
        lines.append(_row(f"ours: pdf, {big_pdf_chapters} chapters ({pages} pages)", big))
        headline.append(
            f"PDF of {pages} pages: peak {big.peak_mb:.0f} MB for the whole process tree (target ≤ 500 MB)"
        )
    return "\n".join([*lines, "", *[f"- {h}" for h in headline]])


LONG_WORDS_PER_CHAPTER = 1560  # 360 chapters of it: about 570,000 words, a real serial's size


def _both(source: Path, build: Path, env: dict[str, str]) -> tuple[Measure, Measure]:
    """`book epub` then `book pdf` on one source folder."""
    return tuple(  # type: ignore[return-value]
        measure(book_command(fmt, "--source", str(source), "--build", str(build)), env=env)
        for fmt in ("epub", "pdf")
    )


def run_long(work: Path, chapters: int, reference: bool = True) -> str:
    """A long serial as `volumes: auto` (kdp), rebuilt after a chapter is appended to the last
    volume; with `reference`, the same chapters as one book (proof profile: no page limit) too."""
    env = {"SOURCE_DATE_EPOCH": BENCH_EPOCH}
    opts = SynthOptions(chapters=chapters, words_per_chapter=LONG_WORDS_PER_CHAPTER)
    head = "title: Long Saga\nauthor: Bench\n"
    single, split = work / f"long-{chapters}-single", work / f"long-{chapters}-volumes"
    write_book(split, opts, head + "volumes: auto\nprint: {profile: kdp}\n")
    rows = [(f"volumes: auto, {chapters} chapters (kdp)", split)]
    if reference:
        write_book(single, opts, head + "print: {profile: proof}\n")
        rows.insert(0, (f"one book, {chapters} chapters (proof)", single))
    lines = ["| long book | wall s | cpu s | peak MB | result |", "| --- | ---: | ---: | ---: | --- |"]
    totals = {}
    for label, source in rows:
        epub, pdf = _both(source, source / "build", env)
        lines.append(_row(f"{label}: epub", epub))
        lines.append(_row(f"{label}: pdf ({_volume_pages(source / 'build')})", pdf))
        totals[source] = epub.seconds + pdf.seconds
    _append_chapter(split, opts)
    epub, pdf = _both(split, split / "build", env)
    lines.append(_row("volumes after appending a chapter: epub", epub))
    pages = _volume_pages(split / "build")
    lines.append(_row(f"volumes after appending a chapter: pdf ({pages})", pdf))
    full, append = totals[split], epub.seconds + pdf.seconds
    versus = f" against one book's {totals[single]:.1f} s ({full / totals[single]:.2f}×)" if reference else ""
    return "\n".join(
        [
            *lines,
            "",
            f"- Long book, epub + pdf as volumes: {full:.1f} s{versus}; after appending a chapter "
            f"{append:.1f} s ({append / full:.2f}× of the full build)",
        ]
    )


def _volume_pages(build: Path) -> str:
    """Each PDF's page count, as `vol-01 812, vol-02 790` or `2,990 pages`."""
    import pikepdf

    counts = []
    for path in sorted(build.glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            counts.append((path.stem.rsplit("-", 2)[-2:], len(pdf.pages)))
    if len(counts) == 1:
        return f"{counts[0][1]:,} pages"
    return ", ".join(f"{'-'.join(name)} {pages}" for name, pages in counts) + " pages"


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
    parser.add_argument("--rounds", type=int, default=3, help="alternating cold rounds of the PDF comparison")
    parser.add_argument(
        "--long", type=int, default=360, help="chapters of the long serial split into volumes (0: skip)"
    )
    parser.add_argument(
        "--no-long-reference", action="store_true", help="skip building the long serial as one book"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    pdf_sizes = [int(s) for s in args.pdf_sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(run(sizes, pdf_sizes, work, args.big_pdf, args.rounds), flush=True)
        if args.long:
            print("\n" + run_long(work, args.long, not args.no_long_reference), flush=True)
        if not args.no_hostile:
            print("\n" + run_hostile(work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
