"""Progress per build stage: a bar on a terminal, one plain line per stage in CI logs, silence in tests."""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Iterator
from typing import TextIO


class Stage:
    """One stage's counter; `advance()` as work items finish."""

    def __init__(self, name: str, total: int, display: Display | None) -> None:
        self.name, self.total, self.done = name, total, 0
        self._display = display
        self._started = time.perf_counter()
        self._drawn = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._display is not None:
            now = time.perf_counter()
            # Redraw at most 20 times a second: drawing must not cost more than the work.
            if now - self._drawn > 0.05 or self.done >= self.total:
                self._drawn = now
                self._display.draw(self)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started


class Display:
    """Where progress goes: a redrawn bar on a TTY, else a line when each stage ends."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()

    def draw(self, stage: Stage) -> None:
        if not self.tty:
            return
        width = max(10, min(40, shutil.get_terminal_size().columns - 40))
        filled = int(width * stage.done / stage.total) if stage.total else width
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{stage.name:<11} {bar} {stage.done}/{stage.total}")
        self.stream.flush()

    def finish(self, stage: Stage) -> None:
        line = f"{stage.name:<11} {stage.done}/{stage.total} in {stage.elapsed:.1f} s"
        self.stream.write(("\r\x1b[K" if self.tty else "") + line + "\n")
        self.stream.flush()


_display: Display | None = None


def enable(stream: TextIO | None = None) -> None:
    """Turn progress output on (the CLI does; library use and tests stay silent)."""
    global _display
    _display = Display(stream or sys.stdout)


def disable() -> None:
    global _display
    _display = None


@contextlib.contextmanager
def stage(name: str, total: int) -> Iterator[Stage]:
    """`with stage("rendering", len(chapters)) as bar: ... bar.advance()`."""
    current = Stage(name, total, _display)
    yield current
    if _display is not None:
        _display.finish(current)
