"""Stroke to updated bars: how long after a pen move the Playground shows the model's new answer.

The Playground tab with article 002's CNN (template "mnist-cnn"; the weights do not change the
time) gets a stroke of pen moves; each is timed from the move event reaching the pad to the
probability bars painted again (the drawing prepared MNIST-style, the model called, the bars
and the activation mosaic updated, the bars repainted). Baseline, in the same run: the same
path with ``model.predict`` instead of nnstudio's traced function. Target: p95 under 10 ms.

    python benchmarks/playground_latency.py [--moves N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from nnstudio.core.building import build_model
from nnstudio.core.inference import Prediction, Predictor
from nnstudio.core.templates import template
from nnstudio.gui.app import application
from nnstudio.gui.background import Threads
from nnstudio.gui.playground.playground_panel import PlaygroundPanel

TARGET_P95_MS = 10.0
DIGITS = tuple(str(i) for i in range(10))


class KerasPredict:
    """The baseline: the same answer through ``model.predict``."""

    def __init__(self, predictor: Predictor) -> None:
        self._predictor = predictor
        self.input_shape = predictor.input_shape

    def __call__(self, x):
        model = self._predictor.model
        outputs = model.predict(np.asarray(x, np.float32), verbose=0)[0]  # x: a batch of one
        return Prediction(outputs, outputs.astype(np.float64), DIGITS)


def _move(pad, x: float, y: float, press: bool) -> None:
    position = QPointF(x, y)
    kind = QEvent.Type.MouseButtonPress if press else QEvent.Type.MouseMove
    button = Qt.MouseButton.LeftButton if press else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind,
        position,
        pad.mapToGlobal(position),
        button,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(pad, event)


def stroke_latencies(panel: PlaygroundPanel, moves: int) -> list[float]:
    """Milliseconds from each move event to the bars painted with its answer."""
    app = QApplication.instance()
    pad = panel.draw.pad
    shown: list[int] = []
    panel.predicted.connect(lambda _: shown.append(1))
    times = []
    side = min(pad.width(), pad.height())
    for i in range(moves):
        if i % 40 == 0:
            pad.clear()
        t = i % 40 / 40
        x = pad.width() / 2 + side * 0.3 * np.sin(6.28 * t)
        y = pad.height() / 2 + side * 0.35 * np.cos(3.14 * t)
        before = len(shown)
        start = time.perf_counter()
        _move(pad, x, y, press=i % 40 == 0)
        while len(shown) == before:
            app.processEvents()
            if time.perf_counter() - start > 10:
                raise RuntimeError(f"no answer to pen move {i}: {panel.bars.detail.text()}")
        panel.bars.repaint()  # painted, not only scheduled
        times.append((time.perf_counter() - start) * 1000)
    return times


def figures(times: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "max_ms": round(max(times), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = application()
    threads = Threads()
    panel = PlaygroundPanel(threads)
    panel.resize(1200, 600)
    panel.show()
    model = build_model(template("mnist-cnn").architecture)
    panel.set_model(model, DIGITS, "article 002's CNN")
    while panel.predictor is None:
        app.processEvents()
    predictor = panel.predictor
    stroke_latencies(panel, 40)  # warm up both paths
    nnstudio = stroke_latencies(panel, args.moves)
    panel.predictor = KerasPredict(predictor)
    stroke_latencies(panel, 10)
    baseline = stroke_latencies(panel, max(40, args.moves // 4))
    result = {
        "moves": args.moves,
        "nnstudio": figures(nnstudio),
        "model_predict": figures(baseline),
        "target_p95_ms": TARGET_P95_MS,
    }
    result["speedup_p95"] = round(
        result["model_predict"]["p95_ms"] / result["nnstudio"]["p95_ms"], 1
    )
    result["passed"] = result["nnstudio"]["p95_ms"] < TARGET_P95_MS
    panel.close()
    threads.wait()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"Stroke to updated bars, article 002's CNN, {args.moves} pen moves:")
        for name in ("nnstudio", "model_predict"):
            f = result[name]
            print(
                f"  {name:14} p50 {f['p50_ms']:6.2f} ms  p95 {f['p95_ms']:6.2f} ms  "
                f"max {f['max_ms']:6.2f} ms"
            )
        print(
            f"  p95 {result['speedup_p95']}x faster than model.predict; target p95 < "
            f"{TARGET_P95_MS:g} ms: {'PASS' if result['passed'] else 'FAIL'}"
        )
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
