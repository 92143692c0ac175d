"""The book laid out part by part on every core: front matter, each chapter, the notes, the folios.

Chapters open on rectos, so a chapter's layout does not depend on where it starts: each part is a
WeasyPrint document of its own, laid out in a process pool and cached by a digest of everything it
depends on. A part's folios are lifted off its pages and laid over them from "folio sheets" once
the part's place in the book is known, so a part's key holds no page number and an edit that
changes one chapter's length re-lays that chapter only. merge.py joins the parts.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from book import progress
from book.cache import Cache, code_digest, digest
from book.writers.pdf.stack_room import with_stack_room
from book.writers.templating import template

FOLIOS_PER_SHEET = 100
# Bump when the meaning of a cached part changes in a way the code digest cannot see.
KEY_VERSION = "pdf-part-3"


def code_version() -> str:
    """The writer's own code, templates and styles: a change to any of them re-lays every part."""
    return code_digest("writers/*.py", "writers/pdf/*.py", "printing/*.py")


@dataclass(frozen=True)
class Job:
    """One WeasyPrint document to lay out: plain data, so that it can cross to a worker process."""

    label: str
    html: str
    css: str  # the generated stylesheet, the same for every part of one layout
    base_url: str
    roots: tuple[str, ...]
    ingram: bool
    drop_last: bool = False  # the part-end page, which only forces the blank verso before it
    lift_folios: bool = False  # body parts: their folios come from the folio sheets
    anchors: tuple[str, ...] = ()  # ids whose page the contents needs (the part's chapters, notes)
    extra_css: str = ""  # what this job adds to `css` (a folio sheet's first folio)

    def key(self, salt: str) -> str:
        return digest(
            KEY_VERSION,
            salt,
            self.html,
            self.css,
            self.extra_css,
            self.base_url,
            *self.roots,
            str((self.ingram, self.drop_last, self.lift_folios)),
            *self.anchors,
        )


@dataclass(frozen=True)
class Part:
    """A laid-out part: its PDF and, for body parts, which of its pages carry a folio."""

    pdf: bytes
    pages: int
    folios: tuple[bool, ...] = ()
    anchors: tuple[tuple[str, int], ...] = ()  # (id, index of the page it is on) for Job.anchors


class WeasyPrintChanged(RuntimeError):
    """The installed WeasyPrint lacks an internal that lifting folios relies on."""


def weasyprint_changed(internal: str) -> WeasyPrintChanged:
    import weasyprint

    return WeasyPrintChanged(
        f"WeasyPrint {weasyprint.__version__} changed {internal}, an internal that "
        "book/writers/pdf/layout.py relies on to lift folios; install the WeasyPrint versions "
        "pyproject.toml allows, or adapt _lift_folio"
    )


def _lift_folio(page: Any) -> bool:
    """Take the folio box off a laid-out page; True when the page's CSS gave it a folio.

    Uses two WeasyPrint internals (hence the version ceiling in pyproject.toml): the page box
    (Page._page_box) and its margin boxes' MarginBox.at_keyword. The @bottom-center margin box
    exists only when print.css gives the page a folio, so this follows the stylesheet instead of
    repeating it.
    """
    from weasyprint.formatting_structure.boxes import MarginBox

    box: Any = getattr(page, "_page_box", None)
    if not isinstance(getattr(box, "children", None), tuple | list):
        raise weasyprint_changed("Page._page_box (a page box with its children)")
    margin_boxes = [c for c in box.children if isinstance(c, MarginBox)]
    if any(not isinstance(getattr(c, "at_keyword", None), str) for c in margin_boxes):
        raise weasyprint_changed("MarginBox.at_keyword")
    kept = [c for c in box.children if not (isinstance(c, MarginBox) and c.at_keyword == "@bottom-center")]
    lifted = len(kept) != len(box.children)
    box.children = kept
    return lifted


def lay_out(job: Job) -> Part:
    """Lay out one part (in a worker process, or in this one)."""
    import logging

    from weasyprint import CSS, HTML

    from book.writers.pdf.fetch import ConfinedFetcher

    # WeasyPrint logs refused URLs and unsupported CSS as warnings; the build reports its own.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = ConfinedFetcher([Path(root) for root in job.roots])
    font_config, stylesheet = _shared_stylesheet(job.css, job.roots)
    stylesheets = [stylesheet]
    if job.extra_css:
        stylesheets.append(CSS(string=job.extra_css, font_config=font_config, url_fetcher=fetcher))
    document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=stylesheets
    )
    pages = document.pages[:-1] if job.drop_last else document.pages
    folios = tuple(_lift_folio(page) for page in pages) if job.lift_folios else ()
    # No PDF/X variant: without an embedded CMYK output intent the claim would be false (README).
    data = document.copy(pages).write_pdf(uncompressed_pdf=False, pdf_identifier=False)
    _release_memory()
    wanted = set(job.anchors)
    found: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in wanted.intersection(page.anchors):
            found.setdefault(name, index)
    return Part(data, len(pages), folios, tuple(sorted(found.items(), key=lambda item: item[1])))


_SHARED: dict[tuple[str, tuple[str, ...]], tuple[Any, Any]] = {}


