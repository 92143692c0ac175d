"""book.yaml: every key, defaults, inference, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

from book.config import load_config
from book.diagnostics import Reporter
from tests.conftest import load


def config_for(tmp_path: Path, text: str) -> tuple[object, Reporter]:
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    reporter = Reporter()
    return load_config(tmp_path, reporter), reporter


def test_all_keys(tmp_path: Path) -> None:
    (tmp_path / "cover.png").write_bytes(b"png")
    (tmp_path / "a.txt").write_text("1 - A\n\nx\n")
    config, reporter = config_for(
        tmp_path,
        "title: T\nsubtitle: S\nauthor: [A One, B Two]\nlanguage: en-GB\nidentifier: isbn:123\n"
        "publisher: P\ndate: 2024-05-01\nrights: CC BY 4.0\ndescription: D\ncover: cover.png\n"
        "chapters: [a.txt]\nknown_gaps: [3, '5-7']\ntypography: false\n"
        "print: {trim: 6x9in, profile: ingram, bleed: true}\n",
    )
    assert not reporter.diagnostics, reporter.diagnostics
    assert config.authors == ("A One", "B Two")  # type: ignore[attr-defined]
    assert config.known_gaps == {3, 5, 6, 7}  # type: ignore[attr-defined]
    assert config.date == "2024-05-01" and config.typography is False  # type: ignore[attr-defined]
    assert config.cover == (tmp_path / "cover.png").resolve()  # type: ignore[attr-defined]
    assert config.print.profile == "ingram"  # type: ignore[attr-defined]


def test_single_author_and_defaults(tmp_path: Path) -> None:
    config, reporter = config_for(tmp_path, "author: Solo\n")
    assert not reporter.diagnostics
    assert config.authors == ("Solo",) and config.language == "en"  # type: ignore[attr-defined]


def test_errors_name_the_line_and_suggest(tmp_path: Path) -> None:
    _, reporter = config_for(
        tmp_path, "title: T\nauthr: X\nlanguage: 'english language'\nprint: {profil: kdp}\n"
    )
    found = {(d.code, d.location.line) for d in reporter.diagnostics}  # type: ignore[union-attr]
    assert found == {("C002", 2), ("L004", 3), ("C002", 4)}
    assert "did you mean 'author'" in reporter.diagnostics[0].message


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    _, reporter = config_for(tmp_path, "- just\n- a list\n")
    assert [d.code for d in reporter.diagnostics] == ["C003"]


def test_identifier_is_stable_and_depends_on_title_and_author(synth) -> None:  # type: ignore[no-untyped-def]
    a = load(synth("a", book_yaml="title: One\nauthor: X\n", chapters=1))[0]
    b = load(synth("b", book_yaml="title: One\nauthor: X\n", chapters=1))[0]
    c = load(synth("c", book_yaml="title: One\nauthor: Y\n", chapters=1))[0]
    assert a and b and c
    assert a.metadata.identifier == b.metadata.identifier != c.metadata.identifier
    assert a.metadata.identifier.startswith("urn:uuid:")


def test_title_from_trailer_then_folder(synth, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = synth("no-yaml", chapters=2, title="Trailer Title")
    (folder / "book.yaml").unlink()
    book = load(folder)[0]
    assert book and book.metadata.title == "Trailer Title"
    bare = tmp_path / "My_Great-Novel"
    bare.mkdir()
    (bare / "a.txt").write_text("1 - A\n\nText.\n")
    book = load(bare)[0]
    assert book and book.metadata.title == "My Great Novel"


def test_typography_can_be_turned_off(synth) -> None:  # type: ignore[no-untyped-def]
    on = load(synth("on", book_yaml="title: T\n", chapters=1, spice=True))[0]
    off = load(synth("off", book_yaml="title: T\ntypography: false\n", chapters=1, spice=True))[0]
    assert on and off
    assert "’" not in off.chapters[0].title + str(off.chapters[0].blocks)
    assert on.chapters[0].blocks != off.chapters[0].blocks


def test_source_date_epoch_sets_the_modified_date(monkeypatch, sample_source: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = load(sample_source)[0]
    assert book and book.metadata.modified.isoformat() == "2023-11-14T22:13:20+00:00"


import pytest  # noqa: E402


@pytest.mark.parametrize(
    "text",
    [
        'title: "\\u0001bad"\n',
        "date: 2024-02-30\n",
        "title: 2024-02-30\n",
        "date: 2024-01-01 garbage\n",
        "known_gaps: '0-2000000000'\n",
        "author: [ok, {nested: map}]\n",
    ],
)
def test_bad_values_are_c003_at_their_line_never_a_crash(tmp_path: Path, text: str) -> None:
    _, reporter = config_for(tmp_path, "language: en\n" + text)
    assert [(d.code, d.location.line) for d in reporter.diagnostics] == [("C003", 2)]  # type: ignore[union-attr]


def test_yaml_timestamps_become_w3cdtf(tmp_path: Path) -> None:
    config, reporter = config_for(tmp_path, "date: 2024-05-01 10:30:00\n")
    assert not reporter.diagnostics and config.date == "2024-05-01T10:30:00Z"  # type: ignore[attr-defined]


def test_toc_depth_is_1_to_3_and_defaults_to_2(tmp_path: Path) -> None:
    config, reporter = config_for(tmp_path, "title: T\n")
    assert config.toc_depth == 2  # type: ignore[attr-defined]
    config, reporter = config_for(tmp_path, "toc_depth: 3\n")
    assert not reporter.diagnostics and config.toc_depth == 3  # type: ignore[attr-defined]
    for bad in ("4", "0", "two", "true", "2.5"):
        config, reporter = config_for(tmp_path, f"title: T\n\ntoc_depth: {bad}\n")
        [d] = reporter.diagnostics
        assert d.code == "C003" and d.location is not None and d.location.line == 3
        assert "1, 2 or 3" in d.message and "Kindle shows 2" in d.message
        assert config.toc_depth == 2  # type: ignore[attr-defined]
