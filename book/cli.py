"""The `book` command: manifest, the writers and checks of backends.py, serve, new; exit codes."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from pathlib import Path

from book import __version__, buildkey, progress
from book.backends import BACKENDS
from book.chapter_cache import KeptChapterDamaged
from book.chapter_cache import drop as drop_chapter_cache
from book.diagnostics import HaltBuild, Reporter, display_path
from book.ir import Book, dump
from book.manifest import known_pages, manifest_json, word_count
from book.output import atomic_write
from book.pipeline import load_book, split_volumes
from book.volume_build import write_volumes

EXIT_OK, EXIT_BOOK_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Shared options followed by a value, which may look like a command name (`--source epub`).
VALUE_OPTIONS = ("--source", "--build", "--format", "--port")


def _add_shared_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options valid both before and after the subcommand (`book --strict epub` = `book epub --strict`)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--source",
        metavar="DIR",
        type=Path,
        default=default(Path("source")),
        help="the manuscript folder (default: source)",
    )
    parser.add_argument(
        "--build",
        metavar="DIR",
        type=Path,
        default=default(Path("build")),
        help="where outputs go (default: build)",
    )
    parser.add_argument(
        "--strict", action="store_true", default=default(False), help="treat warnings as errors"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default=default("text"),
        help="how diagnostics are printed (json: one document on stderr)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="say more (per-chapter strip report)",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="book",
        description="Turn a folder of web-novel chapters into an EPUB3 and a print-ready PDF.",
    )
    parser.add_argument("--version", action="version", version=f"book {__version__}")
    _add_shared_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    helps = {"manifest": "read and check the manuscript, write BUILD/manifest.json"}
    helps.update((name, backend.help) for name, backend in BACKENDS.items())
    for name, text in helps.items():
        command = sub.add_parser(name, help=text, description=text)
        _add_shared_options(command, suppress=True)
        if name == "manifest":
            command.add_argument(
                "--ir", action="store_true", help="print the intermediate representation as JSON to stdout"
            )
    # Not a build: it reads only BUILD/opds.xml and the files that feed lists, never the source.
    text = "serve BUILD/opds.xml and the books it lists over HTTP, for e-readers (Ctrl-C stops)"
    command = sub.add_parser("serve", help=text, description=text)
    _add_shared_options(command, suppress=True)
    command.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    _add_new_command(sub)
    return parser


def _add_new_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`book new`: it starts a book rather than loading one, so it has options of its own."""
    text = "start a book repository in DIR: source/ with an example chapter, README, CI workflows"
    new = sub.add_parser("new", help=text, description=text)
    new.add_argument("dir", metavar="DIR", type=Path, help="the folder to create (new or empty)")
    new.add_argument("--title", help="the book's title (default: from DIR's name)")
    new.add_argument(
        "--author", action="append", required=True, help="the author's name (repeat for several)"
    )
    new.add_argument("--language", default="en", help="BCP 47 language tag (default: en)")
    new.add_argument(
        "--force",
        action="store_true",
        help="add the book to a folder that is not empty, replacing (and naming) files it needs",
    )
    new.add_argument(
        "--tool",
        metavar="SPEC",
        help="the pip requirement the book's CI installs (default: this tool, pinned)",
    )


def _run_new(args: argparse.Namespace, reporter: Reporter) -> int:
    # Imported here: every build would otherwise pay for what only `book new` uses.
    from book.new import BUILD, SOURCE, NewBook, create, tool_spec

    target: Path = args.dir
    title = (
        args.title if args.title is not None else target.absolute().name.replace("-", " ").replace("_", " ")
    )
    spec = NewBook(
        title=title.strip(),
        authors=tuple(a.strip() for a in args.author),
        language=args.language.strip(),
        tool=args.tool or tool_spec(),
    )
    written = create(target, spec, args.force, reporter)
    shown = display_path(target)
    print(f"created {shown}/: " + ", ".join(written))
    print(f"build it:  book --source {shown}/{SOURCE} --build {shown}/{BUILD} epub pdf check")
    return EXIT_OK


