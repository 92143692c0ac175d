"""The labels table, book.yaml's `labels:`, `naming:` and `elisions:`, and the language checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from book import labels
from book.cli import main
from book.diagnostics import Reporter
from book.printing import hyphenation
from book.writers.pdf.css import generated_css
from book.writers.pdf.plan import print_setup
from tests.conftest import load
from tests.epub_support import NS, build, documents

LISTED = ("en", "fr", "de", "es", "pt", "it", "nl", "pl", "ru", "uk", "id", "vi", "ja", "zh", "ko")
# Keys a language may leave to English: punctuation that is the same in most languages.
MAY_INHERIT = {"chapter_name", "author_separator"}
GOOD = "001 - One\n\nFirst paragraph.\n"


@pytest.mark.parametrize("language", [*LISTED, "zh-Hant"])
def test_every_listed_language_translates_every_label(language: str) -> None:
    table = labels.TABLES[language]
    assert set(labels.KEYS) - MAY_INHERIT <= set(table), set(labels.KEYS) - MAY_INHERIT - set(table)
    for key, text in table.items():
        assert labels.check_label(key, text) is None, (language, key)
        assert labels.placeholders(text) == labels.placeholders(labels.ENGLISH[key]), (language, key)


@pytest.mark.parametrize(
    ("tag", "table"),
    [
        ("en-GB", "en"),
        ("fr-CA", "fr"),
        ("pt-BR", "pt"),
        ("zh", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-TW", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("ZH-hk", "zh-Hant"),
        ("ja-JP", "ja"),
        ("tr", None),
    ],
)
def test_a_tag_finds_its_table(tag: str, table: str | None) -> None:
    assert labels.table_key(tag) == table


def test_an_unknown_language_falls_back_to_english() -> None:
    words = labels.resolve("tr")
    assert words.get("chapter", number=3) == "Chapter 3" and words.get("contents") == "Contents"
    assert labels.resolve("de", {"contents": "Inhaltsverzeichnis"}).get("contents") == "Inhaltsverzeichnis"


def _write(source: Path, yaml: str) -> Path:
    source.mkdir(parents=True, exist_ok=True)
    (source / "a.txt").write_text(GOOD, encoding="utf-8")
    (source / "book.yaml").write_text(yaml, encoding="utf-8")
    return source


def _diagnostics(source: Path, build_dir: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:  # type: ignore[type-arg]
    main(["manifest", "--source", str(source), "--build", str(build_dir), "--format", "json"])
    found: list[dict] = json.loads(capsys.readouterr().err)["diagnostics"]  # type: ignore[type-arg]
    return found


@pytest.mark.parametrize(
    ("yaml", "code", "line", "words"),
    [
        ("title: T\nlanguage: tr\n", "L001", 2, ["'tr'", "English", "labels:"]),
        ("labels:\n  contnets: X\n", "L002", 2, ["labels.contnets", "did you mean 'contents'"]),
        ("labels:\n  notes: [a, b]\n", "L003", 2, ["labels.notes", "must be a text"]),
        ("labels:\n  chapter: 'Ch. {num}'\n", "L003", 2, ["{num}", "{number}"]),
        ("labels:\n  chapter: 'Ch. {number'\n", "L003", 2, ["stray brace"]),
        ("language: english\n", "L004", 1, ["'english'", "BCP 47"]),
        ("language: en_GB\n", "L004", 1, ["not '_'"]),
        ("language: xx-YY\n", "L004", 1, ["'xx-YY'"]),
        ("naming:\n  arcs: nested\n", "L006", 2, ["'nested'", "inline or grouped"]),
        ("naming:\n  arc_title: '{arc} {chapter}'\n", "L006", 2, ["{chapter}", "{part_label}"]),
        ("elisions:\n  - em\n", "L007", 1, ["em is not an elision", "leading apostrophe"]),
    ],
)
def test_bad_language_settings_are_reported_at_their_line(
    yaml: str, code: str, line: int, words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "src", yaml)
    found = [d for d in _diagnostics(source, tmp_path / "build", capsys) if d["code"] == code]
    assert len(found) == 1, found
    assert found[0]["file"].endswith("book.yaml") and found[0]["line"] == line
    for word in words:
        assert word in found[0]["message"], found[0]["message"]


@pytest.mark.parametrize("tag", ["en", "en-GB", "pt-BR", "zh-Hant", "sr-Latn", "de-CH-1996", "ja-Latn-JP"])
def test_valid_tags_are_accepted(tag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "src", f"language: {tag}\n")
    codes = [d["code"] for d in _diagnostics(source, tmp_path / "build", capsys)]
    assert codes == ([] if labels.table_key(tag) else ["L001"])


def test_a_label_override_reaches_the_epub(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "src",
        "title: T\nlanguage: fr\nlabels:\n  chapter: 'Épisode {number}'\n  contents: Sommaire\n",
    )
    _, _, path = build(source, tmp_path / "build")
    nav = documents(path)["toc.xhtml"]
    assert nav.findtext(".//x:nav[@role='doc-toc']/x:h2", namespaces=NS) == "Sommaire"
    assert [a.text for a in nav.iterfind(".//x:nav[@role='doc-toc']/x:ol/x:li/x:a", NS)] == [
        "Épisode 1\u00a0: One"
    ]


def test_no_hyphenation_dictionary_is_a_warning_and_no_hyphens(tmp_path: Path) -> None:
    source = _write(tmp_path / "src", "title: T\nlanguage: tr\n")
    _, config, _ = load(source)
    assert config is not None
    reporter = Reporter()
    setup = print_setup(config, reporter)
    assert setup is not None and not setup.hyphenate
    (warning,) = [d for d in reporter.diagnostics if d.code == "L005"]
    assert "'tr'" in warning.message and "without hyphenation" in warning.message
    assert warning.location is not None and warning.location.path.endswith("book.yaml")
    assert warning.location.line == 2
    css = generated_css(setup.trim, _margins(), [], [], "kdp", False, setup.hyphenate)
    assert "p { hyphens: manual; }" in css


def _margins():  # type: ignore[no-untyped-def]
    from book.printing.trim import margins_for, parse_trim

    trim = parse_trim("5.5x8.5in")
    assert trim is not None
    return margins_for(trim, 100)


@pytest.mark.parametrize("language", LISTED)
def test_listed_languages_hyphenate_with_their_own_dictionary(language: str) -> None:
    found = hyphenation.dictionary(language)
    if hyphenation.needs_dictionary(language):
        assert found is not None and found.split("_")[0] == language
    else:
        assert language in {"ja", "zh", "ko", "vi"}


@pytest.mark.parametrize("language", ["ja", "zh-Hant", "fr", "de-CH"])
def test_languages_that_need_no_warning(language: str, tmp_path: Path) -> None:
    source = _write(tmp_path / "src", f"title: T\nlanguage: {language}\n")
    _, config, reporter = load(source)
    assert config is not None and reporter.diagnostics == []
    check = Reporter()
    assert print_setup(config, check) is not None and check.diagnostics == []
