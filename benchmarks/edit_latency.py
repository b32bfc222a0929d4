"""How long an edit takes to reach the screen, on a 50-layer stack, in the window.

An edit is what typing in the inspector does: a parameter changes through the undo stack, the
summary is recomputed, and every view showing it repaints. The time runs from the keystroke's
value change until Qt has painted everything the edit invalidated. Target: under 16 ms (one
frame at 60 Hz). The baseline, in the same run, is a repaint of the whole window with no edit.

    python benchmarks/edit_latency.py [--edits N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from stacks import fifty_layer_stack

from nnstudio.core.project import Project
from nnstudio.gui.app import application
from nnstudio.gui.main_window import MainWindow
from nnstudio.gui.settings import Settings

FRAME_MS = 16.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    app = application()
    ini = os.path.join(tempfile.mkdtemp(), "settings.ini")
    window = MainWindow(
        Project(fifty_layer_stack()), Settings(QSettings(ini, QSettings.Format.IniFormat))
    )
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()
    layers = window.editor.architecture.layers
    # A convolution in the middle: its filters change every shape and count after it.
    row = max(i for i, layer in enumerate(layers) if layer.type == "Conv2D" and i <= 25)
    window.select_rows([row])
    app.processEvents()
    spin = window.inspector.editors["filters"].spin

    edits = []
    for i in range(args.edits):
        start = time.perf_counter()
        spin.setValue(16 + i % 2 * 16)  # as typing a new value does
        QApplication.processEvents()  # delivers the repaints the edit asked for
        edits.append((time.perf_counter() - start) * 1000)
    frames = []
    for _ in range(args.edits):
        start = time.perf_counter()
        window.repaint()
        frames.append((time.perf_counter() - start) * 1000)
    assert window.editor.summary.ok
    window.files.maybe_save = lambda: True
    window.close()

    p50, p95 = statistics.median(edits), percentile(edits, 95)
    figures = {
        "layers": len(window.editor.architecture.layers),
        "edit_to_repaint_p50_ms": round(p50, 2),
        "edit_to_repaint_p95_ms": round(p95, 2),
        "full_repaint_p50_ms": round(statistics.median(frames), 2),
        "frame_budget_ms": FRAME_MS,
        "p95_share_of_frame": round(p95 / FRAME_MS, 2),
        "platform": os.environ["QT_QPA_PLATFORM"],
        "passed": p95 < FRAME_MS,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"50-layer stack, {args.edits} edits through the inspector ({figures['platform']}):")
        print(f"  edit to repaint: median {p50:.2f} ms, p95 {p95:.2f} ms")
        print(
            f"  baseline, a full repaint without an edit: "
            f"median {figures['full_repaint_p50_ms']} ms"
        )
        print(
            f"  p95 is {p95 / FRAME_MS:.0%} of a {FRAME_MS:.0f} ms frame: "
            f"{'PASS' if figures['passed'] else 'FAIL'}"
        )
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
