"""BOOK_OPDS_BASE_URL: the catalog CI publishes links to a release's downloads (B009 when it is no URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from book.cli import main

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    source, build = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    (source / "a.txt").write_text("001 - One\n\nFirst paragraph.\n")
    (source / "book.yaml").write_text("title: Base Test\nauthor: A\n")
    assert main(["--source", str(source), "--build", str(build), "epub"]) == 0
    return source, build


def test_links_point_at_the_release(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, build = built
    monkeypatch.setenv("BOOK_OPDS_BASE_URL", "https://github.com/w/b/releases/download/v2")
    assert main(["--source", str(source), "--build", str(build), "opds"]) == 0
    feed = etree.parse(str(build / "opds.xml"))
    hrefs = feed.xpath("//a:entry/a:link/@href", namespaces=ATOM)
    base = "https://github.com/w/b/releases/download/v2/"
    # The book, its cover and its thumbnail, each at the release under the name it has in build/.
    beside = sorted(p.name for p in build.iterdir() if p.name.startswith("base-test."))
    assert len(beside) == 3 and sorted(hrefs) == [base + name for name in beside]
    # The feed's own links stay relative: it is served from wherever it is published.
    assert feed.xpath("/a:feed/a:link[@rel='self']/@href", namespaces=ATOM) == ["opds.xml"]
    monkeypatch.delenv("BOOK_OPDS_BASE_URL")
    assert main(["--source", str(source), "--build", str(build), "opds"]) == 0
    assert "base-test.epub" in etree.parse(str(build / "opds.xml")).xpath("//a:link/@href", namespaces=ATOM)


def test_b009_a_base_that_is_not_a_url(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, build = built
    capsys.readouterr()
    monkeypatch.setenv("BOOK_OPDS_BASE_URL", "releases/v2")
    code = main(["--source", str(source), "--build", str(build), "--format", "json", "opds"])
    diagnostics = json.loads(capsys.readouterr().err)["diagnostics"]
    assert code == 2 and [d["code"] for d in diagnostics] == ["B009"]
    assert diagnostics[0]["message"] == (
        "BOOK_OPDS_BASE_URL='releases/v2' is not an http(s) URL for the books' downloads"
    )
    assert (diagnostics[0]["file"], diagnostics[0]["line"]) == (None, None)
    assert not (build / "opds.xml").exists()
