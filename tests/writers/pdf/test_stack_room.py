"""A call made with stack room does not map and unmap a frame-stack chunk on every deep call."""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable

import pytest

from book.writers.pdf.stack_room import ROOM_BYTES, with_stack_room

REPEAT = 2000


def _descend(depth: int) -> int:
    return 0 if depth == 0 else _descend(depth - 1) + 1


# Frames of about 1 KB: a chunk of CPython's frame stack (16 KB) holds a dozen of them, so the
# depths below cross a chunk boundary, as WeasyPrint's layout does with its own frames.
_descend.__code__ = _descend.__code__.replace(co_stacksize=128)


def _worst_page_faults() -> int:
    """The most page faults REPEAT descents to one depth cost, over depths that cross a chunk."""
    worst = 0
    for depth in range(1, 40):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(REPEAT):
            _descend(depth)
        worst = max(worst, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return worst


def test_the_call_is_made_with_its_arguments() -> None:
    def join(*parts: str, sep: str = "") -> str:
        return sep.join(parts)

    assert with_stack_room(join, "a", "b", sep="-") == "a-b"


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's frame stack only")
def test_deep_calls_in_the_room_fault_no_pages() -> None:
    assert with_stack_room.__code__.co_stacksize * 8 >= ROOM_BYTES
    run: Callable[[], int] = _worst_page_faults
    assert with_stack_room(run) < REPEAT // 10
