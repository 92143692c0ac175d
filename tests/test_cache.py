"""Incremental builds: a no-op is skipped, any changed input rebuilds, cached output equals uncached,
and the cache holds only data: a planted or corrupt entry is a miss, never code and never a crash."""

from __future__ import annotations

import json
import pickle
import random
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from book.cache import Bundle
from book.cli import main

EPOCH = "1700000000"


def epub(source: Path, build: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["epub", "--source", str(source), "--build", str(build)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("BOOK_NO_CACHE", raising=False)


def test_no_op_rebuild_is_skipped_and_replays_warnings(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_source / "book.yaml").write_text("title: Time Slip Reiwa Japan\n")  # chapter 36 gap: a warning
    build = tmp_path / "build"
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "wrote" in out and "warning[M002]" in err
    first = (build / "time-slip-reiwa-japan.epub").read_bytes()
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "up to date" in out and "warning[M002]" in err
    assert (build / "time-slip-reiwa-japan.epub").read_bytes() == first


def test_changed_inputs_rebuild(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = tmp_path / "build"
    epub(sample_source, build, capsys)
    chapter = next(sample_source.glob("000_*.txt"))
    chapter.write_text(chapter.read_text().replace("Stalin", "Molotov", 1))
    _, out, _ = epub(sample_source, build, capsys)
    assert "wrote" in out
    # a removed or replaced output is rebuilt too
    (build / "time-slip-reiwa-japan.epub").unlink()
    _, out, _ = epub(sample_source, build, capsys)
    assert "wrote" in out


def test_a_style_change_rebuilds_everything(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from book.resources import STYLES_DIR, user_styles_dir

    # The user's own styles/ beside the source folder overrides the package's stylesheet.
    styles = user_styles_dir(sample_source)
    styles.mkdir()
    shutil.copy(STYLES_DIR / "epub.css", styles / "epub.css")
    build = tmp_path / "build"
    epub(sample_source, build, capsys)
    assert "up to date" in epub(sample_source, build, capsys)[1]
    (styles / "epub.css").write_text((styles / "epub.css").read_text() + "\n/* changed */\n")
    assert "wrote" in epub(sample_source, build, capsys)[1]
    with zipfile.ZipFile(build / "time-slip-reiwa-japan.epub") as z:
        assert b"/* changed */" in z.read("EPUB/css/epub.css")
    # and the rebuilt book is the one a build without any cache makes
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    epub(sample_source, tmp_path / "cold", capsys)
    name = "time-slip-reiwa-japan.epub"
    assert (build / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_cached_output_equals_uncached(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = tmp_path / "warm"
    epub(sample_source, warm, capsys)
    chapter = next(sample_source.glob("001_*.txt"))
    chapter.write_text(chapter.read_text() + "\n")  # forces a rebuild that reuses the chapter cache
    epub(sample_source, warm, capsys)
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    cold = tmp_path / "cold"
    epub(sample_source, cold, capsys)
    assert not (cold / ".cache").exists()
    name = "time-slip-reiwa-japan.epub"
    assert (warm / name).read_bytes() == (cold / name).read_bytes()


def test_adding_a_chapter_reuses_the_compressed_chapters_and_equals_a_cold_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from book.synth import SynthOptions, chapter_text, write_book
    from book.writers.epub.ziparchive import LAST_WRITE

    options = SynthOptions(chapters=12, words_per_chapter=400, notes_per_chapter=2)
    source = tmp_path / "source"
    write_book(source, options)
    build = tmp_path / "build"
    assert epub(source, build, capsys)[0] == 0
    assert LAST_WRITE.reused == [] and len(LAST_WRITE.compressed) > 12
    (source / "new.txt").write_text(chapter_text(13, options), encoding="utf-8")
    assert epub(source, build, capsys)[0] == 0
    incremental = (build / "synthetic-saga.epub").read_bytes()
    with zipfile.ZipFile(build / "synthetic-saga.epub") as book:
        chapters = [n for n in book.namelist() if n.startswith("EPUB/ch")]
    assert len(chapters) == 13
    # Only what the new chapter changes is compressed again: itself, the package, contents, notes.
    assert set(chapters) - set(LAST_WRITE.compressed) == set(chapters[:12])
    assert set(chapters[:12]) <= set(LAST_WRITE.reused)
    assert len(LAST_WRITE.compressed) <= 6, LAST_WRITE.compressed
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    assert epub(source, tmp_path / "cold", capsys)[0] == 0
    assert (tmp_path / "cold" / "synthetic-saga.epub").read_bytes() == incremental


# --- the cache holds data, never code ------------------------------------------------------------

BUNDLES = ("chapters", "epub-chapters", "epub-deflated")
# Every file name a cache reader has ever opened: the pickles of old versions, and today's bundles
# and JSON records (the no-op record of `epub` is builds/ep/epub).
PLANTED = (
    *(f"{name}.pickle" for name in BUNDLES),
    *(f"{name}.bundle" for name in BUNDLES),
    "builds/ep/epub",
    "builds/pd/pdf",
)


class Plant:
    """A pickle whose unpickling creates `marker`: what a poisoned CI cache could hold."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def hostile_pickle(marker: Path) -> bytes:
    payload = pickle.dumps(Plant(marker))
    pickle.loads(payload).close()  # the payload does run when unpickled...
    assert marker.exists()
    marker.unlink()  # ...so a build that unpickles it would leave the marker
    return payload


def cold_epub(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> bytes:
    with monkeypatch.context() as m:
        m.setenv("BOOK_NO_CACHE", "1")
        assert epub(source, tmp_path / "cold", capsys)[0] == 0
    return (tmp_path / "cold" / "time-slip-reiwa-japan.epub").read_bytes()


def test_a_planted_pickle_is_never_run(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    payload = hostile_pickle(marker)
    build = tmp_path / "build"
    for name in PLANTED:
        (build / ".cache" / name).parent.mkdir(parents=True, exist_ok=True)
        (build / ".cache" / name).write_bytes(payload)
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "wrote" in out, err
    assert not marker.exists()
    assert (build / "time-slip-reiwa-japan.epub").read_bytes() == cold_epub(
        sample_source, tmp_path, capsys, monkeypatch
    )
    # the same payload over every file a warm build left, after an edit so that every cache is read
    for path in cache_files(build):
        path.write_bytes(payload)
    chapter = next(sample_source.glob("001_*.txt"))
    chapter.write_text(chapter.read_text() + "\n")
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "wrote" in out, err
    assert not marker.exists()


def cache_files(build: Path) -> list[Path]:
    files = sorted(p for p in (build / ".cache").rglob("*") if p.is_file())
    assert files
    return files


# Each corruption rewrites a build's cache files (all of them, as a restored cache could).


def _random(paths: list[Path]) -> None:
    for path in paths:
        path.write_bytes(random.Random(str(path)).randbytes(max(64, path.stat().st_size)))


def _truncated(paths: list[Path]) -> None:
    for path in paths:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _json_entry(path: Path) -> bool:
    """A cache file holding one JSON entry (not a bundle, not a PDF part's bytes)."""
    return path.suffix != ".bundle" and path.read_bytes().startswith(b"{")


def _bundle_lines(path: Path) -> list[list[bytes]]:
    return [line.split(b"\t") for line in path.read_bytes().splitlines()]  # KEY<tab>VERSION<tab>JSON


def _write_bundle(path: Path, lines: list[list[bytes]]) -> None:
    path.write_bytes(b"".join(b"\t".join(line) + b"\n" for line in lines))


def _wrong_version(paths: list[Path]) -> None:
    for path in paths:
        if path.suffix == ".bundle":
            _write_bundle(path, [[key, b"999", value] for key, _, value in _bundle_lines(path)])
        elif _json_entry(path):
            path.write_text(json.dumps({**json.loads(path.read_bytes()), "version": 999}))


def _foreign(paths: list[Path]) -> None:
    """Entries of the right version and key whose values are some other cache's (or nothing like any)."""
    others = {"chapters": "epub-chapters", "epub-chapters": "epub-deflated"}
    firsts = {p.stem: _bundle_lines(p)[0][2] for p in paths if p.suffix == ".bundle"}
    for path in paths:
        if path.suffix == ".bundle":
            value = firsts[others.get(path.stem, "chapters")]
            _write_bundle(path, [[key, version, value] for key, version, _ in _bundle_lines(path)])
        elif _json_entry(path):
            entry = json.loads(path.read_bytes())
            path.write_text(json.dumps({**entry, "value": [entry["value"], {"type": "Text", "text": 1}]}))


def _swapped(paths: list[Path]) -> None:
    """Entries holding another entry's value: valid data, of another chapter, document or cache."""
    for path in paths:
        if path.suffix == ".bundle":  # all the first entry's (a rotation would only reorder chapters)
            lines = _bundle_lines(path)
            _write_bundle(path, [[key, version, lines[0][2]] for key, version, _ in lines])
    entries = [path for path in paths if _json_entry(path)]
    values = [json.loads(path.read_bytes())["value"] for path in entries]
    for path, value in zip(entries, values[1:] + values[:1], strict=True):
        path.write_text(json.dumps({"version": json.loads(path.read_bytes())["version"], "value": value}))


CORRUPTIONS = [_random, _truncated, _wrong_version, _foreign, _swapped]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_a_corrupt_cache_is_a_miss(
    corrupt: Callable[[list[Path]], None],
    sample_source: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (sample_source / "book.yaml").write_text("title: Time Slip Reiwa Japan\n")  # a warning to replay
    build = tmp_path / "build"
    assert epub(sample_source, build, capsys)[0] == 0
    files = cache_files(build)
    assert {p.name for p in files} >= {f"{name}.bundle" for name in BUNDLES} | {"epub"}
    corrupt(files)
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "wrote" in out and "internal error" not in err, err
    assert "warning[M002]" in err
    assert (build / "time-slip-reiwa-japan.epub").read_bytes() == cold_epub(
        sample_source, tmp_path, capsys, monkeypatch
    )
    # the misses were rebuilt and stored again: the next build is a no-op
    assert "up to date" in epub(sample_source, build, capsys)[1]


def test_no_pickle_in_the_package() -> None:
    package = Path(__file__).resolve().parent.parent / "book"
    hits = [p for p in package.rglob("*") if p.is_file() and b"pickle" in p.read_bytes().lower()]
    assert hits == []


# --- Bundle: many JSON values in one file ----------------------------------------------------------


def test_a_bundle_keeps_what_a_build_used(tmp_path: Path) -> None:
    bundle = Bundle(tmp_path, "things")
    bundle.put("a1", {"x": [1, "é", None, True]})
    bundle.put("b2", "\udcff lone surrogate")
    bundle.save()
    again = Bundle(tmp_path, "things")
    assert again.get("a1") == {"x": [1, "é", None, True]} and again.get("zz") is None
    again.save()  # used only a1: b2 is dropped
    third = Bundle(tmp_path, "things")
    assert third.get("b2") is None and third.get("a1") == {"x": [1, "é", None, True]}
    stamp = third.path.stat().st_mtime_ns
    third.save()  # nothing changed: not rewritten
    assert third.path.stat().st_mtime_ns == stamp


def test_a_bundle_entry_its_decoder_refuses_is_a_miss(tmp_path: Path) -> None:
    bundle = Bundle(tmp_path, "things")
    bundle.put("a1", [1, 2])
    bundle.save()

    def refuse(value: object) -> object:
        raise ValueError("not mine")

    again = Bundle(tmp_path, "things")
    assert again.get("a1", refuse) is None
    assert again.get("a1", lambda value: tuple(value)) == (1, 2)
    with pytest.raises(ValueError):
        again.put("a\tb", 1)  # a key could otherwise break the line format
