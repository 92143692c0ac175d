"""The package's own files (styles, fonts, templates), each overridable by the user's `styles/` folder."""

from __future__ import annotations

from pathlib import Path

# Where the package keeps its defaults. A wheel installs them as regular files, so a real path
# (which WeasyPrint's fetcher and fontTools need) is always available; zip imports are not supported.
# This module's own folder: what importlib.resources.files("book") gives, without importing it.
PACKAGE_DIR = Path(__file__).parent
STYLES_DIR = PACKAGE_DIR / "styles"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# The setup scripts of this project's CI (symlinks to .ci/ in the repository, real files once installed),
# which the CI workflow of a book made by `book new` runs to install the validators the same way.
SETUP_DIR = PACKAGE_DIR / "setup"
# The user's overrides: a `styles/` folder beside the source folder (the book repository's own).
USER_STYLES = "styles"


def user_styles_dir(source_dir: Path) -> Path:
    """The folder whose files override the package's styles for the book in `source_dir`."""
    return source_dir.resolve().parent / USER_STYLES


def style_path(name: str, source_dir: Path | None = None) -> Path:
    """The style file `name` (e.g. "print.css", "fonts/X.otf"): the user's copy if there is one."""
    if source_dir is not None:
        override = user_styles_dir(source_dir) / name
        if override.is_file():
            return override
    return STYLES_DIR / name


def style_roots(source_dir: Path | None = None) -> list[Path]:
    """Every folder a style may come from, the user's first: what the PDF's URL fetcher may serve."""
    roots = [STYLES_DIR]
    if source_dir is not None and user_styles_dir(source_dir).is_dir():
        roots.insert(0, user_styles_dir(source_dir))
    return roots


def style_files(source_dir: Path | None = None) -> list[Path]:
    """Every style file in use (packaged and overriding), for cache keys."""
    return sorted(p for root in style_roots(source_dir) for p in root.rglob("*") if p.is_file())
