"""The WeasyPrint internals the folio lifting relies on are there, and a change is named clearly."""

from __future__ import annotations

import tomllib
from types import SimpleNamespace

import pytest
import weasyprint
from packaging.requirements import Requirement
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import MarginBox

from book.writers.pdf.layout import WeasyPrintChanged, _lift_folio
from tests.conftest import ROOT

FOLIO_CSS = "@page { size: 5in 8in; @bottom-center { content: counter(page) } } .plain { page: plain } "
PLAIN_CSS = "@page plain { @bottom-center { content: none } }"


def test_the_installed_weasyprint_still_has_the_internals_lift_folio_uses() -> None:
    html = (
        f"<style>{FOLIO_CSS}{PLAIN_CSS}</style><p>One</p><p class='plain' style='break-before: page'>Two</p>"
    )
    pages = HTML(string=html).render().pages
    try:
        lifted = [_lift_folio(page) for page in pages]
    except WeasyPrintChanged as exc:
        pytest.fail(str(exc))
    assert lifted == [True, False], "the @bottom-center margin box is no longer where _lift_folio looks"


def test_a_missing_page_box_is_named() -> None:
    with pytest.raises(WeasyPrintChanged, match=r"changed Page\._page_box") as caught:
        _lift_folio(SimpleNamespace())
    assert weasyprint.__version__ in str(caught.value)


def test_a_margin_box_without_at_keyword_is_named() -> None:
    box = MarginBox.__new__(MarginBox)  # a margin box as a later WeasyPrint might make it
    page = SimpleNamespace(_page_box=SimpleNamespace(children=[box]))
    with pytest.raises(WeasyPrintChanged, match=r"changed MarginBox\.at_keyword"):
        _lift_folio(page)


def test_pyproject_pins_weasyprint_between_a_floor_and_a_ceiling_that_hold_this_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (requirement,) = [Requirement(d) for d in project["dependencies"] if d.startswith("weasyprint")]
    operators = {spec.operator for spec in requirement.specifier}
    assert operators == {">=", "<"}, f"weasyprint needs a floor and a ceiling, got {requirement}"
    assert requirement.specifier.contains(weasyprint.__version__), (
        f"WeasyPrint {weasyprint.__version__} is outside {requirement.specifier}"
    )
