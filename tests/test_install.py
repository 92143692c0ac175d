"""The package installs like a package: a wheel, installed away from the repository, builds both books."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import ROOT, SAMPLE


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The wheel built from a copy of the project, installed into a folder of its own."""
    root = tmp_path_factory.mktemp("install")
    project = root / "project"  # a copy, so the wheel build writes nothing into the checkout
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(".*", "build", "tests", "source", "*.egg-info", "__pycache__"),
    )
    # Build isolation fetches the setuptools pyproject.toml asks for (pip's cache, else the index).
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(project)],
        root,
    )
    (wheel,) = (root / "dist").glob("*.whl")
    target = root / "site"
    _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], root
    )
    # -S: no site-packages and no .pth files, so the checkout's editable install cannot answer
    # `import book`; the dependencies come from this environment's site-packages, after the wheel.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]]),
        "SOURCE_DATE_EPOCH": "1700000000",
    }
    return target, env


def _book(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-S", "-m", "book", *args], cwd, env)


@pytest.mark.slow  # a wheel build and both books: about 40 s
def test_the_installed_wheel_builds_both_books_away_from_the_checkout(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    target, env = installed
    where = _run([sys.executable, "-S", "-c", "import book; print(book.__file__)"], tmp_path, env).stdout
    assert Path(where.strip()).is_relative_to(target), f"book imported from {where}, not the wheel"
    assert (target / "book" / "styles" / "print.css").is_file()
    assert (target / "book" / "templates").is_dir()
    entry_points = next(target.glob("book_as_code-*.dist-info")) / "entry_points.txt"
    assert "book = book.cli:main" in entry_points.read_text()

    shutil.copytree(SAMPLE, tmp_path / "source")
    for fmt in ("epub", "pdf"):
        _book(env, tmp_path, "--source", "source", "--build", "out", fmt)
    (epub,) = (tmp_path / "out").glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
        assert any(name.endswith("css/epub.css") for name in z.namelist())
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    with pikepdf.open(pdf) as document:
        assert len(document.pages) >= 24
