"""One test per foundation diagnostic code: the message, the file, the line and the exit code users see."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from book.cli import main
from book.diagnostics import CODES

GOOD = "001 - One\n\nFirst paragraph.\n"


def chapter(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def run(source: Path, build: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    code = main(["manifest", "--source", str(source), "--build", str(build), "--format", "json", *extra])
    err = capsys.readouterr().err
    return code, json.loads(err)["diagnostics"]


def only(diagnostics: list[dict], code: str) -> dict:  # type: ignore[type-arg]
    found = [d for d in diagnostics if d["code"] == code]
    assert found, f"{code} not reported; got {diagnostics}"
    return found[0]


Setup = Callable[[Path], None]

CASES: dict[str, tuple[Setup, str, int | None, int]] = {
    # code: (make the bad source folder, file name expected, line expected, exit code)
    "C001": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("title: [oops\n")),
        "book.yaml",
        2,
        2,
    ),
    "C002": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("title: T\ntitel: X\n")),
        "book.yaml",
        2,
        2,
    ),
    "C003": (
        lambda s: (
            chapter(s, "a.txt", GOOD),
            (s / "book.yaml").write_text("title: T\n\ntypography: maybe\n"),
        ),
        "book.yaml",
        3,
        2,
    ),
    "C004": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("cover: ../secret.png\n")),
        "book.yaml",
        1,
        2,
    ),
    "C005": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("title: T\ncover: nope.png\n")),
        "book.yaml",
        2,
        2,
    ),
    "L001": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("title: T\nlanguage: tr\n")),
        "book.yaml",
        2,
        0,
    ),
    "L002": (
        lambda s: (
            chapter(s, "a.txt", GOOD),
            (s / "book.yaml").write_text("title: T\nlabels:\n  contents: Inhalt\n  contnets: X\n"),
        ),
        "book.yaml",
        4,
        2,
    ),
    "L003": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("labels:\n  notes: 3\n")),
        "book.yaml",
        2,
        2,
    ),
    "L004": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("title: T\nlanguage: en_US\n")),
        "book.yaml",
        2,
        2,
    ),
    "L006": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("naming:\n  arcs: nested\n")),
        "book.yaml",
        2,
        2,
    ),
    "L007": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text('elisions: ["\'em", em]\n')),
        "book.yaml",
        1,
        2,
    ),
    "R001": (lambda s: chapter(s, "a.txt", b"001 - T\n\nbad \xc3\x28 byte\n"), "a.txt", 3, 1),
    "R002": (lambda s: chapter(s, "a.txt", b""), "a.txt", 1, 1),
    "R003": (lambda s: chapter(s, "a.txt", "Hello there.\n\nText.\n"), "a.txt", 1, 1),
    "R004": (lambda s: chapter(s, "a.txt", "001 - T\n\nA bell\x07 rang.\n"), "a.txt", 3, 0),
    "M001": (lambda s: (chapter(s, "a.txt", GOOD), chapter(s, "b.txt", GOOD)), "b.txt", 1, 1),
    "M002": (
        lambda s: (chapter(s, "a.txt", GOOD), chapter(s, "b.txt", "004 - Four\n\nText.\n")),
        "b.txt",
        1,
        0,
    ),
    "M003": (lambda s: s.mkdir(), "", None, 1),
    "M004": (
        lambda s: (chapter(s, "a.txt", GOOD), (s / "book.yaml").write_text("title: T\nknown_gaps: [1]\n")),
        "book.yaml",
        2,
        0,
    ),
    "N001": (lambda s: chapter(s, "a.txt", "001 - T\n\nText *1 here.\n"), "a.txt", 3, 1),
    "N002": (lambda s: chapter(s, "a.txt", "001 - T\n\nText.\n\n~~~~\n\n*1: Unused.\n"), "a.txt", 7, 0),
    "N003": (
        lambda s: chapter(s, "a.txt", "001 - T\n\nText *1.\n\n~~~\n\n*1: One.\n\n*1: Again.\n"),
        "a.txt",
        9,
        1,
    ),
    "N004": (lambda s: chapter(s, "a.txt", "001 - T\n\nText *1.\n\n~~~\n\n*1:\n"), "a.txt", 7, 0),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_code(code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup, name, line, exit_code = CASES[code]
    source = tmp_path / "src"
    setup(source)
    status, diagnostics = run(source, tmp_path / "build", capsys)
    d = only(diagnostics, code)
    assert d["message"]
    assert d["severity"] == str(CODES[code][0])
    if name:
        assert d["file"].endswith(name)
    if line is not None:
        assert d["line"] == line
    assert status == exit_code


def test_source_folder_missing_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, diagnostics = run(tmp_path / "nowhere", tmp_path / "build", capsys)
    assert status == 2
    assert only(diagnostics, "U001")["file"].endswith("nowhere")


def test_chapters_list_naming_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "src"
    chapter(source, "a.txt", GOOD)
    (source / "book.yaml").write_text("title: T\nchapters:\n  - a.txt\n  - b.txt\n")
    status, diagnostics = run(source, tmp_path / "build", capsys)
    d = only(diagnostics, "C005")
    assert "b.txt" in d["message"] and d["file"].endswith("book.yaml") and (d["line"], d["column"]) == (4, 5)
    assert status == 2


def test_chapters_path_outside_the_source_folder_is_never_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "src"
    chapter(source, "a.txt", GOOD)
    outside = chapter(tmp_path, "outside.txt", "002 - Secret\n\nDo not read me.\n")
    (source / "link.txt").symlink_to(outside)
    (source / "book.yaml").write_text(f"chapters: [a.txt, ../outside.txt, {outside}, link.txt]\n")
    status, diagnostics = run(source, tmp_path / "build", capsys)
    assert status == 2
    assert len([d for d in diagnostics if d["code"] == "C004"]) == 3
    assert not (tmp_path / "build" / "manifest.json").exists()


@pytest.mark.parametrize("kind", ["dangling-link", "link-outside"])
def test_chapter_file_that_cannot_be_read(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "src"
    chapter(source, "a.txt", GOOD)
    target = tmp_path / "gone.txt" if kind == "dangling-link" else chapter(tmp_path, "o.txt", GOOD)
    (source / "b.txt").symlink_to(target)
    status, diagnostics = run(source, tmp_path / "build", capsys)
    d = only(diagnostics, "R005")
    assert d["file"].endswith("b.txt") and status == 1


def test_bad_source_date_epoch_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chapter(tmp_path / "src", "a.txt", GOOD)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    status, diagnostics = run(tmp_path / "src", tmp_path / "build", capsys)
    assert status == 2 and "SOURCE_DATE_EPOCH" in only(diagnostics, "U002")["message"]


def test_github_annotation_escapes_file_names_and_messages() -> None:
    from book.diagnostics import Diagnostic, Severity
    from book.ir import SourceLocation

    d = Diagnostic("N001", Severity.ERROR, "50% done\nnext", SourceLocation("a,b:c.txt", 3, 1))
    assert d.github_annotation() == "::error file=a%2Cb%3Ac.txt,line=3,col=1,title=N001::50%25 done%0Anext"


def test_diagnostic_lines_escape_line_breaks_in_file_names_and_messages() -> None:
    from book.diagnostics import Diagnostic, Severity
    from book.ir import SourceLocation

    d = Diagnostic("R004", Severity.WARNING, "a\rb\x0bc\td", SourceLocation("x\ny.txt", 2, 5))
    assert d.format() == "x\\ny.txt:2:5: warning[R004]: a\\rb\\x0bc\td"


def test_strict_turns_warnings_into_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "src"
    CASES["M002"][0](source)
    status, diagnostics = run(source, tmp_path / "build", capsys, "--strict")
    assert status == 1 and only(diagnostics, "M002")["severity"] == "error"


def test_every_code_in_the_table_has_a_test() -> None:
    tests = "".join(p.read_text() for p in Path(__file__).parent.rglob("test_*.py"))
    missing = [code for code in CODES if f'"{code}"' not in tests]
    assert not missing, f"codes without a test: {missing}"


def test_docs_table_is_up_to_date() -> None:
    from book.diagnostics import codes_markdown

    docs = Path(__file__).parent.parent / "docs" / "diagnostics.md"
    assert docs.read_text(encoding="utf-8") == codes_markdown(), (
        "run: python -m book.diagnostics > docs/diagnostics.md"
    )


def test_a_kept_chapter_file_replaced_by_a_link_outside_is_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The chapter cache is keyed by a file's bytes: the same bytes behind a link to outside the
    source folder must not come back from it (the link is refused, as on a cold build)."""
    source, build = tmp_path / "src", tmp_path / "build"
    second = "002 - Two\n\nSecond paragraph.\n"
    chapter(source, "a.txt", GOOD)
    chapter(source, "b.txt", second)
    assert main(["epub", "--source", str(source), "--build", str(build)]) == 0
    (source / "b.txt").unlink()
    (source / "b.txt").symlink_to(chapter(tmp_path, "outside.txt", second))
    capsys.readouterr()
    status = main(["epub", "--source", str(source), "--build", str(build), "--format", "json"])
    d = only(json.loads(capsys.readouterr().err)["diagnostics"], "R005")
    assert d["file"].endswith("b.txt") and "outside the source folder" in d["message"] and status == 1
