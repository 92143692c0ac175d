"""EPUBCheck and DAISY Ace on real built books, and how their findings become diagnostics."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from book.check import epub as check
from book.diagnostics import Reporter, Severity
from book.ir import SourceLocation
from tests.epub_support import build

SYNTH = {"chapters": 8, "notes_per_chapter": 12, "crlf_every": 3, "bom_every": 4}
HERE = SourceLocation("build/book.epub")

needs_java = pytest.mark.skipif(
    shutil.which("java") is None or check.epubcheck_jar() is None,
    reason="EPUBCheck needs Java and the epubcheck package",
)
needs_ace = pytest.mark.skipif(
    check.find_ace() is None or check.find_browser() is None,
    reason="DAISY Ace or Chromium not installed: run `make tools` (.ci/setup-epub.sh)",
)


@pytest.fixture(params=["sample", "synth"])
def built_epub(
    request: pytest.FixtureRequest, sample_source: Path, synth: Callable[..., Path], tmp_path: Path
) -> Path:
    source = sample_source if request.param == "sample" else synth(**SYNTH)
    return build(source, tmp_path / "build")[2]


def _messages(reporter: Reporter) -> list[str]:
    return [d.format() for d in reporter.diagnostics]


@needs_java
def test_epubcheck_finds_nothing(built_epub: Path) -> None:
    reporter = Reporter()
    check.run_epubcheck(built_epub, HERE, reporter)
    assert _messages(reporter) == []


@needs_ace
def test_ace_finds_no_violations(built_epub: Path) -> None:
    reporter = Reporter()
    check.run_ace(built_epub, HERE, reporter)
    assert _messages(reporter) == []


@needs_java
def test_epubcheck_errors_name_the_file_inside_the_epub(sample_source: Path, tmp_path: Path) -> None:
    good = build(sample_source, tmp_path / "build")[2]
    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "EPUB/chapter-037.xhtml":
                data = data.replace(b'href="endnotes.xhtml#note-4"', b'href="missing.xhtml#nowhere"')
            out.writestr(info, data)
    reporter = Reporter()
    check.run_epubcheck(bad, HERE, reporter)
    assert reporter.errors
    assert all(d.code in ("E001", "E002") for d in reporter.diagnostics)
    assert any("EPUB/chapter-037.xhtml" in d.message for d in reporter.diagnostics)
    assert all(d.location == HERE for d in reporter.diagnostics)


def test_epubcheck_report_mapping() -> None:
    report = {
        "messages": [
            {
                "ID": "RSC-005",
                "severity": "ERROR",
                "message": "Error while parsing file",
                "locations": [{"path": "EPUB/a.xhtml", "line": 3, "column": 7}],
            },
            {"ID": "PKG-001", "severity": "FATAL", "message": "broken", "locations": []},
            {
                "ID": "OPF-053",
                "severity": "WARNING",
                "message": "Date value is not valid",
                "locations": [
                    {"path": "EPUB/content.opf", "line": 9, "column": -1},
                    {"path": "EPUB/content.opf", "line": 10, "column": -1},
                ],
            },
            {"ID": "ACC-010", "severity": "USAGE", "message": "advice", "locations": []},
            {"ID": "CHK-000", "severity": "INFO", "message": "info", "locations": []},
        ]
    }
    assert check.epubcheck_findings(report) == [
        ("E001", "EPUBCheck RSC-005: Error while parsing file in EPUB/a.xhtml:3:7"),
        ("E001", "EPUBCheck PKG-001: broken"),
        ("E002", "EPUBCheck OPF-053: Date value is not valid in EPUB/content.opf:9 (and 1 more)"),
    ]


def test_ace_report_mapping() -> None:
    report = {
        "assertions": [
            {
                "earl:testSubject": {"url": "endnotes.xhtml"},
                "assertions": [
                    {
                        "earl:test": {"dct:title": "aria-deprecated-role", "earl:impact": "minor"},
                        "earl:result": {
                            "earl:outcome": "fail",
                            "dct:description": "The role used is\n deprecated: doc-endnote",
                        },
                    },
                    {
                        "earl:test": {"dct:title": "x", "earl:impact": "minor"},
                        "earl:result": {"earl:outcome": "pass"},
                    },
                ],
            }
        ]
    }
    assert check.ace_findings(report) == [
        "Ace aria-deprecated-role (minor): The role used is deprecated: doc-endnote in endnotes.xhtml"
    ]


def test_missing_ace_is_a_warning_saying_it_was_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check, "find_ace", lambda: None)
    reporter = Reporter()
    check.run_ace(tmp_path / "x.epub", HERE, reporter)
    [d] = reporter.diagnostics
    assert (d.code, d.severity) == ("E005", Severity.WARNING)
    assert (
        "skipped" in d.message and "npm install -g @daisy/ace-cli" in d.message and "make tools" in d.message
    )
    assert reporter.exit_code() == 0
    # CI runs `make check BOOKFLAGS=--strict`: there a skipped Ace fails the build
    strict = Reporter(strict=True)
    check.run_ace(tmp_path / "x.epub", HERE, strict)
    assert strict.exit_code() == 1


def test_missing_java_is_E004(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check.shutil, "which", lambda name, path=None: None)
    reporter = Reporter()
    check.run_epubcheck(tmp_path / "x.epub", HERE, reporter)
    [d] = reporter.diagnostics
    assert d.code == "E004" and "Java" in d.message


def test_ace_that_cannot_run_is_E004(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "ace"
    fake.write_text("#!/bin/sh\necho 'cannot start browser' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(check, "find_ace", lambda: fake)
    monkeypatch.setattr(check, "find_browser", lambda: "/bin/true")
    monkeypatch.setattr(check.shutil, "which", lambda name, path=None: "/usr/bin/node")
    reporter = Reporter()
    check.run_ace(tmp_path / "x.epub", HERE, reporter)
    [d] = reporter.diagnostics
    assert d.code == "E004" and "cannot start browser" in d.message


def test_ace_violation_is_E003(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in Ace that writes a report with one violation where the real one would.
    fake = tmp_path / "ace"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != --outdir ]; do shift; done\n'
        "cat > \"$2/report.json\" <<'JSON'\n"
        '{"assertions": [{"earl:testSubject": {"url": "chapter-035.xhtml"}, "assertions": ['
        '{"earl:test": {"dct:title": "image-alt", "earl:impact": "critical"},'
        ' "earl:result": {"earl:outcome": "fail", "dct:description": "Images must have alt text"}}'
        "]}]}\n"
        "JSON\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setattr(check, "find_ace", lambda: fake)
    monkeypatch.setattr(check, "find_browser", lambda: "/bin/true")
    reporter = Reporter()
    check.run_ace(tmp_path / "x.epub", HERE, reporter)
    [d] = reporter.diagnostics
    assert d.code == "E003" and d.severity == Severity.ERROR
    assert d.message == "Ace image-alt (critical): Images must have alt text in chapter-035.xhtml"


def test_nothing_built_is_E007(sample_source: Path, tmp_path: Path) -> None:
    from book.check import run_checks
    from tests.conftest import load

    book, config, reporter = load(sample_source)
    assert book is not None and config is not None
    run_checks(book, config, tmp_path / "empty", reporter)
    assert [d.code for d in reporter.errors] == ["E007"]
    assert "make epub" in reporter.errors[0].message


def test_ace_on_a_node_older_than_20_is_skipped_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Debian bookworm's Node is 18 and Ace 1.4 needs 20: say so instead of failing obscurely.
    # The Node beside Ace (what setup-epub.sh installs into .tools/) is the one that counts.
    bin_dir = tmp_path / "node_modules" / ".bin"
    bin_dir.mkdir(parents=True)
    for name, script in (("ace-cli", "exit 0"), ("node", "echo v18.19.0")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{script}\n")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setattr(check, "find_ace", lambda: bin_dir / "ace-cli")
    reporter = Reporter()
    check.run_ace(tmp_path / "x.epub", HERE, reporter)
    [d] = reporter.diagnostics
    assert d.code == "E005" and "Node.js 20 or newer" in d.message and "version 18" in d.message
    assert str(bin_dir / "node") in d.message and "setup-epub.sh" in d.message


def test_ace_runs_with_the_node_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "node_modules" / ".bin"
    bin_dir.mkdir(parents=True)
    seen = tmp_path / "ace-path.txt"
    (bin_dir / "node").write_text("#!/bin/sh\necho v20.20.2\n")
    # A stand-in Ace that records which node its `env node` would run, then writes no report.
    (bin_dir / "ace-cli").write_text(f"#!/bin/sh\ncommand -v node > {seen}\nexit 2\n")
    for name in ("node", "ace-cli"):
        (bin_dir / name).chmod(0o755)
    monkeypatch.setattr(check, "find_ace", lambda: bin_dir / "ace-cli")
    monkeypatch.setattr(check, "find_browser", lambda: "/usr/bin/true")
    reporter = Reporter()
    check.run_ace(tmp_path / "x.epub", HERE, reporter)
    assert seen.read_text().strip() == str(bin_dir / "node")
    assert [d.code for d in reporter.diagnostics] == ["E004"]  # no report: Ace could not run
