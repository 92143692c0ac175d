"""`book serve`: the OPDS catalog and the files it lists, over HTTP, for e-readers on the same network.

Only the feed and the files its links name (books, cover, thumbnail) are served; every other path,
including `..` tricks, percent-encoded ones, absolute paths, the build cache and the source, is a 404.
No directory listing. The feed is read again on every request, so a rebuild shows at once.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from lxml import etree

from book.diagnostics import Reporter, display_path
from book.ir import SourceLocation
from book.writers.opds import ACQUISITION_FEED_TYPE, ATOM, FEED_NAME

DEFAULT_PORT = 8000


class FeedMissing(Exception):
    """There is no catalog to serve."""


def served_files(build_dir: Path) -> dict[str, tuple[Path, str]]:
    """URL path → (file, media type) for the feed and every file it links to that exists in `build_dir`."""
    feed = build_dir / FEED_NAME
    try:
        root = etree.parse(str(feed), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise FeedMissing(str(exc)) from exc
    files = {f"/{FEED_NAME}": (feed, ACQUISITION_FEED_TYPE), "/": (feed, ACQUISITION_FEED_TYPE)}
    base = build_dir.resolve()
    for link in root.iter(f"{{{ATOM}}}link"):
        href = unquote(link.get("href", ""))
        # Only plain names beside the feed: no folders, no schemes, no parent references.
        if not href or "/" in href or "\\" in href or href in (".", "..") or ":" in href:
            continue
        path = (build_dir / href).resolve()
        if path.parent == base and path.is_file():
            files[f"/{href}"] = (path, link.get("type") or "application/octet-stream")
    return files


class CatalogHandler(BaseHTTPRequestHandler):
    """GET and HEAD for exactly the files of the catalog; 404 for anything else."""

    build_dir: Path
    server_version = "book-serve"

    def _lookup(self) -> tuple[Path, str] | None:
        # The raw path is decoded once and compared as a whole: `/../x`, `/%2e%2e/x` and
        # `//etc/passwd` are simply not keys of the map, so they can never reach the disk.
        path = unquote(urlsplit(self.path).path)
        try:
            return served_files(self.build_dir).get(path)
        except FeedMissing:
            return None

    def _respond(self, body: bool) -> None:
        found = self._lookup()
        if found is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        path, media_type = found
        try:
            handle = path.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        with handle:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(path.stat().st_size))
            if path.name != FEED_NAME:
                self.send_header("Content-Disposition", f'attachment; filename="{path.name}"')
            self.end_headers()
            if body:
                shutil.copyfileobj(handle, self.wfile)

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def local_address() -> str:
    """This machine's address on the local network (what a device types), else localhost."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        # No packet is sent: connecting a UDP socket only picks the outgoing interface.
        probe.connect(("10.254.254.254", 1))
        address: str = probe.getsockname()[0]
        return address
    return "127.0.0.1"


def make_server(build_dir: Path, port: int, host: str = "") -> ThreadingHTTPServer:
    handler = type("Handler", (CatalogHandler,), {"build_dir": build_dir})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(build_dir: Path, port: int, reporter: Reporter, out: TextIO = sys.stdout) -> None:
    """Serve until Ctrl-C; D002 or D003 (reported) when it cannot start."""
    feed = build_dir / FEED_NAME
    where = SourceLocation(display_path(feed))
    try:
        served_files(build_dir)
    except FeedMissing:
        reporter.report(
            "D002", f"no catalog at '{display_path(feed)}': run 'make epub kepub opds' first", where
        )
        return
    try:
        server = make_server(build_dir, port)
    except OSError as exc:
        reporter.report("D003", f"cannot listen on port {port}: {exc.strerror or exc}; try PORT=8080", where)
        return
    with server:
        actual = server.server_address[1]
        print(f"Serving {display_path(feed)} and the files it lists on port {actual}.", file=out)
        print(
            f"Add this catalog in KOReader or any OPDS reader: http://{local_address()}:{actual}/{FEED_NAME}",
            file=out,
        )
        print("Press Ctrl-C to stop.", file=out, flush=True)
        # A service manager or `kill` stops it as cleanly as Ctrl-C does.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped", file=out, flush=True)
        finally:
            signal.signal(signal.SIGTERM, previous)
