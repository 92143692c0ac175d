"""The EPUB writer: structure, navigation, notes, text fidelity, escaping, determinism, atomicity."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from book.diagnostics import Reporter
from book.ir import Book
from book.naming import chapter_name
from book.writers.epub import build_epub, ziparchive
from book.writers.epub import package as epub_package
from book.writers.epub.cover import HEIGHT, WIDTH, generate_cover
from tests.conftest import load
from tests.epub_support import (
    EPUB_TYPE,
    NS,
    XML_LANG,
    body_text_tokens,
    build,
    build_tiny,
    documents,
    source_body_and_notes,
    text_of,
    tiny_book,
    tokens,
)

SYNTH = {"chapters": 8, "notes_per_chapter": 12, "crlf_every": 3, "bom_every": 4}


@pytest.fixture
def sample_epub(sample_source: Path, tmp_path: Path) -> tuple[Book, Path]:
    book, _, path = build(sample_source, tmp_path / "build")
    return book, path


@pytest.fixture
def synth_epub(synth: Callable[..., Path], tmp_path: Path) -> tuple[Book, Path]:
    book, _, path = build(synth(**SYNTH), tmp_path / "build")
    return book, path


@pytest.fixture(params=["sample", "synth"])
def built(request: pytest.FixtureRequest) -> tuple[Book, Path]:
    result: tuple[Book, Path] = request.getfixturevalue(f"{request.param}_epub")
    return result


def _spine_files(docs: dict[str, etree._Element]) -> list[str]:
    opf = docs["content.opf"]
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]


def test_file_name_is_the_slug_of_the_title(sample_epub: tuple[Book, Path]) -> None:
    assert sample_epub[1].name == "time-slip-reiwa-japan.epub"


def test_zip_starts_with_a_stored_mimetype(built: tuple[Book, Path]) -> None:
    with zipfile.ZipFile(built[1]) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert first.extra == b""
        assert z.read("mimetype") == b"application/epub+zip"
        assert z.namelist()[1:3] == ["META-INF/container.xml", "EPUB/content.opf"]


def test_reading_order_is_cover_title_contents_chapters_endnotes(built: tuple[Book, Path]) -> None:
    book, path = built
    spine = _spine_files(documents(path))
    chapters = [f"{c.id}.xhtml" for c in book.chapters]
    assert spine == ["cover.xhtml", "titlepage.xhtml", "toc.xhtml", *chapters, "endnotes.xhtml"]


def test_metadata(sample_epub: tuple[Book, Path]) -> None:
    book, path = sample_epub
    opf = documents(path)["content.opf"]
    assert opf.get("version") == "3.0"
    assert opf.get(XML_LANG) == "en"
    assert opf.findtext(".//dc:title", namespaces=NS) == "Time Slip Reiwa Japan"
    assert opf.findtext(".//dc:language", namespaces=NS) == "en"
    assert opf.findtext(".//dc:identifier", namespaces=NS) == book.metadata.identifier
    props = {}
    for meta in opf.iterfind(".//opf:meta[@property]", NS):
        props.setdefault(meta.get("property"), []).append(meta.text)
    assert props["dcterms:modified"] == [book.metadata.modified.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert props["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    for key in (
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
    ):
        assert props[key], key
    assert opf.find(".//opf:item[@properties='cover-image']", NS) is not None
    assert opf.find(".//opf:item[@properties='nav']", NS).get("href") == "toc.xhtml"


def test_authors_get_file_as_and_role(synth_epub: tuple[Book, Path]) -> None:
    opf = documents(synth_epub[1])["content.opf"]
    creator = opf.find(".//dc:creator", NS)
    assert creator.text == "Test Author"
    refines = {
        m.get("property"): m.text for m in opf.iterfind(f".//opf:meta[@refines='#{creator.get('id')}']", NS)
    }
    assert refines == {"file-as": "Author, Test", "role": "aut"}


def test_dcterms_modified_follows_source_date_epoch(
    sample_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _, _, path = build(sample_source, tmp_path / "b")
    opf = documents(path)["content.opf"]
    assert opf.findtext(".//opf:meta[@property='dcterms:modified']", namespaces=NS) == (
        "2023-11-14T22:13:20Z"
    )
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_every_document_has_language_and_title(built: tuple[Book, Path]) -> None:
    book, path = built
    for name, doc in documents(path).items():
        if not name.endswith(".xhtml"):
            continue
        assert doc.get("lang") == book.metadata.language, name
        assert doc.get(XML_LANG) == book.metadata.language, name
        assert doc.findtext(".//x:head/x:title", namespaces=NS), name
        assert doc.find(".//x:head/x:link[@rel='stylesheet']", NS) is not None, name


def test_no_remote_resources(built: tuple[Book, Path]) -> None:
    for name, doc in documents(built[1]).items():
        for element in doc.iter():
            for attr in ("href", "src"):
                value = element.get(attr) or ""
                assert "://" not in value, (name, value)


def test_chapter_heading_and_heading_order(sample_epub: tuple[Book, Path]) -> None:
    book, path = sample_epub
    doc = documents(path)["chapter-035.xhtml"]
    h2 = doc.find(".//x:h2", NS)
    assert h2.findtext("x:span[@class='label']", namespaces=NS) == "Chapter 35"
    assert text_of(h2) == "Chapter 35 Siberian War of Independence \u2013 8"
    levels = [
        int(e.tag[-1])
        for e in doc.iter()
        if isinstance(e.tag, str) and e.tag[-2:-1] == "h" and e.tag[-1].isdigit()
    ]
    assert levels[0] == 2 and set(levels[1:]) == {3}
    h3_ids = [h.get("id") for h in doc.iterfind(".//x:h3", NS)]
    assert h3_ids == [h.id for h in book.chapters[0].headings]
    assert doc.find(".//x:section[@role='doc-chapter']", NS).get(EPUB_TYPE) == "chapter"
    assert len(doc.findall(".//x:hr", NS)) == sum(
        type(b).__name__ == "SceneBreak" for b in book.chapters[0].blocks
    )


def test_noterefs_and_backlinks_resolve(built: tuple[Book, Path]) -> None:
    book, path = built
    docs = documents(path)

    def target(href: str) -> etree._Element:
        file, _, anchor = href.partition("#")
        found = docs[file].xpath("//*[@id=$id]", id=anchor)
        assert len(found) == 1, href
        return found[0]

    refs = 0
    for chapter in book.chapters:
        for a in docs[f"{chapter.id}.xhtml"].iterfind(".//x:a[@role='doc-noteref']", NS):
            refs += 1
            assert a.get(EPUB_TYPE) == "noteref"
            assert a.getparent().tag != f"{{{NS['x']}}}sup"  # the number is in a <sup> inside
            assert a.findtext("x:sup", namespaces=NS).isdigit()
            assert a.get("href").startswith("endnotes.xhtml#")
            note = target(a.get("href"))
            assert note.get(EPUB_TYPE) == "endnote"
            backs = [b.get("href") for b in note.iterfind(".//x:a[@role='doc-backlink']", NS)]
            assert f"{chapter.id}.xhtml#{a.get('id')}" in backs
    assert refs == sum(len(n.ref_ids) for n in book.notes) > 0

    endnotes = docs["endnotes.xhtml"]
    notes = endnotes.findall(".//x:li", NS)
    assert [li.get("id") for li in notes] == [n.id for n in book.notes]
    for li, note in zip(notes, book.notes, strict=True):
        # Popup readers show the target element: it must hold exactly one note.
        assert li.find(".//x:li", NS) is None
        assert li.get("value") == str(note.number)
        backs = li.findall(".//x:a[@role='doc-backlink']", NS)
        assert len(backs) == len(note.ref_ids)
        for back in backs:
            assert target(back.get("href")).get(EPUB_TYPE) == "noteref"


def test_endnotes_are_grouped_under_their_chapter(synth_epub: tuple[Book, Path]) -> None:
    book, path = synth_epub
    endnotes = documents(path)["endnotes.xhtml"]
    groups = endnotes.findall(".//x:section[@role='doc-endnotes']/x:section", NS)
    with_notes = [c for c in book.chapters if c.notes]
    assert [g.findtext("x:h3", namespaces=NS) for g in groups] == [
        chapter_name(book, c).full for c in with_notes
    ]
    assert groups[0].findtext("x:h3", namespaces=NS).startswith(f"Chapter {with_notes[0].number}: ")
    for group, chapter in zip(groups, with_notes, strict=True):
        assert [li.get("id") for li in group.iterfind(".//x:li", NS)] == [n.id for n in chapter.notes]
    assert max(n.number for n in book.notes) >= 10  # two-digit note numbers


def _toc(path: Path) -> etree._Element:
    return documents(path)["toc.xhtml"].find(".//x:nav[@role='doc-toc']", NS)


def _depth(ol: etree._Element | None) -> int:
    if ol is None:
        return 0
    return 1 + max((_depth(li.find("x:ol", NS)) for li in ol.iterfind("x:li", NS)), default=0)


GROUPED = "naming:\n  arcs: grouped\n"


def test_nav_nests_chapters(built: tuple[Book, Path]) -> None:
    _check_nav(*built)


def test_grouped_nav_nests_arcs_and_chapters(synth: Callable[..., Path], tmp_path: Path) -> None:
    yaml = "title: Grouped\nauthor: A\nlanguage: en\n" + GROUPED
    book, _, path = build(synth(book_yaml=yaml, **SYNTH), tmp_path / "build")
    assert book.wording.group_arcs
    _check_nav(book, path)


def _check_nav(book: Book, path: Path) -> None:
    docs = documents(path)
    toc = docs["toc.xhtml"].find(".//x:nav[@role='doc-toc']", NS)
    assert toc.get(EPUB_TYPE) == "toc"
    chapter_links = [
        a.get("href") for a in toc.iterfind(".//x:a", NS) if a.get("href").startswith("chapter-")
    ]
    by_id = {c.id: c for c in book.chapters}
    arcs = 0
    for li in toc.iterfind("x:ol/x:li", NS):
        nested = [a.get("href") for a in li.iterfind("x:ol/x:li/x:a", NS)]
        if nested and all("#" not in h for h in nested):  # an arc (`naming: arcs: grouped`)
            arcs += 1
            chapters = [by_id[h.removesuffix(".xhtml")] for h in nested]
            label = li.findtext("x:a", namespaces=NS)
            assert {c.arc for c in chapters} == {label}
            # KDP: the arc is a link too, to its first chapter
            assert li.find("x:a", NS).get("href") == nested[0]
    assert arcs >= 1 if book.wording.group_arcs else arcs == 0
    # every chapter is listed, in reading order (an arc's link repeats its first chapter's)
    listed = list(dict.fromkeys(h for h in chapter_links if "#" not in h))
    assert listed == [f"{c.id}.xhtml" for c in book.chapters]

    landmarks = docs["toc.xhtml"].find(".//x:nav[@hidden]", NS)
    assert landmarks.get(EPUB_TYPE) == "landmarks"
    assert [a.get(EPUB_TYPE) for a in landmarks.iterfind(".//x:a", NS)] == [
        "cover",
        "toc",
        "bodymatter",
        "endnotes",
    ]
    ncx = docs["toc.ncx"]
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content") == book.metadata.identifier


def test_every_nav_and_ncx_entry_is_a_link(built: tuple[Book, Path]) -> None:
    docs = documents(built[1])
    files = set(docs)
    for li in docs["toc.xhtml"].iterfind(".//x:nav//x:li", NS):
        link = li.find("x:a", NS)
        assert link is not None and link.get("href"), etree.tostring(li)
        assert li.find("x:span", NS) is None
        assert link.get("href").split("#")[0] in files
    for content in docs["toc.ncx"].iterfind(".//ncx:navPoint/ncx:content", NS):
        assert content.get("src").split("#")[0] in files


def test_nav_and_ncx_are_two_levels_deep_by_default(built: tuple[Book, Path]) -> None:
    docs = documents(built[1])
    assert _depth(_toc(built[1]).find("x:ol", NS)) == 2
    ncx = docs["toc.ncx"]
    deepest = max(
        len(p.xpath("ancestor::ncx:navPoint", namespaces=NS)) for p in ncx.iterfind(".//ncx:navPoint", NS)
    )
    assert deepest + 1 == 2
    assert ncx.find(".//ncx:meta[@name='dtb:depth']", NS).get("content") == "2"


def test_a_book_without_arcs_shows_chapter_and_sections(tmp_path: Path) -> None:
    path, _ = build_tiny(tiny_book(), tmp_path / "build", tmp_path)
    toc = _toc(path)
    chapter = toc.find("x:ol/x:li", NS)
    assert chapter.find("x:a", NS).get("href") == "chapter-001.xhtml"
    assert [a.get("href") for a in chapter.iterfind("x:ol/x:li/x:a", NS)] == [
        "chapter-001.xhtml#chapter-001-s1"
    ]


@pytest.mark.parametrize(("depth", "nav_levels", "ncx_levels"), [(1, 1, 1), (2, 2, 2), (3, 3, 2)])
def test_toc_depth_sets_the_nav_and_caps_the_ncx_at_two(
    synth: Callable[..., Path], tmp_path: Path, depth: int, nav_levels: int, ncx_levels: int
) -> None:
    yaml = f"title: Synthetic Saga\nauthor: Test Author\ntoc_depth: {depth}\n" + GROUPED
    book, _, path = build(synth(chapters=8, book_yaml=yaml), tmp_path / "build")
    assert _depth(_toc(path).find("x:ol", NS)) == nav_levels
    ncx = documents(path)["toc.ncx"]
    deepest = max(
        len(p.xpath("ancestor::ncx:navPoint", namespaces=NS)) for p in ncx.iterfind(".//ncx:navPoint", NS)
    )
    assert deepest + 1 == ncx_levels
    if depth == 3:  # the third level is each chapter's section headings
        chapter = book.chapters[0]
        li = _toc(path).xpath(".//x:li[x:a/@href=$h]", namespaces=NS, h=f"{chapter.id}.xhtml")[-1]
        nested = [a.get("href") for a in li.iterfind("x:ol/x:li/x:a", NS)]
        assert nested == [f"{chapter.id}.xhtml#{h.id}" for h in chapter.headings]


def test_sample_nav_names_chapters_as_the_pdf_does(sample_epub: tuple[Book, Path]) -> None:
    toc = documents(sample_epub[1])["toc.xhtml"].find(".//x:nav[@role='doc-toc']/x:ol", NS)
    assert [a.text for a in toc.iterfind("x:li/x:a", NS)] == [
        "Chapter 35: Siberian War of Independence \u2013 8",
        "Chapter 37: Siberian War of Independence \u2013 10",
        "Notes",
    ]


def test_sample_nav_grouped_puts_both_chapters_under_their_arc(sample_source: Path, tmp_path: Path) -> None:
    with (sample_source / "book.yaml").open("a") as f:
        f.write(GROUPED)
    _, _, path = build(sample_source, tmp_path / "build")
    toc = documents(path)["toc.xhtml"].find(".//x:nav[@role='doc-toc']/x:ol", NS)
    arc = toc.find("x:li", NS)
    assert arc.findtext("x:a", namespaces=NS) == "Siberian War of Independence"
    assert arc.find("x:a", NS).get("href") == "chapter-035.xhtml"
    assert [a.text for a in arc.iterfind("x:ol/x:li/x:a", NS)] == [
        "Chapter 35: Part 8",
        "Chapter 37: Part 10",
    ]


def test_no_site_noise_or_markers_survive(built: tuple[Book, Path]) -> None:
    for name, doc in documents(built[1]).items():
        if not name.endswith(".xhtml"):
            continue
        for element in doc.iter(f"{{{NS['x']}}}p", *(f"{{{NS['x']}}}h{i}" for i in range(1, 7))):
            text = text_of(element).strip()
            assert text != "Notes" or element.get("id") == "endnotes-title", name
            assert "Where stories live" not in text, name
            assert "~~~" not in text, name
            assert not re.fullmatch(r"\d+ \d+ \d+", text), (name, text)
            assert not re.search(r"\*\d", text), (name, text)


def test_every_source_word_is_in_the_chapter_in_order(built: tuple[Book, Path]) -> None:
    book, path = built
    docs = documents(path)
    endnotes = docs["endnotes.xhtml"]
    for chapter in book.chapters:
        body, notes = source_body_and_notes(Path(chapter.location.path))
        assert body_text_tokens(docs[f"{chapter.id}.xhtml"]) == body, chapter.id
        rendered = [tokens(text_of(endnotes.xpath("//*[@id=$id]", id=n.id)[0])) for n in chapter.notes]
        assert rendered == notes, chapter.id


def test_hostile_text_stays_visible_text(sample_source: Path, tmp_path: Path) -> None:
    hostile = "Before <script>alert(1)</script> and {{ 1+1 }} and {% if true %}yes{% endif %} & <b>after</b>."
    chapter_file = sorted(sample_source.glob("0*.txt"))[0]
    text = chapter_file.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines.insert(5, hostile + "\n")
    chapter_file.write_text("\n".join(lines), encoding="utf-8")
    book, _, path = build(sample_source, tmp_path / "b")
    docs = documents(path)
    chapter = next(c for c in book.chapters if c.location.path.endswith(chapter_file.name))
    doc = docs[f"{chapter.id}.xhtml"]
    assert doc.find(".//x:script", NS) is None and doc.find(".//x:b", NS) is None
    paragraphs = [text_of(p) for p in doc.iterfind(".//x:p", NS)]
    match = [p for p in paragraphs if "alert(1)" in p]
    assert len(match) == 1
    for piece in ("<script>alert(1)</script>", "{{ 1+1 }}", "{% if true %}yes{% endif %}", "&", "<b>"):
        assert piece in match[0]


def test_unreferenced_note_has_no_backlink(tmp_path: Path) -> None:
    path, _ = build_tiny(tiny_book(unreferenced_note=True), tmp_path / "b", tmp_path)
    endnotes = documents(path)["endnotes.xhtml"]
    lonely = endnotes.xpath("//*[@id='note-2']")[0]
    assert lonely.get(EPUB_TYPE) == "endnote"
    assert lonely.find(".//x:a", NS) is None
    assert text_of(lonely).strip() == "Never referenced."


def test_language_is_carried_into_every_document(tmp_path: Path) -> None:
    path, _ = build_tiny(tiny_book(language="ja"), tmp_path / "b", tmp_path)
    for name, doc in documents(path).items():
        if name.endswith(".xhtml"):
            assert doc.get("lang") == doc.get(XML_LANG) == "ja", name


def test_same_input_gives_the_same_bytes(
    sample_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714000000")
    other = tmp_path / "elsewhere" / "source"
    shutil.copytree(sample_source, other)
    _, _, first = build(sample_source, tmp_path / "one")
    _, _, second = build(other, tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()


def test_a_failed_write_leaves_the_previous_epub(
    sample_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_dir = tmp_path / "b"
    _, _, path = build(sample_source, build_dir)
    before = path.read_bytes()
    book, config, _ = load(sample_source)
    assert book is not None and config is not None
    calls = {"n": 0}
    real = ziparchive.Deflater.deflate

    def failing(self: ziparchive.Deflater, name: str, data: bytes) -> bytes:
        calls["n"] += 1
        if calls["n"] > 4:  # well into the final archive
            raise OSError("disk full")
        return real(self, name, data)

    monkeypatch.setattr(ziparchive.Deflater, "deflate", failing)
    with pytest.raises(OSError, match="disk full"):
        build_epub(book, config, build_dir, Reporter())
    assert path.read_bytes() == before
    # no half-written leftovers (the build cache lives in .cache and is not an output)
    assert [p.name for p in build_dir.iterdir() if p.name != ".cache"] == [path.name]


def test_generated_cover_is_a_deterministic_png(tmp_path: Path) -> None:
    meta = tiny_book().metadata
    first, second = generate_cover(meta), generate_cover(meta)
    assert first.data == second.data
    assert first.media_type == "image/png" and first.file_name == "images/cover.png"
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(first.data)) as image:
        assert image.size == (WIDTH, HEIGHT) == (1600, 2560)


def test_configured_cover_is_used_unchanged(sample_source: Path, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (160, 256), (200, 10, 10)).save(sample_source / "art.jpg", format="JPEG")
    with open(sample_source / "book.yaml", "a", encoding="utf-8") as handle:
        handle.write("cover: art.jpg\n")
    _, _, path = build(sample_source, tmp_path / "b")
    with zipfile.ZipFile(path) as z:
        assert z.read("EPUB/images/cover.jpg") == (sample_source / "art.jpg").read_bytes()
    opf = documents(path)["content.opf"]
    item = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert (item.get("href"), item.get("media-type")) == ("images/cover.jpg", "image/jpeg")


def test_unusable_cover_is_E006_at_its_book_yaml_line(sample_source: Path, tmp_path: Path) -> None:
    (sample_source / "art.png").write_text("not an image", encoding="utf-8")
    with open(sample_source / "book.yaml", "a", encoding="utf-8") as handle:
        handle.write("cover: art.png\n")
    book, config, reporter = load(sample_source)
    assert book is not None and config is not None
    assert build_epub(book, config, tmp_path / "b", reporter) == []
    [diagnostic] = [d for d in reporter.diagnostics if d.code == "E006"]
    assert "art.png" in diagnostic.message and "not a readable image" in diagnostic.message
    assert diagnostic.location is not None and diagnostic.location.path.endswith("book.yaml")
    assert diagnostic.location.line == len((sample_source / "book.yaml").read_text().splitlines())
    assert not (tmp_path / "b" / "time-slip-reiwa-japan.epub").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Q. Doe", "Doe, Jane Q."),
        ("Homer", "Homer"),
        ("山田 太郎", "山田 太郎"),
    ],
)
def test_file_as(name: str, expected: str) -> None:
    assert epub_package.file_as(name) == expected
