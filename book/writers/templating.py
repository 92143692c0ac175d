"""The one Jinja environment both writers render with: logic-free templates, autoescaped, strict."""

from __future__ import annotations

import functools

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
