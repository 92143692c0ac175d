"""Diagnostics: the table of codes, one Diagnostic type, and a Reporter that collects then halts."""

from __future__ import annotations

import enum
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from book import codequality
from book.ir import SourceLocation


class Severity(enum.IntEnum):
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


# Every code the pipeline can emit: (default severity, one-line summary). Codes are stable:
# never reuse a retired one. docs/diagnostics.md is generated from this table.
CODES: dict[str, tuple[Severity, str]] = {
    # usage and configuration (exit code 2)
    "U001": (Severity.ERROR, "the source folder does not exist"),
    "U002": (Severity.ERROR, "SOURCE_DATE_EPOCH is set but is not a whole number of seconds"),
    "C001": (Severity.ERROR, "book.yaml is not valid YAML"),
    "C002": (Severity.ERROR, "book.yaml has a key this tool does not know"),
    "C003": (Severity.ERROR, "a book.yaml value has the wrong type or an invalid value"),
    "C004": (Severity.ERROR, "a path in book.yaml points outside the source folder"),
    "C005": (Severity.ERROR, "a file named in book.yaml does not exist"),
    # the book's language: labels, chapter names, typography, hyphenation
    "L001": (Severity.WARNING, "the book's language has no labels; its own words are in English"),
    "L002": (Severity.ERROR, "book.yaml's labels: names a label this tool does not know"),
    "L003": (Severity.ERROR, "a label in book.yaml is not a text, or uses a placeholder it cannot"),
    "L004": (Severity.ERROR, "language: is not a valid BCP 47 language tag"),
    "L005": (Severity.WARNING, "no hyphenation dictionary for the book's language; print is not hyphenated"),
    "L006": (Severity.ERROR, "book.yaml's naming: has an unknown arc style or a bad arc title"),
    "L007": (Severity.ERROR, "an entry of book.yaml's elisions: is not an elision like 'em"),
    # reading chapter files
    "R001": (Severity.ERROR, "a chapter file is not valid UTF-8"),
    "R002": (Severity.ERROR, "a chapter file is empty"),
    "R003": (Severity.ERROR, "a chapter file has no title line (`NNN - Title`)"),
    "R004": (Severity.WARNING, "a control character was removed from the text"),
    "R005": (Severity.ERROR, "a chapter file cannot be read"),
    # the manifest: which chapters, in which order
    "M001": (Severity.ERROR, "two files have the same chapter number"),
    "M002": (Severity.WARNING, "chapter numbers have a gap"),
    "M003": (Severity.ERROR, "the source folder holds no chapter files"),
    "M004": (Severity.WARNING, "a known gap in book.yaml is not missing"),
    # notes
    "N001": (Severity.ERROR, "a note marker has no definition in its chapter"),
    "N002": (Severity.WARNING, "a note definition is never referenced"),
    "N003": (Severity.ERROR, "a note number is defined twice in one chapter"),
    "N004": (Severity.WARNING, "a note definition is empty"),
    # EPUB backend and its validators (book/writers/epub.py, book/check/epub.py)
    "E001": (Severity.ERROR, "EPUBCheck reported a fatal error or an error"),
    "E002": (Severity.ERROR, "EPUBCheck reported a warning (warnings fail the build)"),
    "E003": (Severity.ERROR, "DAISY Ace reported an accessibility violation"),
    "E004": (Severity.ERROR, "a validator could not run"),
    "E005": (Severity.WARNING, "DAISY Ace was skipped (node or Ace not installed; `make tools`)"),
    "E006": (Severity.ERROR, "the cover image cannot be used"),
    "E007": (Severity.ERROR, "there is no built EPUB to check"),
    # PDF backend and its print preflight (book/writers/pdf.py, book/check/pdf.py)
    # devices: Kindle/Kobo/Apple rules, the kepub, azw3, the OPDS catalog and its server
    "D001": (Severity.ERROR, "there is no built book for the OPDS catalog to list"),
    "D002": (Severity.ERROR, "`book serve` has no OPDS catalog to serve"),
    "D003": (Severity.ERROR, "`book serve` cannot listen on the port"),
    "D004": (Severity.ERROR, "the cover is not JPEG or PNG, which stores require"),
    "D005": (Severity.ERROR, "the cover has transparent pixels"),
    "D006": (Severity.ERROR, "the cover is smaller than 1000×625 px or larger than 10,000 px on a side"),
    "D007": (Severity.WARNING, "the cover is below the recommended 1600×2560 px or off the 1.6:1 ratio"),
    "D008": (Severity.WARNING, "the book has no author"),
    "D009": (Severity.WARNING, "the book's language is not one Kindle accepts"),
    "D010": (Severity.WARNING, "the EPUB is over 50 MB, Send to Kindle's e-mail limit"),
    "D011": (Severity.ERROR, "`book azw3` needs calibre's ebook-convert, which is not installed"),
    "D012": (Severity.ERROR, "calibre's ebook-convert failed"),
    "P001": (Severity.ERROR, "a font is not embedded in the PDF"),
    "P002": (Severity.ERROR, "a page's size is not the trim size (plus bleed)"),
    "P003": (Severity.ERROR, "a page has no TrimBox or BleedBox"),
    "P004": (Severity.ERROR, "the page count is outside the print profile's limits"),
    "P005": (Severity.ERROR, "text lies outside the required margins"),
    "P006": (Severity.ERROR, "more than two consecutive blank pages"),
    "P007": (Severity.ERROR, "text is smaller than 7 pt"),
    "P008": (Severity.ERROR, "RGB colour in an interior that must be grayscale/K only"),
    "P009": (Severity.ERROR, "the PDF has no outline (bookmarks)"),
    "P010": (Severity.ERROR, "a character has no glyph in any configured font"),
    "P012": (Severity.ERROR, "there is no built PDF to check"),
    "P013": (Severity.WARNING, "a font named in print.fallback_fonts was not found"),
    "P014": (Severity.ERROR, "a paragraph is too long to typeset"),
    "P015": (Severity.ERROR, "the margins could not be measured (pdftotext missing or failed)"),
    "P020": (Severity.ERROR, "the print interior (a book or a volume) has more pages than the printer takes"),
    # `book new`: starting a book repository (exit code 2)
    "B001": (Severity.ERROR, "`book new` was given a file, not a folder"),
    "B002": (Severity.ERROR, "`book new` was given a folder that is not empty (without --force)"),
    "B003": (Severity.ERROR, "`book new`: the title has no letter or digit to name the book's files by"),
    "B004": (Severity.ERROR, "`book new`: --language is not a BCP 47 language tag"),
    "B005": (Severity.WARNING, "`book new --force` replaced a file that was already there"),
    "B006": (Severity.ERROR, "`book new` could not write the book's files"),
    "B007": (Severity.ERROR, "`book new`: --title or --author is empty or holds a control character"),
    "B008": (Severity.ERROR, "`book new --force`: a file or folder is in the way of one the book needs"),
    "B009": (Severity.ERROR, "BOOK_OPDS_BASE_URL (the catalog's download location) is not an http(s) URL"),
    # print cover (book/writers/cover/, book/check/cover.py)
    "W001": (Severity.ERROR, "hardcover covers are not made (no published case-wrap and hinge figures)"),
    "W002": (Severity.ERROR, "the printer's paper thickness for this paper is not known"),
    "W004": (Severity.ERROR, "the print interior cannot be read to count its pages"),
    "W005": (Severity.ERROR, "the cover image is not a readable image"),
    "W006": (Severity.WARNING, "the cover image prints under 300 dpi on the front"),
    "W007": (Severity.ERROR, "the description is too long for the back cover"),
    "W008": (Severity.WARNING, "the spine is too narrow or short for all of its text"),
    "W010": (Severity.ERROR, "the cover's size does not match the interior's page count and paper"),
    "W011": (Severity.ERROR, "a font is not embedded in the cover"),
    "W012": (Severity.ERROR, "text in the cover's barcode area"),
    "W013": (Severity.ERROR, "text within 0.125 in of the cover's trim"),
    "W014": (Severity.ERROR, "text within 0.0625 in of a spine fold"),
    "W015": (Severity.ERROR, "spine text on a book under 79 pages"),
    "W016": (Severity.ERROR, "transparency (soft mask, group or alpha) in the cover"),
    "W017": (Severity.ERROR, "the cover PDF cannot be read or is not one page"),
    # volumes (book.yaml `volumes:`)
    "V001": (Severity.ERROR, "a `volumes:` value or entry has the wrong type or an unknown key"),
    "V002": (Severity.ERROR, "a volume's chapter range is not a range (`120-1`, `abc`)"),
    "V003": (Severity.ERROR, "a volume has no chapters"),
    "V004": (Severity.ERROR, "a volume names an arc that no chapter belongs to"),
    "V005": (Severity.ERROR, "two volumes share a chapter"),
    "V006": (Severity.ERROR, "volumes leave a gap between ranges or are not in reading order"),
    "V007": (Severity.ERROR, "chapters are in no volume"),
    "V008": (Severity.ERROR, "with `volumes: auto`, a chapter alone is longer than a volume may be"),
}

