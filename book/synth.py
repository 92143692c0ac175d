"""Deterministic synthetic books in the site export format, for tests and the benchmark."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

WORDS = [
    "the",
    "army",
    "front",
    "winter",
    "river",
    "city",
    "council",
    "treaty",
    "division",
    "general",
    "railway",
    "supply",
    "northern",
    "border",
    "village",
    "officer",
    "report",
    "morning",
    "signal",
    "bridge",
    "harbour",
    "telegraph",
    "minister",
    "republic",
    "volunteers",
    "artillery",
    "steppe",
    "forest",
    "province",
    "ceasefire",
    "delegation",
    "negotiation",
    "mountain",
    "convoy",
    "airfield",
    "pilot",
    "engineer",
    "doctor",
    "refugee",
    "market",
    "cathedral",
]
# Names that exercise escaping, non-Latin scripts and quotes.
SPICE = (
    "Khabarovsk",
    "Новосибирск",
    "令和",
    "Ōsaka",
    "AT&T",
    "x < y",
    "a > b",
    '"quoted"',
    "it's",
    "D-Day+48~52",
    "São Paulo",
    "Привет",
    "東京",
    "R&D",
)
ARCS = ("Siberian War of Independence", "The Okhotsk Question", "Winter Offensive", None)
SLOGAN = "Where stories live. Discover now"


@dataclass(frozen=True)
class SynthOptions:
    chapters: int = 10
    words_per_chapter: int = 1800
    notes_per_chapter: int = 3
    seed: int = 1
    title: str = "Synthetic Saga"
    crlf_every: int = 0  # every Nth chapter uses CRLF line ends (0: none)
    bom_every: int = 0  # every Nth chapter starts with a UTF-8 BOM (0: none)
    spice: bool = True  # sprinkle &, <, >, quotes and non-Latin words in


def _sentence(rng: random.Random, spice: bool) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if spice and rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(SPICE))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?"))


def chapter_text(number: int, opts: SynthOptions) -> str:
    """One chapter file's text: title, stats, padding, paragraphs, breaks, headings, notes, trailer."""
    rng = random.Random(opts.seed * 100_003 + number)
    arc = ARCS[(number // 4) % len(ARCS)]
    title = f"{arc} - {number % 4 + 1}" if arc else f"Interlude {number}"
    lines = [
        f"{number:03d} - {title}",
        "",
        f"{rng.randint(10, 9999)} {rng.randint(0, 99)} {rng.randint(0, 9)}",
        " " * 36,
        "",
    ]
    words = 0
    notes_left = opts.notes_per_chapter
    marker = 1
    paragraph_index = 0
    while words < opts.words_per_chapter:
        paragraph_index += 1
        if paragraph_index % 9 == 0:
            lines += [
                ". . .",
                "",
                f"Front Line {paragraph_index // 9} (D-Day+{number + paragraph_index})",
                "",
            ]
        sentences = [_sentence(rng, opts.spice) for _ in range(rng.randint(3, 7))]
        if notes_left and rng.random() < 0.5:
            at = rng.randrange(len(sentences))
            sentences[at] = sentences[at] + rng.choice((f" *{marker}", f"*{marker}"))
            marker += 1
            notes_left -= 1
        paragraph = " ".join(sentences)
        words += len(paragraph.split())
        lines += [paragraph, ""]
    # Any notes not placed yet go into the last paragraph, so every definition is referenced.
    while notes_left:
        lines[-2] += f" *{marker}"
        marker += 1
        notes_left -= 1
    if marker > 1:
        lines += ["~~~~~~~~~~~~~~~~~~~", "", "Notes", ""]
        for n in range(1, marker):
            lines += [f"*{n}: {_sentence(rng, opts.spice)} {_sentence(rng, opts.spice)}", ""]
    lines.append(f"{opts.title}{SLOGAN}")
    return "\n".join(lines)


def write_book(folder: Path, opts: SynthOptions, book_yaml: str | None = None) -> list[Path]:
    """Write a whole synthetic source folder; file names are shuffled so they carry no order."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(opts.seed)
    numbers = list(range(1, opts.chapters + 1))
    rng.shuffle(numbers)
    paths = []
    for index, number in enumerate(numbers):
        text = chapter_text(number, opts)
        if opts.crlf_every and number % opts.crlf_every == 0:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if opts.bom_every and number % opts.bom_every == 0:
            data = b"\xef\xbb\xbf" + data
        path = folder / f"{index:03d}_{rng.getrandbits(64):016x}.txt"
        path.write_bytes(data)
        paths.append(path)
    if book_yaml is None:
        book_yaml = f"title: {opts.title}\nauthor: Test Author\nlanguage: en\n"
    (folder / "book.yaml").write_text(book_yaml, encoding="utf-8")
    return paths


def main() -> None:
    """`python -m book.synth DIR [CHAPTERS]`: write a synthetic book for trying things by hand."""
    import sys

    folder = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    write_book(folder, SynthOptions(chapters=count))
    print(f"wrote {count} chapters to {folder}")


if __name__ == "__main__":
    main()