def _print_manifest(book: Book, written: Path, verbose: bool) -> None:
    for chapter in book.chapters:
        print(
            f"{chapter.number:>4}  {chapter.title}  [{chapter.location.path}]  "
            f"{word_count(chapter)} words, {len(chapter.notes)} notes"
        )
        if verbose:
            s = chapter.strip
            print(
                f"      stripped: {s.stats_lines} stats, {s.padding_lines} padding, "
                f"{s.notes_separators} separator, {s.notes_headings} notes heading, "
                f"{s.trailers} trailer, {s.control_characters} control chars"
            )
    totals = [c.strip for c in book.chapters]
    print(
        f"{len(book.chapters)} chapters, {len(book.notes)} endnotes; stripped "
        f"{sum(s.stats_lines for s in totals)} stats lines, "
        f"{sum(s.padding_lines for s in totals)} padding lines, "
        f"{sum(s.notes_separators for s in totals)} notes separators, "
        f"{sum(s.notes_headings for s in totals)} notes headings, "
        f"{sum(s.trailers for s in totals)} trailers"
    )
    print(f"wrote {display_path(written)}")


def _print_volumes(volumes: list[Book], build_dir: Path, settings: object) -> None:
    for volume in volumes:
        chapters = volume.chapters
        pages = known_pages(build_dir, volume, settings)
        shown = f"{pages} pages" if pages is not None else "pages not known until 'make pdf'"
        print(
            f"volume {volume.metadata.series.position if volume.metadata.series else 1}: "
            f"chapters {chapters[0].number}-{chapters[-1].number} ({len(chapters)}), "
            f"{sum(word_count(c) for c in chapters):,} words, {shown}  {volume.metadata.title}"
        )


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    """Load the book, then do what the command asks; diagnostics are collected in `reporter`."""
    if args.command == "serve":
        from book.serve import serve

        serve(args.build, args.port, reporter)
        return EXIT_OK
    if args.command == "new":
        return _run_new(args, reporter)
    if not getattr(args, "ir", False):
        progress.enable(sys.stdout)
    key = None
    digests: dict[Path, str] = {}  # the source files' sha256, from the no-op check to the reader
    backend = BACKENDS.get(args.command)
    if (
        backend is not None
        and backend.kind == "writer"
        and backend.skips_when_unchanged
        and args.source.is_dir()
    ):
        # A no-op build: same sources, code, styles, flags and date as the last good build, whose
        # outputs are untouched. Say so, replay its warnings, and skip everything else.
        key = buildkey.fingerprint(args.command, args.source, args.strict, digests, args.build)
    if key is not None:
        record = buildkey.lookup(args.build, args.command, key)
        if record is not None:
            reporter.diagnostics.extend(record.diagnostics)
            for path in record.outputs:
                print(f"up to date: {display_path(path)}")
            return EXIT_OK
    if backend is not None and backend.kind == "writer":
        backend.writer()  # imported now, so that its modules are settled with the others
    _settle_modules()
    book, config = load_book(args.source, reporter, args.build, digests)
    # With `volumes:` every command works on each volume, a complete book; else on the book.
    books = split_volumes(book, config, reporter)
    build_dir: Path = args.build
    manifest_path = build_dir / "manifest.json"
    split = books if config.volumes is not None else None
    atomic_write(manifest_path, manifest_json(book, split, build_dir, config.print).encode("utf-8"))
    if args.command == "manifest":
        if args.ir:
            print(dump(book))
        else:
            _print_manifest(book, manifest_path, args.verbose)
            if split is not None:
                _print_volumes(split, build_dir, config.print)
        return EXIT_OK
    assert backend is not None, args.command
    if backend.kind == "check":
        for volume in books:
            backend.check()(volume, config, build_dir, reporter)
        return EXIT_OK
    if backend.kind == "catalog":
        outputs = fresh = backend.catalog()(book, books, config, build_dir, reporter)
    elif split is None:
        outputs = fresh = backend.writer()(book, config, build_dir, reporter)
    else:
        outputs, fresh = write_volumes(backend, split, config, build_dir, args.strict, reporter)
    for path in fresh:
        print(f"wrote {display_path(path)}")
    if split is not None and fresh:  # the volumes' page counts are known now
        atomic_write(manifest_path, manifest_json(book, split, build_dir, config.print).encode("utf-8"))
    reporter.halt_if_errors()
    if key is not None and outputs:
        buildkey.store(build_dir, args.command, key, outputs, reporter.diagnostics)
    return EXIT_OK


