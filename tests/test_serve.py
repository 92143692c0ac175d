"""`book serve` over real HTTP: the feed and its books byte for byte, anything else 404, Ctrl-C stops."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from book.cli import main
from book.serve import served_files
from tests.conftest import ROOT, SAMPLE

SLUG = "time-slip-reiwa-japan"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve") / "build"
    for command in ("epub", "kepub", "opds"):
        assert main([command, "--source", str(SAMPLE), "--build", str(folder)]) == 0
    # Things that sit in the build folder but are not in the feed: never served.
    (folder / "secret.txt").write_text("not for devices")
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(build: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "book", "serve", "--build", str(build), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(3)]
    assert f":{port}/opds.xml" in banner[1], banner
    yield port, process
    if process.poll() is None:
        process.kill()
        process.wait()


def _get(port: int, path: str, method: str = "GET") -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        # http.client sends the path exactly as given: no client-side clean-up of `..` or `%2e`.
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "name", "media_type"),
    [
        ("/opds.xml", "opds.xml", "application/atom+xml;profile=opds-catalog;kind=acquisition"),
        ("/", "opds.xml", "application/atom+xml;profile=opds-catalog;kind=acquisition"),
        (f"/{SLUG}.kepub.epub", f"{SLUG}.kepub.epub", "application/kepub+zip"),
        (f"/{SLUG}.epub", f"{SLUG}.epub", "application/epub+zip"),
        (f"/{SLUG}.cover.png", f"{SLUG}.cover.png", "image/png"),
        (f"/{SLUG}.thumbnail.jpg?size=small", f"{SLUG}.thumbnail.jpg", "image/jpeg"),
    ],
)
def test_serves_the_feed_and_its_files_byte_for_byte(
    server: tuple[int, subprocess.Popen[str]], build: Path, path: str, name: str, media_type: str
) -> None:
    status, body, headers = _get(server[0], path)
    assert status == 200
    assert body == (build / name).read_bytes()
    assert headers["Content-Type"] == media_type
    assert int(headers["Content-Length"]) == len(body)


def test_head_answers_without_a_body(server: tuple[int, subprocess.Popen[str]], build: Path) -> None:
    status, body, headers = _get(server[0], f"/{SLUG}.kepub.epub", "HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == (build / f"{SLUG}.kepub.epub").stat().st_size


@pytest.mark.parametrize(
    "path",
    [
        "/../source/book.yaml",
        "/%2e%2e/source/book.yaml",
        "/%2E%2E%2Fsource%2Fbook.yaml",
        "/..%2f..%2f..%2fetc%2fpasswd",
        f"/{SLUG}.epub/../../source/book.yaml",
        "/etc/passwd",
        "//etc/passwd",
        "/%2Fetc%2Fpasswd",
        f"/{Path('/etc/passwd').as_posix()}",
        "/.cache/",
        "/.cache",
        "/.cache/builds.json",
        "/manifest.json",
        "/secret.txt",
        "/build/opds.xml",
        "/source/book.yaml",
        "/opds.xml/",
        "/nope",
    ],
)
def test_everything_else_is_404(server: tuple[int, subprocess.Popen[str]], path: str) -> None:
    status, body, _ = _get(server[0], path)
    assert status == 404
    assert b"Index of" not in body and b"book.yaml" not in body


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_kill_stops_cleanly(build: Path, stop: signal.Signals) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "book", "serve", "--build", str(build), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for _ in range(3):
        process.stdout.readline()
    assert _get(port, "/opds.xml")[0] == 200
    process.send_signal(stop)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_a_feed_cannot_point_outside_the_build_folder(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    (tmp_path / "outside.epub").write_bytes(b"x")
    (build / "inside.epub").write_bytes(b"x")
    (build / ".cache").mkdir()
    hrefs = [
        "../outside.epub",
        "/etc/passwd",
        "file:///etc/passwd",
        ".cache",
        "%2e%2e/outside.epub",
        "inside.epub",
    ]
    links = "".join(
        f'<link rel="http://opds-spec.org/acquisition" href="{h}" type="application/epub+zip"/>'
        for h in hrefs
    )
    (build / "opds.xml").write_text(
        f'<feed xmlns="http://www.w3.org/2005/Atom"><entry>{links}</entry></feed>'
    )
    assert sorted(served_files(build)) == ["/", "/inside.epub", "/opds.xml"]


def test_no_catalog_is_D002(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--build", str(tmp_path / "empty"), "--format", "json"])
    found = json.loads(capsys.readouterr().err)["diagnostics"]
    d = next(d for d in found if d["code"] == "D002")
    assert "make epub kepub opds" in d["message"] and d["file"].endswith("opds.xml")
    assert status == 1


def test_a_busy_port_is_D003(build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["serve", "--build", str(build), "--port", str(port), "--format", "json"])
    found = json.loads(capsys.readouterr().err)["diagnostics"]
    d = next(d for d in found if d["code"] == "D003")
    assert str(port) in d["message"] and d["file"].endswith("opds.xml")
    assert status == 1
