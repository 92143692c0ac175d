"""The EPUB's ZIP container, written from entries deflated once and kept between builds.

zipfile can only write an entry by compressing it, so appending one chapter to a book of a
thousand would deflate the thousand again. This writer lays out the same bytes zipfile writes
(local headers, data, central directory, end record; no data descriptors, no extra fields) from
raw deflate streams, which `Deflater` keeps in BUILD/.cache by the digest of what they hold.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from book.cache import Bundle, digest

LEVEL = 9
VERSION = 20  # 2.0: deflate; what zipfile writes for every entry
UNIX = 3
FILE_MODE = 0o644 << 16
STORED, DEFLATED = 0, 8
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
END_RECORD = struct.Struct("<4s4H2LH")


@dataclass
class Stats:
    """Which entries the last EPUB written compressed and which it reused (for tests, the benchmark)."""

    compressed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


LAST_WRITE = Stats()


class Deflater:
    """Raw deflate streams by content digest: a document unchanged since the last build is not
    compressed again. Kept as base64 text in a cache bundle (plain data, like every cache entry)."""

    def __init__(self, build_dir: Path | None, suffix: str = "") -> None:
        # `suffix`: one bundle per volume, since a bundle keeps only what its last build used.
        self.bundle = Bundle(build_dir, "epub-deflated" + suffix) if build_dir is not None else None
        LAST_WRITE.compressed.clear()
        LAST_WRITE.reused.clear()

    def deflate(self, name: str, data: bytes) -> bytes:
        """`data` as a raw deflate stream: the one kept from an earlier build, else compressed now."""
        key = digest("deflate", str(LEVEL), zlib.ZLIB_VERSION, data)
        kept = self.bundle.get(key, partial(_stream_of, data=data)) if self.bundle is not None else None
        if kept is not None:
            LAST_WRITE.reused.append(name)
            return kept
        LAST_WRITE.compressed.append(name)
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        if self.bundle is not None:
            self.bundle.put(key, base64.b64encode(packed).decode("ascii"))
        return packed

    def save(self) -> None:
        if self.bundle is not None:
            self.bundle.save()


def _stream_of(value: object, data: bytes) -> bytes:
    """A kept entry as the raw deflate stream of `data`, checked by inflating it (a few ms for a whole
    book): a damaged or foreign entry would otherwise go into the EPUB. ValueError if it is not."""
    if type(value) is not str:
        raise ValueError("not a kept deflate stream")
    packed = base64.b64decode(value, validate=True)
    inflater = zlib.decompressobj(-15)
    try:
        same = inflater.decompress(packed) == data and inflater.eof and not inflater.unused_data
    except zlib.error:
        same = False
    if not same:
        raise ValueError("the kept deflate stream does not hold the document")
    return packed


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes
    stored: bool = False  # OCF: the mimetype is stored, everything else deflated


def _dos_time(stamp: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def write_zip(
    target: Path, entries: Sequence[Entry], stamp: tuple[int, int, int, int, int, int], deflater: Deflater
) -> None:
    """Write `entries` in order, every one with the time `stamp`, as a Unix 0644 file."""
    time, date = _dos_time(stamp)
    central = []
    offset = 0
    with open(target, "wb") as out:
        for entry in entries:
            name = entry.name.encode("utf-8")
            flags = 0 if name.isascii() else 0x800  # the UTF-8 name flag
            method = STORED if entry.stored else DEFLATED
            body = entry.data if entry.stored else deflater.deflate(entry.name, entry.data)
            crc = zlib.crc32(entry.data)
            fields = (method, time, date, crc, len(body), len(entry.data), len(name))
            out.write(LOCAL_HEADER.pack(b"PK\x03\x04", VERSION, 0, flags, *fields, 0))
            out.write(name)
            out.write(body)
            central.append(
                CENTRAL_HEADER.pack(
                    b"PK\x01\x02", VERSION, UNIX, VERSION, 0, flags, *fields, 0, 0, 0, 0, FILE_MODE, offset
                )
                + name
            )
            offset += LOCAL_HEADER.size + len(name) + len(body)
        directory = b"".join(central)
        out.write(directory)
        out.write(END_RECORD.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0))
    deflater.save()