def _settle_modules() -> None:
    """Take what is loaded so far out of the cyclic garbage collector's sight, once per process.

    The modules' objects (over a hundred thousand) live as long as the process, yet every full
    collection during a build would walk them all again: a tenth of an append build of 1,000
    chapters. Once only: what is created later is the build's, which must stay collectable.
    """
    global _SETTLED
    if not _SETTLED:
        _SETTLED = True
        gc.freeze()


_SETTLED = False


def command_groups(argv: list[str]) -> list[list[str]]:
    """`book [options] epub pdf check` → one argument list per command, in order, each with the
    options written before the first command (and its own after it). `book new` stands alone."""
    commands = {"manifest", "serve", *BACKENDS}
    starts: list[int] = []
    takes_value = False
    for index, token in enumerate(argv):
        if not takes_value and token in commands:
            starts.append(index)
        elif not takes_value and token == "new" and not starts:
            break
        takes_value = token in VALUE_OPTIONS
    if len(starts) < 2:
        return [argv]
    shared = argv[: starts[0]]
    return [shared + argv[start:end] for start, end in zip(starts, [*starts[1:], len(argv)], strict=True)]


def main(argv: list[str] | None = None) -> int:
    """Run each command given, in order, stopping at the first that fails (like make)."""
    for group in command_groups(sys.argv[1:] if argv is None else argv):
        code = _main_one(group)
        if code:
            return code
    return EXIT_OK


def _run_once_more_if_cache_damaged(args: argparse.Namespace, reporter: Reporter) -> int:
    """`run`; if a kept chapter turns out not to decode, drop the chapter cache and run again.

    Not a diagnostic: the book is fine and the build succeeds (also under --strict), but the user
    should know why it took longer, and where to look if it keeps happening.
    """
    try:
        return run(args, reporter)
    except KeptChapterDamaged as damaged:
        drop_chapter_cache(args.build)
        print(
            f"book: a kept chapter in {display_path(args.build / '.cache')} does not decode "
            f"({damaged}); the chapter cache was dropped and the book is built again from its sources",
            file=sys.stderr,
        )
        reporter.diagnostics.clear()  # the second run reports them all again
        return run(args, reporter)


def _main_one(argv: list[str]) -> int:
    args = make_parser().parse_args(argv)
    reporter = Reporter(strict=args.strict)
    try:
        code = _run_once_more_if_cache_damaged(args, reporter)
    except HaltBuild:
        code = reporter.exit_code()
    except KeyboardInterrupt:
        reporter.emit(fmt=args.format)
        print("book: interrupted; no output was replaced", file=sys.stderr)
        return 130
    except OSError as exc:  # the machine, not the book: a full disk, a read-only build folder
        reporter.emit(fmt=args.format)
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"book: cannot write the output: {exc.strerror or exc}{where}; no output was replaced",
            file=sys.stderr,
        )
        return EXIT_BOOK_ERRORS
    except Exception as exc:  # a bug in this tool, not in the user's book
        reporter.emit(fmt=args.format)
        if os.environ.get("BOOK_DEBUG"):
            traceback.print_exc()
        print(
            f"book: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in the tool, not in your book. Run again with BOOK_DEBUG=1 "
            "for the traceback and report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        progress.disable()
    reporter.emit(fmt=args.format)
    return code if code else reporter.exit_code()


if __name__ == "__main__":
    sys.exit(main())