# Codes no longer emitted, and what replaced them: never given a new meaning.
RETIRED: dict[str, str] = {
    "P011": "an unknown print.trim is C003, reported with the rest of book.yaml",
}

# Codes whose errors mean the command was called or configured wrongly (exit 2), not a bad book (exit 1).
USAGE_PREFIXES = ("U", "C", "B", "L")


@dataclass(frozen=True)
class Diagnostic:
    """One problem, with where it is."""

    code: str
    severity: Severity
    message: str
    location: SourceLocation | None = None

    def format(self) -> str:
        """One line, always: a line break in a file name or in the message is shown escaped."""
        where = f"{self.location}: " if self.location else ""
        return one_line(f"{where}{self.severity}[{self.code}]: {self.message}")

    def as_dict(self) -> dict[str, object]:
        loc = self.location
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "file": loc.path if loc else None,
            "line": loc.line if loc and loc.line else None,
            "column": loc.column if loc and loc.column else None,
        }

    @classmethod
    def from_dict(cls, data: object) -> Diagnostic:
        """The diagnostic `as_dict` gave as `data` (from the build cache); ValueError for anything else."""
        if not isinstance(data, dict) or data.keys() != _DICT_KEYS:
            raise ValueError(f"not a diagnostic: {data!r:.60}")
        code, severity, message, path, line, column = (data[key] for key in _DICT_KEYS_ORDER)
        if not (isinstance(code, str) and code in CODES and isinstance(message, str)):
            raise ValueError(f"not a diagnostic: {data!r:.60}")
        if severity not in _SEVERITIES:
            raise ValueError(f"not a severity: {severity!r:.60}")
        location = None
        if path is not None:
            if not isinstance(path, str) or not all(n is None or type(n) is int for n in (line, column)):
                raise ValueError(f"not a location: {data!r:.60}")
            location = SourceLocation(path, line or 0, column or 0)
        return cls(code, _SEVERITIES[severity], message, location)

    def github_annotation(self) -> str:
        """A GitHub Actions workflow command, escaped as the runner expects."""
        command = "error" if self.severity == Severity.ERROR else "warning"
        props = [("title", self.code)]
        if self.location:
            props.insert(0, ("file", self.location.path))
            if self.location.line:
                props.insert(1, ("line", str(self.location.line)))
                if self.location.column:
                    props.insert(2, ("col", str(self.location.column)))
        joined = ",".join(f"{key}={_escape(value, property_value=True)}" for key, value in props)
        return f"::{command} {joined}::{_escape(self.message)}"


