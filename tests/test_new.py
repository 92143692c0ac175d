"""`book new`: the book repository it writes, and what each bad input gets (B001–B008)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from book import new
from book.cli import command_groups, main
from book.new import NewBook
from book.resources import SETUP_DIR
from tests.conftest import ROOT

FILES = [
    "source/book.yaml",
    f"source/{new.CHAPTER_FILE}",
    ".gitignore",
    "README.md",
    new.GITHUB_WORKFLOW,
    new.GITLAB_CI,
]


def run_new(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    """`book --format json new ...` in process: exit code, diagnostics, what it printed."""
    code = main(["--format", "json", "new", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.err)["diagnostics"], captured.out


def only(diagnostics: list[dict[str, Any]], code: str) -> dict[str, Any]:
    found = [d for d in diagnostics if d["code"] == code]
    assert found, f"{code} not reported; got {diagnostics}"
    return found[0]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_new_book_has_every_file_and_loads_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, diagnostics, out = run_new(
        capsys, "my-novel", "--title", 'My Novel: "Yes"', "--author", "A. Writer", "--language", "en-GB"
    )
    assert (code, diagnostics) == (0, [])
    assert sorted(p for p in FILES) == sorted(
        str(p.relative_to("my-novel")) for p in Path("my-novel").rglob("*") if p.is_file()
    )
    assert "book --source my-novel/source --build my-novel/build epub pdf check" in out
    config = yaml.safe_load(Path("my-novel/source/book.yaml").read_text())
    assert (config["title"], config["author"], config["language"]) == (
        'My Novel: "Yes"',
        ["A. Writer"],
        "en-GB",
    )
    assert config["identifier"].startswith("urn:uuid:")
    assert "/build/" in Path("my-novel/.gitignore").read_text().split()
    readme = Path("my-novel/README.md").read_text()
    assert readme.startswith('# My Novel: "Yes"') and "git tag v1.0.0" in readme and "opds.xml" in readme
    # The book as written passes the reader, the notes and the config checks with --strict.
    assert main(["--source", "my-novel/source", "--build", "my-novel/build", "--strict", "manifest"]) == 0
    manifest = json.loads(Path("my-novel/build/manifest.json").read_text())
    assert [c["notes"] for c in manifest["chapters"]] == [1]
    assert manifest["book"]["title"] == 'My Novel: "Yes"'


def test_title_defaults_to_the_folder_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_new(capsys, str(tmp_path / "the-long-road"), "--author", "A")
    assert code == 0
    assert (
        yaml.safe_load((tmp_path / "the-long-road/source/book.yaml").read_text())["title"] == "the long road"
    )


def test_an_empty_folder_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "empty"
    target.mkdir(mode=0o750)
    code, _, _ = run_new(capsys, str(target), "--title", "T", "--author", "A")
    assert code == 0 and (target / "source" / "book.yaml").is_file()
    assert oct(target.stat().st_mode & 0o777) == "0o750"  # the user's own folder, kept
    assert sorted(tree(target)) == sorted({*FILES, "source", ".github", ".github/workflows"})  # no staging


def test_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, out = run_new(capsys, ".", "--title", "Here", "--author", "A")
    assert code == 0 and sorted(tree(tmp_path)) == sorted({*FILES, "source", ".github", ".github/workflows"})
    assert "build it:  book --source ./source --build ./build epub pdf check" in out


def test_a_failure_while_moving_into_a_folder_takes_every_file_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "LICENSE").write_text("kept")
    real_replace = os.replace
    moves: list[str] = []

    def fail_on_the_fourth(source: Any, destination: Any) -> None:
        moves.append(str(destination))
        if len(moves) == 4:
            raise OSError(5, "Input/output error", str(destination))
        real_replace(source, destination)

    monkeypatch.setattr(new.os, "replace", fail_on_the_fourth)
    code, diagnostics, _ = run_new(capsys, str(target), "--title", "T", "--author", "A", "--force")
    found = only(diagnostics, "B006")
    assert code == 2 and found["message"].startswith("cannot create the book: Input/output error")
    assert len(moves) == 4 and tree(tmp_path) == ["repo", "repo/LICENSE"]


def test_missing_parent_folders_are_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_new(capsys, str(tmp_path / "a" / "b" / "book"), "--title", "T", "--author", "A")
    assert code == 0 and (tmp_path / "a/b/book/README.md").is_file()


def test_b001_a_file_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    code, diagnostics, _ = run_new(capsys, str(target), "--title", "T", "--author", "A")
    found = only(diagnostics, "B001")
    assert code == 2 and found["message"] == "is a file, not a folder: give a folder for the new book"
    assert (found["file"], found["line"]) == (str(target), None)
    assert target.read_text() == "mine" and tree(tmp_path) == ["notes.txt"]


def test_b002_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "full"
    target.mkdir()
    (target / "README.md").write_text("mine")
    code, diagnostics, _ = run_new(capsys, str(target), "--title", "T", "--author", "A")
    found = only(diagnostics, "B002")
    assert code == 2 and found["message"].startswith(
        "the folder is not empty; choose a new folder, or add --force"
    )
    assert (found["file"], found["line"]) == (str(target), None)
    assert tree(tmp_path) == ["full", "full/README.md"] and (target / "README.md").read_text() == "mine"


def test_b003_a_title_without_a_slug(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, diagnostics, _ = run_new(capsys, str(tmp_path / "b"), "--title", "!!! ???", "--author", "A")
    found = only(diagnostics, "B003")
    assert code == 2 and found["message"] == (
        "the title '!!! ???' has no letter or digit to name the book's files by; "
        "give a --title with at least one"
    )
    assert (found["file"], found["line"]) == (None, None)
    assert tree(tmp_path) == []


def test_b004_an_invalid_language_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, diagnostics, _ = run_new(
        capsys, str(tmp_path / "b"), "--title", "T", "--author", "A", "--language", "english!"
    )
    found = only(diagnostics, "B004")
    assert code == 2
    assert found["message"] == "--language 'english!' is not a BCP 47 language tag (like 'en', 'en-GB', 'ja')"
    assert (found["file"], found["line"]) == (None, None)
    assert tree(tmp_path) == []


def test_b005_force_replaces_a_file_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "README.md").write_text("mine")
    (target / "LICENSE").write_text("kept")
    code, diagnostics, _ = run_new(capsys, str(target), "--title", "T", "--author", "A", "--force")
    found = only(diagnostics, "B005")
    assert code == 0 and found["severity"] == "warning"
    assert found["message"] == "replaced the existing README.md"
    assert (found["file"], found["line"]) == (str(target / "README.md"), None)
    assert [d["code"] for d in diagnostics] == ["B005"]  # only the one file that was there
    assert (target / "LICENSE").read_text() == "kept" and (target / "README.md").read_text().startswith("# T")
    assert sorted(tree(target)) == sorted({"LICENSE", *FILES, "source", ".github", ".github/workflows"})
    assert [p.name for p in tmp_path.iterdir()] == ["repo"]  # the staging folder is gone


def test_b006_cannot_write_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain-file").write_text("x")
    target = tmp_path / "plain-file" / "book"
    code, diagnostics, _ = run_new(capsys, str(target), "--title", "T", "--author", "A")
    found = only(diagnostics, "B006")
    assert code == 2 and found["message"].startswith("cannot create the book: Not a directory")
    assert (found["file"], found["line"]) == (str(target), None)
    assert tree(tmp_path) == ["plain-file"]


def test_b006_a_failure_mid_write_leaves_no_partial_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = Path.write_text
    written: list[str] = []

    def fail_on_the_third(self: Path, *args: Any, **kwargs: Any) -> int:
        written.append(self.name)
        if len(written) == 3:
            raise OSError(28, "No space left on device", str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fail_on_the_third)
    code, diagnostics, _ = run_new(capsys, str(tmp_path / "deep" / "book"), "--title", "T", "--author", "A")
    assert code == 2 and "No space left on device" in only(diagnostics, "B006")["message"]
    assert len(written) == 3 and tree(tmp_path) == []  # no book, no staging folder, no parent made for it


def test_b007_an_empty_author(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, diagnostics, _ = run_new(capsys, str(tmp_path / "b"), "--title", "T\x07", "--author", " ")
    messages = [d["message"] for d in diagnostics if d["code"] == "B007"]
    assert code == 2
    assert messages == ["--title 'T\\x07' holds the control character U+0007", "--author must not be empty"]
    assert {(d["file"], d["line"]) for d in diagnostics} == {(None, None)}
    assert tree(tmp_path) == []


def test_b008_something_in_the_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "source").write_text("a file where the book needs a folder")
    code, diagnostics, _ = run_new(capsys, str(target), "--title", "T", "--author", "A", "--force")
    found = only(diagnostics, "B008")
    assert code == 2
    assert (
        found["message"] == f"{target / 'source'} is in the way of source/book.yaml, which the new book needs"
    )
    assert (found["file"], found["line"]) == (str(target), None)
    assert tree(tmp_path) == ["repo", "repo/source"]


def test_several_commands_in_one_call() -> None:
    assert command_groups(["--source", "epub", "--build", "b", "epub", "pdf", "--strict", "check"]) == [
        ["--source", "epub", "--build", "b", "epub"],
        ["--source", "epub", "--build", "b", "pdf", "--strict"],
        ["--source", "epub", "--build", "b", "check"],
    ]
    assert command_groups(["epub"]) == [["epub"]]
    assert command_groups(["new", "epub", "--author", "A"]) == [["new", "epub", "--author", "A"]]


def test_several_commands_stop_at_the_first_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("001 - One\n\nText *1 here.\n")
    status = main(["--source", str(tmp_path / "src"), "--build", str(tmp_path / "b"), "manifest", "epub"])
    assert status == 1 and "error[N001]" in capsys.readouterr().err
    assert not list((tmp_path / "b").glob("*.epub"))


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


@pytest.mark.parametrize(
    ("direct_url", "spec"),
    [
        (
            '{"url": "https://example.org/me/book.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}',
            "book-as-code @ git+https://example.org/me/book.git@abc123",
        ),
        ('{"url": "file:///home/me/book", "dir_info": {}}', "book-as-code==0.1.0"),
        (None, "book-as-code==0.1.0"),
    ],
)
def test_the_workflow_pins_the_tool_it_was_made_with(
    direct_url: str | None, spec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(new.importlib.metadata, "distribution", lambda name: FakeDistribution(direct_url))
    assert new.tool_spec() == spec


def _github_commands(workflow: dict[str, Any]) -> list[str]:
    lines = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    return [line.strip() for block in lines for line in block.splitlines()]


def _gitlab_commands(gitlab: dict[str, Any]) -> list[str]:
    return [line.strip() for block in gitlab["build"]["script"] for line in block.splitlines()]


def test_the_gitlab_file_parses_and_runs_the_same_commands(tmp_path: Path) -> None:
    files = new.render_files(NewBook("Two Ways", ("A",), "en", "book-as-code==9.9"))
    github = yaml.safe_load(files[new.GITHUB_WORKFLOW])
    gitlab = yaml.safe_load(files[new.GITLAB_CI])
    assert github["env"]["BOOK_TOOL"] == gitlab["variables"]["BOOK_TOOL"] == "book-as-code==9.9"
    assert gitlab["build"]["image"] == github["jobs"]["build"]["container"]
    # Every command of the tool (install, setup scripts, build, check, catalog) in both, in order.
    ours = ("python -m pip", "bash ", "book ", "export BOOK_TOOLS_DIR", "setup=")
    in_github = [c for c in _github_commands(github) if c.startswith(ours)]
    in_gitlab = [c for c in _gitlab_commands(gitlab) if c.startswith(ours)]
    assert in_github == in_gitlab and len(in_github) >= 8
    assert any(c.endswith("--strict epub kepub pdf") for c in in_gitlab)
    assert any(c.endswith("--strict check") for c in in_gitlab)
    assert set(gitlab["build"]["artifacts"]["paths"]) == set(
        github["jobs"]["build"]["steps"][-1]["with"]["path"].split()
    )
    assert {"release", "pages"} <= set(gitlab) and gitlab["release"]["rules"] == [{"if": "$CI_COMMIT_TAG"}]


def test_the_github_workflow_caches_on_sources_and_tool_and_releases_on_tags() -> None:
    workflow = yaml.safe_load(new.render_workflow(NewBook("T", ("A",), "en", "x"), "github"))
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as true
    cache = next(
        s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/cache")
    )
    assert cache["with"]["path"] == "build/.cache"
    assert "steps.tool.outputs.id" in cache["with"]["key"] and "hashFiles('source/**'" in cache["with"]["key"]
    release = workflow["jobs"]["release"]
    assert release["if"] == "github.ref_type == 'tag'" and release["needs"] == "build"
    assert [s.get("uses", "").split("@")[0] for s in release["steps"]][-2:] == [
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]


def test_this_projects_workflow_is_generated_from_the_template() -> None:
    shipped = (ROOT / new.GITHUB_WORKFLOW).read_text(encoding="utf-8")
    assert shipped == new.project_workflow(ROOT / "source"), (
        "run: .venv/bin/python -m book.new > .github/workflows/book.yml"
    )


def test_the_packaged_setup_scripts_are_the_projects() -> None:
    """The book's CI installs the validators with the very scripts this project's CI runs."""
    for name in ("setup-epub.sh", "setup-pdf.sh"):
        assert (SETUP_DIR / name).read_bytes() == (ROOT / ".ci" / name).read_bytes()
