"""Reader for the web-novel site's chapter export (see shared/FORMAT.md): bytes → Chapter with locations."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from book.diagnostics import Reporter
from book.ir import (
    Block,
    Chapter,
    Inline,
    Note,
    NoteRef,
    Paragraph,
    SceneBreak,
    SectionHeading,
    SourceLocation,
    StripReport,
    Text,
)

# `035 - Siberian War of Independence - 8`: number, separator, title (the separator may be a dash,
# an en/em dash, a colon or a dot; a bare number is a chapter without a title).
TITLE_RE = re.compile(r"^\s*(\d{1,6})\s*(?:[-–—:.]\s*(.*?))?\s*$")
# A title ending in ` - N` is part N of an arc.
ARC_RE = re.compile(r"^(.*?\S)\s+[-–—]\s+(\d{1,4})$")
STATS_RE = re.compile(r"^\s*\d[\d.,]*[KkMm]?\s+\d[\d.,]*[KkMm]?\s+\d[\d.,]*[KkMm]?\s*$")
SCENE_BREAK_RE = re.compile(r"^\s*(?:\.\s*\.\s*\.|\*\s*\*\s*\*|⁂|#)\s*$")
NOTES_SEPARATOR_RE = re.compile(r"^\s*~{3,}\s*$")
NOTES_HEADING_RE = re.compile(r"^\s*(?:notes?|footnotes?|author'?s? notes?|t/?n)\s*:?\s*$", re.I)
NOTE_DEFINITION_RE = re.compile(r"^\s*\*(\d{1,6})\s*[:：]\s*")
NOTE_MARKER_RE = re.compile(r"\*(\d{1,6})")
SLOGAN_RE = re.compile(r"^(.*?)\s*Where stories live\.?\s*Discover now\.?\s*$")
# Characters XML 1.0 forbids or discourages (C0/C1 controls, non-characters): no EPUB reader should
# see them. Tab is allowed and kept.
FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# A section heading is a short line; sentences end with one of these.
SENTENCE_END = tuple(".!?…,;:\"'”’»」』")
MAX_HEADING_CHARS = 120


def decode(data: bytes, shown: str, reporter: Reporter) -> str | None:
    """UTF-8 (with or without BOM) → text with `\\n` line ends; report where invalid bytes are."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        # Editors count characters, not bytes: decode what precedes the bad byte on its line.
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        reporter.report(
            "R001",
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start + bom} of the file "
            f"(save the file as UTF-8)",
            SourceLocation(shown, line, column),
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(line: str, shown: str, number: int, counts: Counter[str], reporter: Reporter) -> str:
    """Remove characters no XML document may hold, reporting the first of each line."""
    match = FORBIDDEN_RE.search(line)
    if not match:
        return line
    removed = len(FORBIDDEN_RE.findall(line))
    counts["control_characters"] += removed
    reporter.report(
        "R004",
        f"removed {removed} control character{'s' * (removed != 1)} (first: U+{ord(match.group()):04X})",
        SourceLocation(shown, number, match.start() + 1),
    )
    # A control character that is whitespace (vertical tab, form feed, NEL...) separates words:
    # keep them apart. Any other one (NUL, BEL...) is dropped where it stands.
    return FORBIDDEN_RE.sub(lambda m: " " if m.group().isspace() else "", line)


def parse_inlines(text: str, shown: str, line: int, column: int = 1) -> tuple[Inline, ...]:
    """Split a paragraph at `*N` markers; the space before a marker goes with it (`word, *1 and`)."""
    inlines: list[Inline] = []
    pos = 0
    for match in NOTE_MARKER_RE.finditer(text):
        start = match.start()
        before = text[pos:start]
        # `brigades, *1 and` reads `brigades,¹ and`: a marker set off by a space sits on the word.
        if before.endswith(" ") and before.strip():
            before = before.rstrip(" ")
        if before:
            inlines.append(Text(before))
        inlines.append(NoteRef(int(match[1]), SourceLocation(shown, line, column + start)))
        pos = match.end()
    rest = text[pos:]
    if inlines and isinstance(inlines[-1], NoteRef) and not rest.strip():
        rest = ""
    if rest:
        inlines.append(Text(rest))
    return tuple(inlines)


def _next_content(lines: list[str], index: int) -> str | None:
    """The next non-blank line after `index`, or None at the end of the file."""
    return next((line for line in lines[index + 1 :] if line.strip()), None)


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= MAX_HEADING_CHARS
        and not stripped.endswith(SENTENCE_END)
        and not NOTE_MARKER_RE.search(stripped)
        and not NOTE_DEFINITION_RE.match(stripped)
    )


