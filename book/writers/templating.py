"""The Jinja environments: autoescaped for the writers' markup, plain text for the files `book new` writes."""

from __future__ import annotations

import functools
import json
import shlex

import jinja2

from book.resources import TEMPLATES_DIR


@functools.cache
def environment(folder: str) -> jinja2.Environment:
    """The environment for templates/<folder>; one per process, since parts render it many times.

    Autoescape makes every `<`, `&` and `{{` in the book's text inert; StrictUndefined turns a
    missing value into an error instead of an empty string.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template(folder: str, name: str) -> jinja2.Template:
    """The template `name` from templates/<folder>."""
    return environment(folder).get_template(name)


@functools.cache
def text_environment(folder: str) -> jinja2.Environment:
    """The environment for plain-text files (YAML, Markdown, shell): no HTML escaping, still strict.

    Values that land in YAML go through the `yaml` filter, which writes them as quoted scalars, so a
    title like `Yes: "No"` stays one string; values in a shell command go through `shell`.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = _yaml_scalar
    env.filters["shell"] = shlex.quote
    return env


def _yaml_scalar(value: str) -> str:
    """A double-quoted YAML scalar: JSON's string syntax is valid YAML and escapes everything needed."""
    return json.dumps(value, ensure_ascii=False)


def text_template(folder: str, name: str) -> jinja2.Template:
    """The plain-text template `name` from templates/<folder>."""
    return text_environment(folder).get_template(name)