# Characters that end a line in a terminal or an editor: a diagnostic must stay on one line.
LINE_BREAKS_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAK_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters (not tabs) written as escapes: \\n, \\x0b."""
    return LINE_BREAKS_RE.sub(
        lambda m: LINE_BREAK_ESCAPES.get(m.group()) or m.group().encode("unicode_escape").decode("ascii"),
        text,
    )


_DICT_KEYS_ORDER = ("code", "severity", "message", "file", "line", "column")
_DICT_KEYS = set(_DICT_KEYS_ORDER)
_SEVERITIES = {str(severity): severity for severity in Severity}


def _escape(text: str, property_value: bool = False) -> str:
    """The runner's escaping: %, CR and LF everywhere; also `:` and `,` inside property values."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


class HaltBuild(Exception):
    """Raised by Reporter.halt_if_errors after a stage found at least one error."""


def display_path(path: Path | str) -> str:
    """A path relative to the working directory when it lies below it, as compilers print them."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class Reporter:
    """Collects every diagnostic of a stage; `halt_if_errors` stops the pipeline only after all are in."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, message: str, location: SourceLocation | None = None) -> Diagnostic:
        severity = CODES[code][0]
        if self.strict and severity == Severity.WARNING:
            severity = Severity.ERROR
        diagnostic = Diagnostic(code, severity, message, location)
        self.diagnostics.append(diagnostic)
        return diagnostic

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            severity = d.severity
            if self.strict and severity == Severity.WARNING:
                severity = Severity.ERROR
            self.diagnostics.append(Diagnostic(d.code, severity, d.message, d.location))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]

    def halt_if_errors(self) -> None:
        if self.errors:
            raise HaltBuild()

    def exit_code(self) -> int:
        if not self.errors:
            return 0
        if any(d.code.startswith(USAGE_PREFIXES) for d in self.errors):
            return 2
        return 1

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"

    def emit(self, stream: TextIO | None = None, fmt: str = "text") -> None:
        """Print every diagnostic (sorted by file and line) and, in text form, a summary line."""
        out = stream or sys.stderr
        ordered = sorted(
            self.diagnostics,
            key=lambda d: (d.location or SourceLocation(""), -d.severity, d.code),
        )
        if fmt == "json":
            json.dump(
                {
                    "diagnostics": [d.as_dict() for d in ordered],
                    "errors": len(self.errors),
                    "warnings": len(self.warnings),
                },
                out,
                indent=1,
                ensure_ascii=False,
            )
            out.write("\n")
        else:
            for d in ordered:
                out.write(d.format() + "\n")
            if self.diagnostics:
                out.write(self.summary() + "\n")
        report = os.environ.get(codequality.REPORT_ENV)
        if report:
            codequality.append(Path(report), (d.as_dict() for d in ordered))
        if os.environ.get("GITHUB_ACTIONS") == "true":
            # Annotations go to stdout, where the Actions runner reads workflow commands.
            for d in ordered:
                sys.stdout.write(d.github_annotation() + "\n")


def codes_markdown() -> str:
    """The table of codes as Markdown, the source of docs/diagnostics.md."""
    rows = [
        "# Diagnostic codes",
        "",
        "Printed as `path:line:col: severity[CODE]: message`. `--strict` makes warnings errors.",
        "Exit codes: 0 success, 1 the book has errors, 2 bad usage or configuration (U, C, B, L codes),",
        "3 an internal error (a bug: please report it).",
        "",
        "| code | severity | meaning |",
        "| --- | --- | --- |",
    ]
    rows += [f"| {code} | {sev} | {text} |" for code, (sev, text) in CODES.items()]
    rows += ["", "Retired codes, never reused:", ""]
    rows += [f"- {code}: {why}" for code, why in RETIRED.items()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    # `python -m book.diagnostics > docs/diagnostics.md` regenerates the docs table.
    sys.stdout.write(codes_markdown())
