"""`book new DIR`: a book repository ready to build and publish: source/, README, CI workflows."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from book import __version__
from book.config import CONTROL_RE, is_valid_language
from book.diagnostics import Reporter, display_path
from book.ir import SourceLocation
from book.output import bare_slug
from book.pipeline import default_identifier
from book.writers.templating import text_template

PACKAGE = "book-as-code"
TEMPLATES = "new"
SOURCE, BUILD = "source", "build"
CHAPTER_FILE = "001-first-chapter.txt"
# The CI image: Debian, as the setup scripts expect, with the Python the tool is tested on.
CI_IMAGE = "python:3.11-bookworm"
GITHUB_WORKFLOW = ".github/workflows/book.yml"
GITLAB_CI = ".gitlab-ci.yml"


@dataclass(frozen=True)
class NewBook:
    """What `book new` was asked for."""

    title: str
    authors: tuple[str, ...]
    language: str
    tool: str


def tool_spec() -> str:
    """The pip requirement that installs this very tool: its commit when pip installed it from a
    repository (PEP 610's direct_url.json says which), else its released version."""
    try:
        direct = json.loads(importlib.metadata.distribution(PACKAGE).read_text("direct_url.json") or "null")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        direct = None
    if isinstance(direct, dict) and isinstance(direct.get("vcs_info"), dict):
        url, commit = direct.get("url", ""), direct["vcs_info"].get("commit_id", "")
        if url.startswith(("https://", "ssh://")) and commit:
            return f"{PACKAGE} @ git+{url}@{commit}"
    return f"{PACKAGE}=={__version__}"


def workflow_values(
    new: NewBook, platform: str, source: str = SOURCE, build: str = BUILD
) -> dict[str, object]:
    """What the CI template needs; `source` and `build` let this project's own workflow reuse it."""
    return {
        "platform": platform,
        "title": new.title,
        "slug": bare_slug(new.title),
        "tool": new.tool,
        "image": CI_IMAGE,
        "source": source,
        "build": build,
    }


def render_workflow(new: NewBook, platform: str, source: str = SOURCE, build: str = BUILD) -> str:
    """The GitHub Actions workflow (`github`) or the GitLab CI file (`gitlab`), from one template."""
    return text_template(TEMPLATES, "ci.yml").render(**workflow_values(new, platform, source, build))


def render_files(new: NewBook) -> dict[str, str]:
    """Every file of the new book repository, by its path inside it."""
    values = {
        "title": new.title,
        "authors": list(new.authors),
        "language": new.language,
        "identifier": default_identifier(new.title, new.authors),
        "tool": new.tool,
        "chapter_file": CHAPTER_FILE,
    }
    return {
        f"{SOURCE}/book.yaml": text_template(TEMPLATES, "book.yaml").render(**values),
        f"{SOURCE}/{CHAPTER_FILE}": text_template(TEMPLATES, "chapter.txt").render(**values),
        ".gitignore": text_template(TEMPLATES, "gitignore").render(**values),
        "README.md": text_template(TEMPLATES, "README.md").render(**values),
        GITHUB_WORKFLOW: render_workflow(new, "github"),
        GITLAB_CI: render_workflow(new, "gitlab"),
    }


def validate(new: NewBook, reporter: Reporter) -> None:
    """Report every bad option at once: empty or control characters, a title with no slug, a bad tag."""
    for option, value in [("--title", new.title)] + [("--author", a) for a in new.authors]:
        bad = CONTROL_RE.search(value)
        if not value.strip():
            reporter.report("B007", f"{option} must not be empty")
        elif bad:
            reporter.report(
                "B007", f"{option} {value!r} holds the control character U+{ord(bad.group()):04X}"
            )
    if new.title.strip() and not bare_slug(new.title):
        reporter.report(
            "B003",
            f"the title {new.title!r} has no letter or digit to name the book's files by; "
            "give a --title with at least one",
        )
    if not is_valid_language(new.language):
        reporter.report(
            "B004",
            f"--language {new.language!r} is not a BCP 47 language tag (like 'en', 'en-GB', 'ja')",
        )


def check_target(target: Path, files: dict[str, str], force: bool, reporter: Reporter) -> None:
    """DIR must be absent or an empty folder (any folder with --force), with nothing in the files' way."""
    where = SourceLocation(display_path(target))
    if target.exists() and not target.is_dir():
        reporter.report("B001", "is a file, not a folder: give a folder for the new book", where)
        return
    if not target.is_dir() or not any(target.iterdir()):
        return
    if not force:
        reporter.report(
            "B002",
            "the folder is not empty; choose a new folder, or add --force to add the book's files "
            "to it (existing files it needs are replaced, each one reported)",
            where,
        )
        return
    for name in files:
        path = target / name
        blocked = [p for p in path.parents if target in p.parents and p.exists() and not p.is_dir()]
        if path.is_dir() or blocked:
            what = display_path(blocked[-1] if blocked else path)
            reporter.report("B008", f"{what} is in the way of {name}, which the new book needs", where)


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Create `folder` and any missing folder above it, recording each one made (outermost first)."""
    missing = [p for p in reversed([folder, *folder.parents]) if not p.exists()]
    for path in missing:
        path.mkdir()
        made.append(path)


def write_book(target: Path, files: dict[str, str], reporter: Reporter) -> None:
    """Write every file into a staging folder, then move the files into place.

    A new `target` is the staging folder renamed, in one step. An existing folder (empty, or any
    with --force; `.` too) gets each file by a rename from a staging folder inside it. Either way,
    an error or an interrupt removes every file and folder made so far: no partial book is left.
    """
    made: list[Path] = []  # folders created, outermost first
    placed: list[Path] = []  # files moved into an existing folder where there was none
    staging: Path | None = None
    existing = target.is_dir()
    home = target.resolve() if existing else target.absolute()
    try:
        _make_folders(home.parent, made)
        staging = Path(tempfile.mkdtemp(prefix=".book-new.", dir=home if existing else home.parent))
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
        if existing:
            for name in files:
                destination = home / name
                if destination.exists():
                    reporter.report(
                        "B005", f"replaced the existing {name}", SourceLocation(display_path(target / name))
                    )
                else:
                    placed.append(destination)
                _make_folders(destination.parent, made)
                os.replace(staging / name, destination)
        else:
            os.chmod(staging, 0o755)  # mkdtemp makes it private; the book's folder is an ordinary one
            os.replace(staging, home)
            staging = None
    except BaseException as exc:
        # Nothing of the book stays behind: not the staging folder, its files, or folders made for it.
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if not isinstance(exc, OSError):
            raise
        name = str(exc.filename or "")
        if staging is not None and name.startswith(str(staging)):
            name = str(target / Path(name).relative_to(staging))  # the user never saw the staging folder
        where = f" ({display_path(name)})" if name else ""
        reporter.report(
            "B006",
            f"cannot create the book: {exc.strerror or exc}{where}",
            SourceLocation(display_path(target)),
        )
    else:
        if staging is not None:  # emptied by the renames
            shutil.rmtree(staging, ignore_errors=True)


def create(target: Path, new: NewBook, force: bool, reporter: Reporter) -> list[str]:
    """`book new`: check everything, then write the whole book or nothing; returns the files written."""
    validate(new, reporter)
    reporter.halt_if_errors()
    files = render_files(new)
    check_target(target, files, force, reporter)
    reporter.halt_if_errors()
    write_book(target, files, reporter)
    reporter.halt_if_errors()
    return list(files)


def project_workflow(source: Path = Path(SOURCE)) -> str:
    """This repository's own workflow: its sample book, built by the tool installed from the checkout."""
    config = yaml.safe_load((source / "book.yaml").read_text(encoding="utf-8"))
    return render_workflow(NewBook(str(config["title"]), (), "en", "."), "github")


if __name__ == "__main__":
    # `python -m book.new > .github/workflows/book.yml` regenerates this repository's workflow.
    sys.stdout.write(project_workflow())
