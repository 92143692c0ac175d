"""A WeasyPrint URL fetcher that serves only the project's styles/, the book's source folder and data:."""

from __future__ import annotations

import base64
import mimetypes
import urllib.parse
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """Refuses every URL but data: and file: URLs below the allowed folders (no network, no /etc)."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return _data_url(url)
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise ValueError(f"refused URL {url!r}: only local style and source files are served")
        path = Path(urllib.parse.unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ValueError(f"refused URL {url!r}: outside styles/ and the source folder")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".otf":
            mime = "font/otf"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


def _data_url(url: str) -> URLFetcherResponse:
    header, _, payload = url[5:].partition(",")
    mime = header.split(";")[0] or "text/plain"
    body = base64.b64decode(payload) if header.endswith(";base64") else urllib.parse.unquote_to_bytes(payload)
    return URLFetcherResponse(url, body, {"Content-Type": mime})