def read_chapter(data: bytes, shown: str, reporter: Reporter) -> Chapter | None:
    """Parse one chapter file. Problems go to `reporter`; None when the file cannot be a chapter."""
    sha = hashlib.sha256(data).hexdigest()
    text = decode(data, shown, reporter)
    if text is None:
        return None
    counts: Counter[str] = Counter()  # keys: the StripReport field names
    lines = [_clean(line, shown, i, counts, reporter) for i, line in enumerate(text.split("\n"), 1)]
    if not any(line.strip() for line in lines):
        reporter.report(
            "R002",
            "the file is empty (no text, only blanks or control characters)",
            SourceLocation(shown, 1, 1),
        )
        return None

    first = next(i for i, line in enumerate(lines) if line.strip())
    title_match = TITLE_RE.match(lines[first])
    if not title_match:
        reporter.report(
            "R003",
            f"the first line should be the chapter number and title, like '035 - Title'; "
            f"found {lines[first].strip()[:60]!r}",
            SourceLocation(shown, first + 1, 1),
        )
        return None
    number = int(title_match[1])
    title = (title_match[2] or "").strip()
    arc_match = ARC_RE.match(title)
    arc, part = (arc_match[1], int(arc_match[2])) if arc_match else (None, None)

    # The trailer: the last non-blank line, the book's title glued to the site's slogan.
    trailer_title: str | None = None
    last = max(i for i, line in enumerate(lines) if line.strip())
    if last > first:
        slogan = SLOGAN_RE.match(lines[last])
        if slogan:
            counts["trailers"] += 1
            trailer_title = slogan[1].strip() or None
            lines[last] = ""

    blocks: list[Block] = []
    notes: list[Note] = []
    in_header = True  # between the title line and the first paragraph: stats and padding live here
    in_notes = False
    after_break = False
    heading_count = 0

    for index in range(first + 1, len(lines)):
        line = lines[index]
        number_1 = index + 1
        loc = SourceLocation(shown, number_1, 1)
        if not line.strip():
            if line:
                counts["padding_lines"] += 1
            continue
        if in_header and STATS_RE.match(line):
            counts["stats_lines"] += 1
            continue
        in_header = False
        if NOTES_SEPARATOR_RE.match(line):
            upcoming = _next_content(lines, index)
            if (
                in_notes
                or upcoming is None
                or NOTES_HEADING_RE.match(upcoming)
                or NOTE_DEFINITION_RE.match(upcoming)
            ):
                counts["notes_separators"] += 1
                in_notes = True
                after_break = False
                continue
            # Tildes with more text after them: the author's own divider, kept as a scene break.
            blocks.append(SceneBreak(loc))
            after_break = True
            continue
        if not notes and NOTES_HEADING_RE.match(line):
            upcoming = _next_content(lines, index)
            # `Notes` heads the notes block after tildes, or right before the first definition.
            if in_notes or (upcoming is not None and NOTE_DEFINITION_RE.match(upcoming)):
                counts["notes_headings"] += 1
                in_notes = True
                continue
        definition = NOTE_DEFINITION_RE.match(line)
        if definition:
            in_notes = True  # a definition without a separator still starts the notes block
            body = line[definition.end() :].rstrip()
            inlines = (Text(body),) if body else ()
            notes.append(Note(int(definition[1]), (inlines,) if inlines else (), loc))
            continue
        if in_notes:
            if notes:
                # A paragraph inside the notes block continues the note above it.
                prev = notes[-1]
                notes[-1] = Note(prev.marker, (*prev.paragraphs, (Text(line.strip()),)), prev.location)
                continue
            in_notes = False  # tildes inside the text, with no notes after them
        if SCENE_BREAK_RE.match(line):
            blocks.append(SceneBreak(loc))
            after_break = True
            continue
        if after_break and _is_heading(line):
            heading_count += 1
            blocks.append(SectionHeading(line.strip(), f"chapter-{number:03d}-s{heading_count}", loc))
            after_break = False
            continue
        after_break = False
        stripped = line.strip()
        column = len(line) - len(line.lstrip()) + 1
        blocks.append(Paragraph(parse_inlines(stripped, shown, number_1, column), loc))

    return Chapter(
        number=number,
        title=title,
        arc=arc,
        part=part,
        blocks=tuple(blocks),
        notes=tuple(notes),
        location=SourceLocation(shown, first + 1, 1),
        sha256=sha,
        strip=StripReport(**counts),
        trailer_title=trailer_title,
    )
