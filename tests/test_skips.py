"""Skips say what to install, and BOOK_REQUIRE_ALL=1 (set by CI) turns every skip into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SKIPPING = """
import pytest

@pytest.mark.skipif(True, reason="needs a tool (apt-get install a-tool)")
def test_marked():
    pass

def test_skips_itself():
    pytest.skip("needs a font (apt-get install a-font)")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
"""


def _run(folder: Path, require_all: str) -> subprocess.CompletedProcess[str]:
    (folder / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_makereport  # noqa: F401\n"
    )
    (folder / "test_inner.py").write_text(SKIPPING)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOOK_REQUIRE_ALL": require_all}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_skips_pass_with_their_reason_by_default(tmp_path: Path) -> None:
    result = _run(tmp_path, "")
    assert result.returncode == 0, result.stdout
    assert "2 skipped, 1 xfailed" in result.stdout
    assert "apt-get install a-tool" in result.stdout and "apt-get install a-font" in result.stdout


def test_require_all_turns_every_skip_into_a_failure(tmp_path: Path) -> None:
    result = _run(tmp_path, "1")
    assert result.returncode == 1, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    # A skipif mark is decided while setting up (an error), pytest.skip() while running (a failure).
    assert summary.startswith("1 failed, 1 xfailed, 1 error"), summary
    assert result.stdout.count("skipped, but BOOK_REQUIRE_ALL=1 requires every test to run:") >= 2
    assert "apt-get install a-tool" in result.stdout and "apt-get install a-font" in result.stdout
