"""The built interior → a full-wrap print cover, a guides template and every dimension as JSON.

`book cover` builds the interior when it is not up to date, counts its pages, and for each
interior (the book; one per volume once volumes exist) writes BUILD/<stem>.cover.pdf (one page at
the printer's exact size), BUILD/<stem>.cover-template.pdf and BUILD/<stem>.cover.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf

from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation
from book.naming import book_labels
from book.output import atomic_path, atomic_write, book_path, volume_suffix
from book.printing.cover import CoverGeometry, Interior, cover_geometry, cover_setup, interiors
from book.writers.cover import render
from book.writers.cover.fit import description_overflow, fit_spine
from book.writers.cover.front import MIN_DPI, FrontError, FrontImage, front_image


def ensure_interior(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> bool:
    """Build the interior (the book's, or this volume's) unless the last `book pdf` of these very
    inputs left it in place: the same records `book pdf` keeps (book/buildkey.py, volume_build.py)."""
    from book import buildkey
    from book.volume_build import volume_key
    from book.writers.pdf import build_pdf

    meta = book.metadata
    target = book_path(meta, build_dir, "pdf")
    name = "pdf" + volume_suffix(meta)
    if meta.series is None:
        key = buildkey.fingerprint("pdf", config.source_dir, reporter.strict)
    else:
        key = volume_key("pdf", book, config, reporter.strict)
    if key is not None and target.is_file() and buildkey.lookup(build_dir, name, key) is not None:
        return True
    before = len(reporter.diagnostics)
    written = build_pdf(book, config, build_dir, reporter)
    if not written or reporter.errors:
        return False
    for path in written:
        print(f"wrote {display_path(path)}")
    if key is not None:
        buildkey.store(
            build_dir,
            name,
            key,
            written,
            reporter.diagnostics[before:] if meta.series else reporter.diagnostics,
        )
    return True


def page_count(interior: Interior, reporter: Reporter) -> int | None:
    """The interior's real page count (padding included), read from the built PDF."""
    try:
        with pikepdf.open(interior.pdf) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, OSError) as exc:
        shown = display_path(interior.pdf)
        reporter.report("W004", f"cannot count the pages of '{shown}': {exc}", SourceLocation(shown))
        return None


def build_cover(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """`book cover`: for each interior, the cover PDF, its guides template and its JSON."""
    setup = cover_setup(config, reporter)
    if setup is None or not ensure_interior(book, config, build_dir, reporter):
        return []
    trim, paper = setup
    written: list[Path] = []
    for interior in interiors(book.metadata, build_dir):
        pages = page_count(interior, reporter)
        if pages is not None:
            written += write_cover(book, config, cover_geometry(trim, paper, pages), interior, reporter)
    return written


def _front(config: Config, geometry: CoverGeometry, reporter: Reporter) -> FrontImage | bool | None:
    """The cover image for the front (None: generate one; False: it cannot be used, reported)."""
    if config.cover is None:
        return None
    location = config.location("cover")
    try:
        image = front_image(config.cover, geometry.front_with_bleed)
    except FrontError as exc:
        reporter.report("W005", str(exc), location)
        return False
    if image.dpi < MIN_DPI - 0.5:
        fill = geometry.front_with_bleed
        need = (round(fill.width * MIN_DPI), round(fill.height * MIN_DPI))
        reporter.report(
            "W006",
            f"cover '{config.cover.name}' prints at {image.dpi:.0f} dpi on the front "
            f"({image.width_px} x {image.height_px} px after cropping to the front and its bleed); "
            f"printers want {MIN_DPI} dpi, that is {need[0]} x {need[1]} px",
            location,
        )
    return image


def write_cover(
    book: Book, config: Config, geometry: CoverGeometry, interior: Interior, reporter: Reporter
) -> list[Path]:
    """The three cover files for one interior; none when the cover's inputs have errors."""
    front = _front(config, geometry, reporter)
    if front is False:
        return []
    fonts = render.font_setup(config)
    spine = None
    if geometry.spine_text:
        words = book_labels(book)
        series = book.metadata.series
        parts = [series.title if series else book.metadata.title]
        if book.metadata.authors:
            parts.append(words.get("author_separator").join(book.metadata.authors))
        if interior.volume is not None:
            parts.append(words.get("volume", number=interior.volume))
        safe = geometry.spine_safe
        spine = fit_spine(parts, safe.height, safe.width, fonts.measure)
        if spine is None or spine.dropped:
            left = ", ".join(spine.dropped) if spine else "everything"
            reporter.report(
                "W008",
                f"the spine ({geometry.spine_width:.3f} in for {geometry.pages} pages) is too narrow "
                f"or short for its text at a legible size; left off: {left}",
                config.location("title"),
            )
    back = render.back_text(book, geometry)
    if back is not None:
        html, css = render.description_page(book, back, fonts)
        over = description_overflow(html, css, fonts.fetcher)
        if over is not None:
            reporter.report(
                "W007",
                f"the description is too long for the back cover: {over.words} words do not fit "
                f"(from '{over.first}' on); the back holds about "
                f"{back.box.width:.2f} x {back.box.height:.2f} in of text above the barcode area",
                config.location("description"),
            )
            return []
    image = front.url if isinstance(front, FrontImage) else None
    cover = render.cover_html(book, geometry, fonts, image, spine, back)
    guides = render.guides_html(book, geometry, fonts)
    targets = [interior.cover, interior.template, interior.record]
    for html_text, target in zip((cover, guides), targets, strict=False):
        data = render.to_pdf(html_text, fonts)
        with atomic_path(target) as tmp:
            finish(data, tmp, geometry)
    record = {
        **geometry.data(),
        "interior": interior.pdf.name,
        "volume": interior.volume,
        "cover": targets[0].name,
        "template": targets[1].name,
    }
    atomic_write(targets[2], (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return targets


def finish(data: bytes, target: Path, geometry: CoverGeometry) -> None:
    """Set the TrimBox (the bleed cut off) and BleedBox, and save reproducibly."""
    import io

    bleed = geometry.bleed * 72.0
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.obj.MediaBox]
        page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in media])
        page.obj.TrimBox = pikepdf.Array(
            [round(v, 4) for v in (media[0] + bleed, media[1] + bleed, media[2] - bleed, media[3] - bleed)]
        )
        pdf.save(
            target,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
