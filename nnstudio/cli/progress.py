"""Terminal progress: a bar for training, in the style of Keras' own, and a line for loading
(downloading) a dataset."""

from __future__ import annotations

import sys
import time

from nnstudio.core.training.loop import Reporter, RunInfo

WIDTH = 20


def _metrics(logs: dict[str, float]) -> str:
    shown = sorted((k, v) for k, v in logs.items() if k != "learning_rate")
    return " - ".join(f"{k}: {v:.4f}" for k, v in shown)


class TerminalProgress(Reporter):
    """Redraws one line per epoch while a terminal shows it; prints one line per epoch when
    the output goes to a file."""

    def __init__(self, stream=None, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.live = getattr(self.stream, "isatty", lambda: False)()
        self.interval = interval
        self._info: RunInfo | None = None
        self._last_draw = 0.0
        self._epoch_start = 0.0
        self._running = {}

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def started(self, info: RunInfo) -> None:
        self._info = info

    def _bar(self, step: int) -> str:
        total = self._info.steps_per_epoch
        done = round(WIDTH * step / total)
        elapsed = time.perf_counter() - self._epoch_start
        per_step = elapsed / max(step, 1)
        eta = per_step * (total - step)
        timing = (
            f"ETA {eta:.0f}s" if step < total else f"{elapsed:.0f}s {per_step * 1000:.0f}ms/step"
        )
        return f"{step:>{len(str(total))}}/{total} {'━' * done}{' ' * (WIDTH - done)} {timing}"

    def batch(self, epoch: int, step: int, logs: dict[str, float]) -> None:
        if step == 0:
            self._epoch_start = time.perf_counter()
            self._write(f"Epoch {epoch + 1}/{self._info.epochs}\n")
        self._running = logs
        now = time.perf_counter()
        if self.live and now - self._last_draw >= self.interval:
            self._last_draw = now
            running = {k: v for k, v in logs.items() if k != "loss"}
            self._write(f"\r{self._bar(step + 1)} - {_metrics(running)}\033[K")

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        line = f"{self._bar(self._info.steps_per_epoch)} - {_metrics(logs)}"
        self._write(("\r" if self.live else "") + line + ("\033[K" if self.live else "") + "\n")

    def message(self, text: str) -> None:
        self._write(text + "\n")


class LoadingProgress:
    """A dataset's ``progress(fraction, text)``: one line redrawn in a terminal (a download's
    percentage), a line per step of at least 10% when the output goes to a file."""

    def __init__(self, stream=None, interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.live = getattr(self.stream, "isatty", lambda: False)()
        self.interval = interval
        self._last = (0.0, None, -1.0)  # time, text, fraction
        self._drawn = False

    def __call__(self, fraction: float | None, text: str) -> None:
        now = time.perf_counter()
        shown = text if fraction is None else f"{text}: {fraction:.0%}"
        last_time, last_text, last_fraction = self._last
        if self.live:
            if text == last_text and now - last_time < self.interval and fraction != 1.0:
                return
            self.stream.write(f"\r{shown}\033[K")
            self._drawn = True
        else:
            step = fraction is not None and text == last_text
            if step and fraction < 1.0 and fraction - last_fraction < 0.1:
                return
            self.stream.write(shown + "\n")
        self.stream.flush()
        self._last = (now, text, -1.0 if fraction is None else fraction)

    def done(self) -> None:
        """End the redrawn line, if any, before other output."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