def _shared_stylesheet(css: str, roots: tuple[str, ...]) -> tuple[Any, Any]:
    """The generated stylesheet, parsed once per worker with the fonts its @font-face rules load.

    Every part of a layout has the same one; a fresh FontConfiguration and parse for each part
    cost ~40 ms (6 % of a 100-chapter book's CPU). WeasyPrint documents reusing both across
    documents. Only the latest layout's is kept: a new gutter band brings new CSS.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from book.writers.pdf.fetch import ConfinedFetcher

    key = (css, roots)
    if key not in _SHARED:
        _SHARED.clear()
        font_config = FontConfiguration()
        fetcher = ConfinedFetcher([Path(root) for root in roots])
        _SHARED[key] = (font_config, CSS(string=css, font_config=font_config, url_fetcher=fetcher))
    return _SHARED[key]


# Dropped before the interpreter tears its modules down, when FontConfiguration.__del__ would fail.
atexit.register(_SHARED.clear)


def _release_memory() -> None:
    """Give a worker's freed memory back to the system between parts.

    A worker lays out dozens of parts; without this its resident size creeps up part after part
    (glibc keeps freed arenas), which is what pushed a 3,000-page build past 500 MB.
    """
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def folio_sheet_html(lang: str, stylesheet_urls: list[str]) -> str:
    """FOLIOS_PER_SHEET empty pages: only their folios are drawn (the running heads are unset)."""
    return template("pdf", "folios.html").render(
        lang=lang, stylesheets=stylesheet_urls, pages=range(FOLIOS_PER_SHEET)
    )


def first_folio_css(folio: int) -> str:
    return f"@page :first {{ counter-reset: page {folio}; }}\n"


def jobs() -> int:
    """Worker processes: BOOK_JOBS, else one per core. BOOK_JOBS=1 means the single-flow layout."""
    value = os.environ.get("BOOK_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


@dataclass
class Stats:
    """What the last build laid out and what it took from the cache (for tests and the benchmark)."""

    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)


LAST_RUN = Stats()


class Renderer:
    """Lays out jobs: cached parts from the cache, the rest in a process pool started on demand."""

    def __init__(self, build_dir: Path, salt: str, workers: int) -> None:
        self.cache = Cache(build_dir, "pdf-parts")
        self.salt = salt
        self.workers = workers
        self.pool: Executor | None = None
        LAST_RUN.rendered.clear()
        LAST_RUN.cached.clear()

    def __enter__(self) -> Renderer:
        # Start the workers now: they import WeasyPrint while this process checks and renders HTML.
        if self.workers > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_warm_up)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def _cached(self, key: str) -> Part | None:
        data = self.cache.get(key)
        if data is None:
            return None
        return self.cache.get_json(digest(key, "meta"), lambda meta: _part(meta, data))

    def _store(self, key: str, part: Part) -> None:
        self.cache.put(key, part.pdf)
        meta = {
            "sha256": hashlib.sha256(part.pdf).hexdigest(),
            "pages": part.pages,
            "folios": list(part.folios),
            "anchors": [list(a) for a in part.anchors],
        }
        self.cache.put_json(digest(key, "meta"), meta)

    def run(self, jobs: Iterable[Job], bar: progress.Stage) -> list[Part]:
        """Every job's part, in order; parts not in the cache go to the workers as soon as known."""
        results: dict[int, Part] = {}
        missing: list[tuple[int, str, Job, Future[Part]]] = []
        for index, job in enumerate(jobs):
            key = job.key(self.salt)
            hit = self._cached(key)
            if hit is not None:
                results[index] = hit
                LAST_RUN.cached.append(job.label)
                bar.advance()
            else:
                missing.append((index, key, job, self._submit(job)))
        for index, key, job, future in missing:
            part = future.result()
            self._store(key, part)
            results[index] = part
            LAST_RUN.rendered.append(job.label)
            bar.advance()
        return [results[index] for index in sorted(results)]

    def _submit(self, job: Job) -> Future[Part]:
        if self.workers <= 1:
            done: Future[Part] = Future()
            done.set_result(with_stack_room(lay_out, job))
            return done
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.workers)
        return self.pool.submit(with_stack_room, lay_out, job)


def _part(meta: Any, pdf: bytes) -> Part:
    """A cached part from its PDF and the meta `_store` wrote; ValueError when they do not match."""
    if type(meta) is not dict or meta.keys() != {"sha256", "pages", "folios", "anchors"}:
        raise ValueError("not a part's meta")
    if meta["sha256"] != hashlib.sha256(pdf).hexdigest():  # a torn write, or PDF and meta from two builds
        raise ValueError("the PDF is not the one the meta describes")
    pages, folios, anchors = meta["pages"], meta["folios"], meta["anchors"]
    if type(pages) is not int or pages < 0 or type(folios) is not list or type(anchors) is not list:
        raise ValueError("not a part's meta")
    if len(folios) not in (0, pages) or not all(type(f) is bool for f in folios):
        raise ValueError("not a part's folios")
    if not all(
        type(a) is list and len(a) == 2 and type(a[0]) is str and type(a[1]) is int and 0 <= a[1] < pages
        for a in anchors
    ):
        raise ValueError("not a part's anchors")
    return Part(pdf, pages, tuple(folios), tuple((name, index) for name, index in anchors))


def _warm_up() -> None:
    """A worker's first import of WeasyPrint (~0.5 s), done before its first part arrives.

    Then the objects the imports made are frozen out of the garbage collector's sight: the full
    collection after each part (_release_memory) need not walk them again, which halves its cost.
    """
    import gc

    import weasyprint
    import weasyprint.text.fonts  # noqa: F401

    gc.freeze()


def fonts_digest(paths: list[Path]) -> str:
    """Font files outside this project (system fallbacks) by name, size and time; styles/ is in the code."""
    stamps = []
    for path in sorted(paths):
        try:
            stat = path.stat()
            stamps.append([str(path), stat.st_size, stat.st_mtime_ns])
        except OSError:
            stamps.append([str(path), -1, 0])
    return digest(json.dumps(stamps))
