"""Run a call with half a megabyte of CPython's frame stack free above it, so deep layout never thrashes.

CPython 3.11 and 3.12 keep Python frames in chunks of a per-thread stack and free a chunk as soon
as its first frame returns (python/cpython#142183, fixed in 3.13 and 3.14 by keeping one chunk).
WeasyPrint's layout calls deep and often; when its hot calls happen to straddle a chunk boundary,
every call maps and unmaps a chunk. Which call depth straddles one depends on everything above
WeasyPrint, down to one more function in our command line: measured on a 30-chapter book, the same
layout took 0.3 to 1.5 s of system time (65,000 to 265,000 page faults) by call depth alone.

A frame that asks for a large stack gets a chunk of its own at least twice its size, and the
frames it calls are placed in what it leaves free: a whole WeasyPrint layout fits, no chunk is
freed until the call returns, and the time no longer depends on the depth it starts at (0.15 s of
system time, 60,000 page faults, at every depth tried). The frame's extra stack is never written,
so it costs address space, not memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

ROOM_BYTES = 512 * 1024


def with_stack_room(function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """`function(*args, **kwargs)`, called from a frame with ROOM_BYTES of stack above it."""
    return function(*args, **kwargs)


if sys.implementation.name == "cpython":
    # The frame's size is its locals plus its evaluation stack, as the code object declares it.
    with_stack_room.__code__ = with_stack_room.__code__.replace(co_stacksize=ROOM_BYTES // 8)
