"""Fonts for print: the committed text face, fallback faces found via fontconfig, and glyph coverage."""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from book.resources import style_path

# The text face, committed with its licence (styles/fonts/OFL.txt): EB Garamond covers Latin,
# Greek and Cyrillic, with real italics, small caps and old-style figures.
TEXT_FAMILY = "Book Text"
TEXT_FACES: tuple[tuple[str, str], ...] = (
    ("normal", "EBGaramond12-Regular.otf"),
    ("italic", "EBGaramond12-Italic.otf"),
)

# Tried in order for characters the text face lacks (Japanese era names, Chinese place names).
# A CJK face is tens of megabytes, so it is found on the system via fontconfig, never committed.
DEFAULT_FALLBACKS: tuple[str, ...] = ("Noto Serif CJK JP", "Noto Sans CJK JP", "Noto Serif")
FONT_SUFFIXES = (".otf", ".ttf", ".ttc", ".woff", ".woff2")


@dataclass(frozen=True)
class Face:
    """One font the PDF may use: a CSS family name, its file, and whether the CSS must load it."""

    family: str
    path: Path
    index: int = 0
    style: str = "normal"
    font_face: bool = False  # True: declared with @font-face (served by the URL fetcher)


def text_faces(source_dir: Path | None = None) -> list[Face]:
    """The text face (regular and italic), always declared with @font-face: the package's, or the
    user's styles/fonts/ file of the same name."""
    return [
        Face(TEXT_FAMILY, style_path(f"fonts/{name}", source_dir), 0, style, True)
        for style, name in TEXT_FACES
    ]


def fontconfig_face(family: str) -> Face | None:
    """The regular face of `family` as fontconfig knows it on this machine, or None."""
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{style[0]}\t%{index}\t%{file}\n", f":family={family}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    rows = sorted(line.split("\t", 2) for line in out.splitlines() if line.count("\t") == 2)
    if not rows:
        return None
    regular = [r for r in rows if r[0].lower() in ("regular", "book", "normal", "roman")]
    _style, index, file = (regular or rows)[0]
    return Face(family, Path(file), int(index or 0))


def resolve_fallbacks(names: tuple[str, ...], source_dir: Path) -> tuple[list[Face], list[str]]:
    """Fallback faces for the configured names (family names, or font files in the source folder).

    Returns the faces found and the names that could not be found.
    """
    found: list[Face] = []
    missing: list[str] = []
    for position, name in enumerate(names or DEFAULT_FALLBACKS):
        if name.lower().endswith(FONT_SUFFIXES):
            path = (source_dir / name).resolve()
            if path.is_file() and path.is_relative_to(source_dir.resolve()):
                found.append(Face(f"Book Fallback {position + 1}", path, 0, "normal", True))
            else:
                missing.append(name)
            continue
        face = fontconfig_face(name)
        if face is None:
            missing.append(name)
        else:
            found.append(face)
    return found, missing


@functools.lru_cache(maxsize=32)
def _cmap(path: Path, index: int) -> frozenset[int]:
    # harfbuzz reads a CJK face's cmap in milliseconds; fontTools takes a tenth of a second.
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(str(path)), index).unicodes)


def coverage(faces: list[Face]) -> frozenset[int]:
    """Every code point some face in `faces` has a glyph for."""
    points: set[int] = set()
    for face in faces:
        points |= _cmap(face.path, face.index)
    return frozenset(points)


def needs_glyph(char: str) -> bool:
    """False for spaces, line breaks and format controls, which are laid out, not drawn."""
    return unicodedata.category(char)[0] not in ("Z", "C")


def font_stack(fallbacks: list[Face]) -> str:
    """The CSS font-family value: the text face, then each fallback."""
    families = [TEXT_FAMILY, *(f.family for f in fallbacks)]
    return ", ".join(f'"{name}"' for name in families)
