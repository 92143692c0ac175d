"""The CI workflow `book new` writes, run here step by step: a fresh venv, the tool installed by pip
from this checkout, the validators' setup scripts, the strict build and the real validators.

GitHub is not reachable, so steps that call a GitHub action (`uses:`) are skipped; every `run:`
step runs in order, in bash as the runner starts it, with the runner's environment files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from book.cli import main
from book.new import GITHUB_WORKFLOW
from tests.conftest import ROOT

REPOSITORY = "writer/local-run"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def copy_of_the_tool(target: Path) -> Path:
    """What pip needs to install this checkout, copied so pip's build folder stays out of the repo
    (book/setup/ holds symlinks to .ci/: copied as the files they point to, as a wheel does)."""
    target.mkdir()
    shutil.copytree(ROOT / "book", target / "book", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    return target


def runner_env(book_dir: Path, venv: Path, workflow: dict[str, Any], job: dict[str, Any]) -> dict[str, str]:
    """The environment a GitHub runner gives a step: its variables, the workflow's and the job's env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(book_dir),
        GITHUB_REPOSITORY=REPOSITORY,
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_REF="refs/heads/main",
        GITHUB_REF_NAME="main",
        GITHUB_REF_TYPE="branch",
        GITHUB_EVENT_NAME="push",
    )
    for block in (workflow.get("env", {}), job.get("env", {})):
        for key, value in block.items():
            assert "${{" not in str(value), f"{key}: an expression only GitHub can evaluate"
            env[key] = str(value)
    return env


def run_step(
    step: dict[str, Any], env: dict[str, str], cwd: Path, files: Path
) -> subprocess.CompletedProcess[str]:
    """One `run:` step as the runner runs it (`bash --noprofile --norc -eo pipefail`), then what it
    wrote to GITHUB_ENV joins the environment of the steps after it."""
    script = step["run"]
    assert "${{" not in script, f"step {step.get('name')!r} needs GitHub to evaluate an expression"
    github_env, output = files / "env", files / "output"
    github_env.write_text("")
    output.write_text("")
    (files / "step.sh").write_text(script)
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(files / "step.sh")],
        cwd=cwd,
        env={**env, **step.get("env", {}), "GITHUB_ENV": str(github_env), "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    for line in github_env.read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    return result


@pytest.mark.slow
def test_the_generated_workflow_builds_and_checks_the_new_book_here(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed (apt-get install git)")
    tool = copy_of_the_tool(tmp_path / "tool")
    book_dir = tmp_path / "local-run"
    assert (
        main(["new", str(book_dir), "--title", "Local Run", "--author", "T. Tester", "--tool", str(tool)])
        == 0
    )
    capsys.readouterr()
    # The author's side: commit the new book (the build dates it by the last commit).
    git_env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org"}
    git_env.update(GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_GLOBAL=os.devnull)
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "A new book"]):
        subprocess.run(["git", *command], cwd=book_dir, env=git_env, check=True)
    # The runner's side: a Python with nothing installed, as actions/setup-python leaves it.
    venv = tmp_path / "venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
    # DAISY Ace is already on this machine (the project's .tools/, from .ci/setup-epub.sh): the
    # setup script finds the pinned version in the book's .tools/ and skips the npm install it
    # would do on a fresh runner. Without it here, the script installs it from npm.
    ace = ROOT / ".tools" / "node_modules"
    if (ace / ".bin" / "ace-cli").exists():
        (book_dir / ".tools").mkdir()
        (book_dir / ".tools" / "node_modules").symlink_to(ace.resolve())

    workflow = yaml.safe_load((book_dir / GITHUB_WORKFLOW).read_text())
    job = workflow["jobs"]["build"]
    env = runner_env(book_dir, venv, workflow, job)
    ran: list[str] = []
    output = ""
    for step in job["steps"]:
        if "uses" in step:
            continue
        assert "if" not in step, "the build job runs every step on every push"
        result = run_step(step, env, book_dir, tmp_path)
        assert result.returncode == 0, f"{step['name']}:\n{result.stdout}\n{result.stderr}"
        ran.append(step["name"])
        output += result.stdout + result.stderr

    assert ran[0] == "Install the book tool" and len(ran) >= 6
    assert (venv / "bin" / "book").exists(), "the workflow installed the tool into the runner's Python"
    assert env["SOURCE_DATE_EPOCH"].isdigit()
    built = sorted(p.name for p in (book_dir / "build").iterdir() if p.is_file())
    assert {"local-run.epub", "local-run.kepub.epub", "local-run.pdf"} <= set(built), built
    assert "checked build/local-run.epub (EPUBCheck, Ace): no findings" in output
    assert "checked build/local-run.pdf (print preflight): no findings" in output
    # Clean: no diagnostic, so no annotation on any line.
    assert "::error" not in output and "::warning" not in output, output
    feed = etree.parse(str(book_dir / "build" / "opds.xml"))
    assert feed.xpath("//a:entry/a:link[@rel='http://opds-spec.org/acquisition']/@href", namespaces=ATOM) == [
        "local-run.epub",
        "local-run.kepub.epub",
        "local-run.pdf",
    ]

    # The run for a version tag: the same build (a no-op now), then the catalog linking to the
    # release's downloads, then the release job's steps with a stand-in for GitHub's `gh`.
    env.update(GITHUB_REF="refs/tags/v1.0.0", GITHUB_REF_NAME="v1.0.0", GITHUB_REF_TYPE="tag")
    catalog = next(s for s in job["steps"] if s.get("name", "").startswith("Write the OPDS catalog"))
    result = run_step(catalog, env, book_dir, tmp_path)
    assert result.returncode == 0, result.stderr
    release_url = f"https://github.com/{REPOSITORY}/releases/download/v1.0.0/"
    links = etree.parse(str(book_dir / "build" / "opds.xml")).xpath("//a:entry/a:link/@href", namespaces=ATOM)
    assert links and all(href.startswith(release_url) for href in links), links
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "gh").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/gh-args"\n')
    (fake_bin / "gh").chmod(0o755)
    env["PATH"] = f"{fake_bin}{os.pathsep}{env['PATH']}"
    release = workflow["jobs"]["release"]
    assert release["needs"] == "build" and release["if"] == "github.ref_type == 'tag'"
    for step in release["steps"]:
        if "uses" not in step:
            result = run_step(step, env, book_dir, tmp_path)
            assert result.returncode == 0, f"{step['name']}:\n{result.stderr}"
    args = (tmp_path / "gh-args").read_text().split("\n")
    assert args[:2] == ["release", "create"] and "v1.0.0" in args
    # Every file the catalog links to is attached to the release, under the name it links to.
    attached = {Path(a).name for a in args if a.startswith("build/")}
    assert {href.removeprefix(release_url) for href in links} <= attached, (links, attached)
    assert all((book_dir / a).is_file() for a in args if a.startswith("build/"))
    assert (book_dir / "public" / "opds.xml").read_bytes() == (book_dir / "build" / "opds.xml").read_bytes()
