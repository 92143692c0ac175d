"""The OPDS catalog as clients read it: parsed with feedparser, one test per OPDS 1.2 requirement for
acquisition feeds (opds-community/specs, opds-1.2.md; Atom, RFC 4287)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import feedparser
import pytest
from lxml import etree
from PIL import Image

from book.cli import main
from book.writers.opds import ACQUISITION, IMAGE, THUMBNAIL, CatalogBook, CatalogFile, feed_id, feed_xml

MIME = re.compile(r"^[a-z]+/[a-z0-9.+-]+(;.*)?$")
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book's EPUB, kepub and PDF-less catalog, built through the CLI as `make` does."""
    from tests.conftest import SAMPLE

    build = tmp_path_factory.mktemp("opds") / "build"
    for command in ("epub", "kepub", "opds"):
        assert main([command, "--source", str(SAMPLE), "--build", str(build)]) == 0
    return build


@pytest.fixture(scope="module")
def feed(built: Path) -> Any:
    parsed = feedparser.parse((built / "opds.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _links(entry: Any, rel: str) -> list[Any]:
    return [link for link in entry.links if link.rel == rel]


# --- the feed (OPDS 1.2 §2, Atom §4.1.1) ------------------------------------------------


def test_feed_has_an_id(feed: Any) -> None:
    assert feed.feed.id.startswith("urn:uuid:")


def test_feed_has_a_title(feed: Any) -> None:
    assert feed.feed.title == "Time Slip Reiwa Japan"


def test_feed_has_updated(feed: Any) -> None:
    assert feed.feed.updated_parsed is not None


def test_feed_has_an_author(feed: Any) -> None:
    assert feed.feed.authors and all(a.get("name") for a in feed.feed.authors)


def test_feed_links_itself_as_an_acquisition_feed(feed: Any) -> None:
    # §2.6: should contain one self link; §2.3: links to acquisition feeds use the acquisition type.
    selves = [link for link in feed.feed.links if link.rel == "self"]
    assert len(selves) == 1 and selves[0].type == ACQUISITION_TYPE


def test_feed_links_the_catalog_root(feed: Any) -> None:
    # §2.1: each feed should contain a start link to the OPDS Catalog Root.
    starts = [link for link in feed.feed.links if link.rel == "start"]
    assert len(starts) == 1 and starts[0].type.startswith("application/atom+xml;profile=opds-catalog")


# --- entries (OPDS 1.2 §5) ---------------------------------------------------------------


def test_every_entry_has_an_id_the_books_identifier(feed: Any) -> None:
    ids = [entry.id for entry in feed.entries]
    assert ids == ["urn:uuid:8bab66b2-ea5d-5377-b074-b34603e0080c"]
    assert len(set(ids)) == len(ids)


def test_every_entry_has_a_title(feed: Any) -> None:
    assert [entry.title for entry in feed.entries] == ["Time Slip Reiwa Japan"]


def test_every_entry_has_updated(feed: Any) -> None:
    assert all(entry.updated_parsed is not None for entry in feed.entries)


def test_every_entry_has_a_language(feed: Any) -> None:
    assert [entry.dcterms_language for entry in feed.entries] == ["en"]


def test_summary_is_plain_text(feed: Any) -> None:
    # §5.1.3: type="text", no child elements, not a copy of the title.
    for entry in feed.entries:
        assert entry.summary_detail.type == "text/plain"
        assert entry.summary and entry.summary != entry.title


def test_every_entry_has_an_acquisition_link(feed: Any) -> None:
    # §5: every OPDS Catalog Entry must include at least one acquisition link.
    assert all(_links(entry, ACQUISITION) for entry in feed.entries)


def test_acquisition_links_have_media_types(feed: Any) -> None:
    # §5.3: every acquisition link must have a type that is a MIME media type.
    assert all(MIME.match(link.type) for entry in feed.entries for link in _links(entry, ACQUISITION))
    assert [link.type for link in _links(feed.entries[0], ACQUISITION)] == [
        "application/epub+zip",
        "application/kepub+zip",
    ]


def test_every_acquisition_link_resolves_to_its_file(feed: Any, built: Path) -> None:
    for link in _links(feed.entries[0], ACQUISITION):
        path = built / unquote(link.href)
        assert path.is_file()
        assert int(link.length) == path.stat().st_size
    names = [unquote(link.href) for link in _links(feed.entries[0], ACQUISITION)]
    assert names == ["time-slip-reiwa-japan.epub", "time-slip-reiwa-japan.kepub.epub"]


@pytest.mark.parametrize("rel", [IMAGE, THUMBNAIL])
def test_image_and_thumbnail_links_are_gif_jpeg_or_png(feed: Any, built: Path, rel: str) -> None:
    # §5.2.2: image links should be typed GIF/JPEG/PNG and the resources must be in that format.
    links = _links(feed.entries[0], rel)
    assert len(links) == 1
    link = links[0]
    assert link.type in ("image/gif", "image/jpeg", "image/png")
    with Image.open(built / unquote(link.href)) as image:
        assert f"image/{image.format.lower()}" == link.type
        if rel == THUMBNAIL:
            assert max(image.size) <= 320


def test_a_pdf_is_listed_when_built(built: Path, tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    (built / "time-slip-reiwa-japan.pdf").write_bytes(b"%PDF-1.7 stand-in")
    try:
        assert main(["opds", "--source", str(SAMPLE), "--build", str(built)]) == 0
        entry = feedparser.parse((built / "opds.xml").read_bytes()).entries[0]
        assert [link.type for link in _links(entry, ACQUISITION)][-1] == "application/pdf"
    finally:
        (built / "time-slip-reiwa-japan.pdf").unlink()
        assert main(["opds", "--source", str(SAMPLE), "--build", str(built)]) == 0


# --- many books (volumes) -----------------------------------------------------------------


def _book(number: int) -> CatalogBook:
    return CatalogBook(
        id=f"urn:uuid:00000000-0000-4000-8000-00000000000{number}",
        title=f"Saga, Volume {number}",
        authors=("Ada", "Bo <&> Co"),
        language="ja",
        summary=f"Volume {number} & more <b>",
        updated=dt.datetime(2024, 1, number, tzinfo=dt.UTC),
        files=(CatalogFile(f"saga-{number}.epub", "application/epub+zip", 10),),
    )


def test_a_feed_of_volumes_has_one_entry_each_newest_first() -> None:
    parsed = feedparser.parse(feed_xml([_book(1), _book(2), _book(3)], "Saga", feed_id("saga")))
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["Saga, Volume 3", "Saga, Volume 2", "Saga, Volume 1"]
    assert parsed.feed.updated_parsed[:3] == (2024, 1, 3)
    assert [a.name for a in parsed.feed.authors] == ["Ada", "Bo <&> Co"]
    assert parsed.entries[0].summary == "Volume 3 & more <b>"


def test_feed_is_deterministic_and_well_formed() -> None:
    data = feed_xml([_book(1), _book(2)], "Saga", feed_id("saga"))
    assert data == feed_xml([_book(2), _book(1)], "Saga", feed_id("saga"))
    etree.fromstring(data)


def test_nothing_built_is_D001(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from tests.conftest import SAMPLE

    status = main(["opds", "--source", str(SAMPLE), "--build", str(tmp_path / "empty"), "--format", "json"])
    found = json.loads(capsys.readouterr().err)["diagnostics"]
    d = next(d for d in found if d["code"] == "D001")
    assert "make epub kepub" in d["message"]
    assert d["file"].endswith("opds.xml")
    assert status == 1


def test_a_book_in_volumes_lists_every_volume_with_its_own_files(
    synth: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Through the CLI as `make epub kepub opds` runs it: one feed, one entry per volume (the feed
    # once kept only the last volume, since the catalog was written once per volume).
    yaml = (
        "title: Saga\nauthor: Test Author\nlanguage: en\n"
        'volumes:\n  - {chapters: "1-3"}\n  - {title: The Thaw, chapters: "4-"}\n'
    )
    source = synth(chapters=6, words_per_chapter=300, notes_per_chapter=1, book_yaml=yaml)
    build = tmp_path / "build"
    for command in ("epub", "kepub", "opds"):
        assert main([command, "--source", str(source), "--build", str(build)]) == 0
    capsys.readouterr()
    parsed = feedparser.parse((build / "opds.xml").read_bytes())
    assert not parsed.bozo
    assert parsed.feed.title == "Saga"
    entries = sorted(parsed.entries, key=lambda e: e.title)
    assert [e.title for e in entries] == ["Saga, Volume 1", "Saga, Volume 2: The Thaw"]
    assert len({e.id for e in entries}) == 2
    for number, entry in enumerate(entries, 1):
        hrefs = sorted(unquote(link.href) for link in _links(entry, ACQUISITION))
        assert hrefs == [f"saga-vol-0{number}.epub", f"saga-vol-0{number}.kepub.epub"]
        for rel in (IMAGE, THUMBNAIL):
            [image] = _links(entry, rel)
            assert unquote(image.href).startswith(f"saga-vol-0{number}.")
            assert (build / unquote(image.href)).is_file()
