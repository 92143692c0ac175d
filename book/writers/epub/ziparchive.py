"""The EPUB's ZIP container, written from entries deflated once and kept between builds.

zipfile can only write an entry by compressing it, so appending one chapter to a book of a
thousand would deflate the thousand again. This writer lays out the same bytes zipfile writes
(local headers, data, central directory, end record; no data descriptors, no extra fields) from
raw deflate streams, which `Deflater` keeps in BUILD/.cache by the digest of what they hold.
"""

from __future__ import annotations

import base64
import hashlib
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


@dataclass(frozen=True)
class Packed:
    """A document as the ZIP holds it: its raw deflate stream, and the CRC-32 and size of the document."""

    stream: bytes
    crc: int
    size: int


def content_digest(data: bytes) -> str:
    """What a kept stream is found by: the digest of the document it holds."""
    return hashlib.sha256(data).hexdigest()


def pack(data: bytes) -> Packed:
    """`data` compressed as the ZIP holds it."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Packed(compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def unpack(packed: Packed) -> bytes:
    """The document a compressed stream holds; ValueError if it does not inflate to its size."""
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(packed.stream)
    except zlib.error as exc:
        raise ValueError(f"not a deflate stream: {exc}") from None
    if len(data) != packed.size or not inflater.eof or inflater.unused_data:
        raise ValueError("the stream does not hold the document")
    return data


def packed_to_data(packed: Packed, digest_of_content: str) -> list[object]:
    """A compressed document as a JSON-able cache value (`packed_from_data` reads it back)."""
    stream = base64.b64encode(packed.stream).decode("ascii")
    return [digest_of_content, packed.crc, packed.size, stream, content_digest(packed.stream)]


def packed_from_data(value: object, digest_of_content: str) -> Packed:
    """A kept compressed document, which must hold the document with this digest; ValueError if not.

    The value names the document's digest (so a value moved under another key is refused) and its
    stream's own (so a torn or altered stream is refused) without inflating a thousand documents.
    """
    if type(value) is not list or len(value) != 5:
        raise ValueError("not a kept deflate stream")
    sha, crc, size, text, stream_sha = value
    if sha != digest_of_content or type(crc) is not int or type(size) is not int or type(text) is not str:
        raise ValueError("not the kept stream of this document")
    # Not validate=True: a third slower, and the stream's digest refuses any damage anyway.
    stream = base64.b64decode(text)
    if content_digest(stream) != stream_sha or not 0 <= crc < 2**32 or size < 0:
        raise ValueError("the kept deflate stream is damaged")
    return Packed(stream, crc, size)


class Deflater:
    """Raw deflate streams by content digest: a document unchanged since the last build is not
    compressed again. Kept as base64 text in a cache bundle (plain data, like every cache entry).

    A writer that keeps its documents' streams itself (the EPUB's chapters) hands them over with
    `adopt`, or has one made with `pack`, and gives the document as empty data: an unchanged
    chapter is never loaded, let alone compressed.
    """

    def __init__(self, build_dir: Path | None, suffix: str = "") -> None:
        # `suffix`: one bundle per volume, since a bundle keeps only what its last build used.
        self.bundle = Bundle(build_dir, "epub-deflated" + suffix) if build_dir is not None else None
        self.adopted: dict[str, Packed] = {}
        LAST_WRITE.compressed.clear()
        LAST_WRITE.reused.clear()

    @staticmethod
    def _key(digest_of_content: str) -> str:
        return digest("deflate", str(LEVEL), zlib.ZLIB_VERSION, digest_of_content)

    def adopt(self, name: str, packed: Packed) -> None:
        """Write the entry `name` (given as empty data) as this kept stream."""
        self.adopted[name] = packed
        LAST_WRITE.reused.append(name)

    def pack(self, name: str, data: bytes) -> Packed:
        """Compress `data` now for the entry `name` (given as empty data), for the caller to keep."""
        self.adopted[name] = packed = pack(data)
        LAST_WRITE.compressed.append(name)
        return packed

    def deflate(self, name: str, data: bytes) -> Packed:
        """`data` as a raw deflate stream: the one adopted, or kept from an earlier build, else
        compressed now."""
        adopted = self.adopted.get(name)
        if adopted is not None and not data:
            return adopted
        sha = content_digest(data)
        key = self._key(sha)
        kept = self.bundle.get(key, partial(packed_from_data, digest_of_content=sha)) if self.bundle else None
        if kept is not None and kept.size == len(data):
            LAST_WRITE.reused.append(name)
            return kept
        LAST_WRITE.compressed.append(name)
        packed = pack(data)
        if self.bundle is not None:
            self.bundle.put(key, packed_to_data(packed, sha))
        return packed

    def save(self) -> None:
        if self.bundle is not None:
            self.bundle.save()


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
            if entry.stored:
                packed = Packed(entry.data, zlib.crc32(entry.data), len(entry.data))
            else:
                packed = deflater.deflate(entry.name, entry.data)
            body = packed.stream
            fields = (method, time, date, packed.crc, len(body), packed.size, len(name))
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
