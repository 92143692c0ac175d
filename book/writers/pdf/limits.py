"""The printer's page range, enforced by `make pdf`: no interior a printer would refuse is written."""

from __future__ import annotations

from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book, SourceLocation
from book.printing.pages import page_model
from book.writers.pdf.plan import PrintSetup

# Refuse before laying out only a book whose page estimate is this far past the maximum: the
# estimate errs long by a few per cent, so such a book cannot fit, and laying out 2,000 pages
# only to refuse them would cost a minute.
HOPELESS = 1.25


def _what(book: Book) -> str:
    series = book.metadata.series
    first, last = book.chapters[0].number, book.chapters[-1].number
    if series is None:
        return f"the book ({len(book.chapters)} chapters)"
    return f"volume {series.position} (chapters {first}-{last})"


def _where(config: Config) -> SourceLocation | None:
    return (
        config.location("volumes")
        or config.location("print.profile")
        or config.location("print.binding")
        or config.location("print.paper")
        or config.location("print")
        or (SourceLocation(str(config.path)) if config.path else None)
    )


def _advice(book: Book) -> str:
    if book.metadata.series is None:
        return "split it into volumes with 'volumes: auto' in book.yaml"
    return "give it fewer chapters in book.yaml's volumes: list, or use 'volumes: auto'"


def fits_estimate(book: Book, config: Config, setup: PrintSetup, reporter: Reporter) -> bool:
    """P020 before any layout when the book is far too long for the printer; True otherwise."""
    limits = setup.limits
    if not book.chapters:
        return True
    estimate = page_model(setup.trim, limits.maximum).book_pages(list(book.chapters))
    if estimate <= limits.maximum * HOPELESS:
        return True
    reporter.report(
        "P020",
        f"{_what(book)} would have about {estimate:,} pages; {setup.printer} takes at most "
        f"{limits.maximum} ({limits.source}); {_advice(book)}",
        _where(config),
    )
    return False


def fits(book: Book, config: Config, setup: PrintSetup, pages: int, reporter: Reporter) -> bool:
    """P020 when the laid-out interior has more pages than the printer takes; True otherwise.

    Fewer pages than the minimum never happen: the layout pads the book with blank pages.
    """
    limits = setup.limits
    if pages <= limits.maximum or not book.chapters:
        return True
    reporter.report(
        "P020",
        f"{_what(book)} has {pages:,} pages; {setup.printer} takes at most {limits.maximum} "
        f"({limits.source}); {_advice(book)}",
        _where(config),
    )
    return False
