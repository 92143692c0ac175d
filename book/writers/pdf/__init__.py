"""IR → print-ready PDF: plan the interior, lay it out with WeasyPrint (whole or in parts), finish it."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

from book import progress
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book
from book.manifest import record_pages
from book.output import atomic_path, book_path
from book.printing.trim import gutter_for, margins_for
from book.writers.pdf import layout
from book.writers.pdf.css import generated_css
from book.writers.pdf.fetch import ConfinedFetcher
from book.writers.pdf.html import has_notes, render_html
from book.writers.pdf.layout import FOLIOS_PER_SHEET, Part, Renderer
from book.writers.pdf.limits import fits, fits_estimate
from book.writers.pdf.merge import merge
from book.writers.pdf.plan import (
    PrintSetup,
    chapter_groups,
    estimate_pages,
    front_job,
    part_jobs,
    parts_salt,
    print_setup,
    report_long_paragraphs,
    report_missing_glyphs,
    sheet_jobs,
)
from book.writers.pdf.post import finish, finish_pdf
from book.writers.pdf.stack_room import with_stack_room

MAX_LAYOUTS = 4  # the gutter band can change the page count, which can change the band...


def _weasyprint_quiet() -> None:
    # WeasyPrint logs refused URLs and unsupported CSS as warnings; the build reports its own.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def whole_flow(book: Book, setup: PrintSetup, pages_guess: int, padding: int) -> tuple[bytes, int]:
    """One WeasyPrint run for a gutter chosen as if the book had `pages_guess` pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    _weasyprint_quiet()
    fetcher = ConfinedFetcher([Path(root) for root in setup.roots])
    font_config = FontConfiguration()
    margins = margins_for(setup.trim, pages_guess)
    css = generated_css(
        setup.trim, margins, setup.faces, setup.fallbacks, setup.profile, setup.bleed, setup.hyphenate
    )
    html = render_html(
        book, [setup.stylesheet.as_uri()], padding=padding, closing_verso=setup.profile == "ingram"
    )
    document = HTML(string=html, base_url=setup.base_url, url_fetcher=fetcher).render(
        font_config=font_config,
        stylesheets=[CSS(string=css, font_config=font_config, url_fetcher=fetcher)],
    )
    # No PDF/X variant: without an embedded CMYK output intent the claim would be false (README).
    data = document.write_pdf(uncompressed_pdf=False, pdf_identifier=False)
    return data, len(document.pages)


def single_flow(book: Book, setup: PrintSetup) -> tuple[bytes, int]:
    """The whole book as one WeasyPrint flow, re-laid while the gutter band changes (BOOK_JOBS=1).

    The reference the part-by-part layout must match, page for page.
    """
    minimum = setup.limits.minimum
    guess, padding = estimate_pages(book, setup.trim), 0
    for _ in range(MAX_LAYOUTS):
        data, pages = with_stack_room(whole_flow, book, setup, guess, padding)
        short = max(0, minimum - pages) if padding == 0 else 0
        if gutter_for(pages) == gutter_for(guess) and not short:
            break
        guess, padding = pages + short, padding + short
    return data, pages


@dataclass(frozen=True)
class Parts:
    """The book laid out part by part: front matter, body parts in order, folio sheets."""

    front: Part
    body: list[Part]
    sheets: list[Part]


# Words per part: each WeasyPrint document costs ~50 ms of fonts, CSS and subsetting on top of its
# pages, so short chapters are laid out a few at a time; an edit re-lays out its whole group.
def parts_layout(book: Book, setup: PrintSetup, renderer: Renderer) -> Parts:
    """The book part by part on the renderer's workers, re-laid while the gutter band changes.

    The folio sheets for the estimated page count are laid out with the body parts, so that no
    core waits; the front matter comes last, when the contents' folios are known.
    """
    minimum = setup.limits.minimum
    guess, padding = estimate_pages(book, setup.trim), 0
    count = len(chapter_groups(book)) + int(has_notes(book))
    with progress.stage("rendering", count + 1) as bar:
        for _ in range(MAX_LAYOUTS):
            margins = margins_for(setup.trim, guess)
            css = generated_css(
                setup.trim, margins, setup.faces, setup.fallbacks, setup.profile, setup.bleed, setup.hyphenate
            )
            early = sheet_jobs(book, setup, css, 1, guess)
            bar.total, bar.done = count + len(early) + 1, 0
            done = renderer.run(itertools.chain(part_jobs(book, setup, css, padding), early), bar)
            body, sheets = done[:count], done[count:]
            folios = sum(part.pages for part in body)
            late = sheet_jobs(book, setup, css, len(sheets) * FOLIOS_PER_SHEET + 1, folios)
            bar.total += len(late)
            front, *more = renderer.run([front_job(book, setup, css, body), *late], bar)
            sheets = (sheets + more)[: -(-folios // FOLIOS_PER_SHEET)]
            pages = front.pages + folios
            short = max(0, minimum - pages) if padding == 0 else 0
            if gutter_for(pages) == gutter_for(guess) and not short:
                break
            guess, padding = pages + short, padding + short
    return Parts(front, body, sheets)


def build_pdf(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """`book pdf`: lay the book out, re-laying it while the gutter band changes; write atomically.

    With more than one worker (BOOK_JOBS, else the cores) the parts are laid out in parallel and
    cached under BUILD/.cache; BOOK_JOBS=1 lays the book out as one flow, the reference.
    """
    setup = print_setup(config, reporter)
    if not report_long_paragraphs(book, reporter) or not fits_estimate(book, config, setup, reporter):
        return []
    target = book_path(book.metadata, build_dir, "pdf")
    first_body = book.chapters[0].id if book.chapters else ""
    options = {
        "bleed": setup.bleed,
        "pure_k": setup.profile == "ingram",
        "crop_marks": setup.profile == "proof",
        "first_body": first_body,
    }
    workers = layout.jobs()
    if workers == 1 or not book.chapters:
        if not report_missing_glyphs(book, config, setup, reporter):
            return []
        data, pages = single_flow(book, setup)
        if not fits(book, config, setup, pages, reporter):
            return []
        with atomic_path(target) as tmp:
            finish(data, tmp, **options)  # type: ignore[arg-type]
        record_pages(build_dir, book, config.print, pages)
        return [target]
    with Renderer(build_dir, parts_salt(setup), workers) as renderer:
        # The glyph check runs while the workers start up and import WeasyPrint.
        if not report_missing_glyphs(book, config, setup, reporter):
            return []
        laid_out = parts_layout(book, setup, renderer)
    pages = laid_out.front.pages + sum(part.pages for part in laid_out.body)
    if not fits(book, config, setup, pages, reporter):
        return []
    joined, sources = merge(
        laid_out.front.pdf,
        [part.pdf for part in laid_out.body],
        [part.folios for part in laid_out.body],
        [sheet.pdf for sheet in laid_out.sheets],
        setup.faces + setup.fallbacks,
    )
    try:
        with atomic_path(target) as tmp:
            finish_pdf(joined, tmp, **options)  # type: ignore[arg-type]
    finally:
        for source in [joined, *sources]:
            source.close()
    record_pages(build_dir, book, config.print, pages)
    return [target]
