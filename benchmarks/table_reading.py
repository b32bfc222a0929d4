"""Reading a large CSV table: time against pandas, progress while reading, and peak memory.

Issue 13's target: a 200 MB CSV reads with progress and without holding the window; memory
stays under three times the file's numeric size. The numeric size is rows × numeric columns ×
8 bytes: the file's numbers held as float64 (here 10 float columns and the integer label; the
category column is not counted). The CSV is generated into a temporary folder: 10 float columns
written with 6 significant digits, a category column of 5 values, an integer label of 3 classes.

Each side runs in a fresh process, so that its peak memory is its own: the peak RSS
(``ru_maxrss``) less the RSS once pandas and nnstudio are imported.

* pandas: plain ``pandas.read_csv(path)``, the baseline;
* read_table: ``nnstudio.core.datasets.table_file.read_table`` (chunks, progress per chunk, the
  columns' kinds), as the Data tab reads the file on a worker thread;
* load_dataset: the whole load, ``load_dataset(DatasetSource("table", path, {"target":
  "label"}))``: read, split, encode to float32.

The window is not held when progress keeps coming (the longest gap between progress calls,
and from the last one to the return) and the worker leaves the GIL to the GUI thread (the
longest stall of a thread that asks to run every 5 ms beside it). Target: each nnstudio side's
peak memory < 3× the numeric size.

    python benchmarks/table_reading.py [--mb 200] [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET = 3.0
FLOATS = 10
#: The numeric columns: the floats and the integer label.
NUMERIC = FLOATS + 1
COLOURS = ("red", "green", "blue", "amber", "violet")
BLOCK_ROWS = 100_000
TICK_S = 0.005


# The CSV ----------------------------------------------------------------------------------------


def _block(rng, rows: int, header: bool) -> str:
    import numpy as np
    import pandas as pd

    scales = np.logspace(-1, 2, FLOATS)  # values from about 0.1 to 100
    frame = pd.DataFrame(
        rng.standard_normal((rows, FLOATS)) * scales, columns=[f"x{i}" for i in range(FLOATS)]
    )
    frame["colour"] = np.array(COLOURS)[rng.integers(0, len(COLOURS), rows)]
    frame["label"] = rng.integers(0, 3, rows)
    return frame.to_csv(index=False, header=header, float_format="%.6g")


def write_csv(path: Path, mb: float, seed: int = 0) -> int:
    """Write a CSV of about ``mb`` megabytes (10^6 bytes); the number of rows written."""
    import numpy as np

    rng = np.random.default_rng(seed)
    wanted = int(mb * 1_000_000)
    size = rows = 0
    with path.open("w", newline="") as f:
        while size < wanted:
            block = BLOCK_ROWS
            if rows:  # the last block: as many rows as fit, at the bytes per row so far
                block = min(BLOCK_ROWS, max(1, round((wanted - size) / (size / rows))))
            text = _block(rng, block, header=not rows)
            f.write(text)
            size += len(text)
            rows += block
    return rows


# The sides, each run as ``--side NAME --path CSV`` in a process of its own -------------------


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


class Ticker:
    """A thread that asks to run every TICK_S: its longest gap is how long another thread (the
    GUI's) would have waited for the GIL."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(TICK_S):
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - TICK_S)
            last = now

    def __enter__(self) -> Ticker:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_side(side: str, path: Path) -> dict:
    import gc

    import pandas as pd

    from nnstudio.core.datasets import DatasetSource, load_dataset
    from nnstudio.core.datasets.table_dataset import table_dataset  # noqa: F401 (its imports)
    from nnstudio.core.datasets.table_file import read_table

    calls: list[float] = []

    def progress(fraction, text) -> None:
        calls.append(time.perf_counter())

    gc.collect()
    rss_kb = _rss_kb()
    with Ticker() as ticker:
        start = time.perf_counter()
        if side == "pandas":
            rows = len(pd.read_csv(path))
        elif side == "read_table":
            rows = read_table(path, progress).rows
        else:
            source = DatasetSource("table", str(path), {"target": "label"})
            data = load_dataset(source, progress=progress)
            rows = len(data.x_train) + (0 if data.x_test is None else len(data.x_test))
        end = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_kb
    marks = [start, *calls, end]
    gaps = [b - a for a, b in itertools.pairwise(marks)]
    return {
        "rows": rows,
        "seconds": end - start,
        "peak_mb": peak_kb * 1024 / 1e6,
        "progress_calls": len(calls),
        # Between two progress calls; and from the last one to the return (nothing reported).
        "longest_progress_gap_s": max(gaps[1:-1], default=None) if calls else None,
        "first_progress_s": gaps[0] if calls else None,
        "silent_tail_s": gaps[-1] if calls else None,
        "gil_stall_s": ticker.longest,
    }


# The parent -------------------------------------------------------------------------------------

SIDES = ("pandas", "read_table", "load_dataset")


def measure(side: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--side", side, "--path", str(path)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise RuntimeError(f"the {side} side failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(runs: list[dict], numeric_mb: float) -> dict:
    """The best time of the runs (a busy machine only ever slows a run down) and the largest
    peak memory and gaps."""
    out = dict(max(runs, key=lambda r: r["peak_mb"]))
    out["seconds"] = min(r["seconds"] for r in runs)
    for key in ("longest_progress_gap_s", "silent_tail_s", "gil_stall_s"):
        values = [r[key] for r in runs if r[key] is not None]
        out[key] = max(values) if values else None
    out["memory_ratio"] = out["peak_mb"] / numeric_mb
    return out


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def report(figures: dict) -> None:
    f = figures
    print(
        f"CSV: {f['file_mb']:.1f} MB, {f['rows']:,} rows × {FLOATS} floats + category + label; "
        f"numeric size {f['numeric_mb']:.1f} MB (rows × {NUMERIC} numeric columns × 8 bytes)"
    )
    print(f"(MB = 10^6 bytes; the CSV was generated in {f['written_s']:.1f} s)")
    print(f"best time, largest peak of {f['runs']} run(s), each side in a fresh process\n")
    columns = ("time", 9), ("peak MB", 10), ("× numeric", 11), ("progress", 10)
    columns += ("gap", 9), ("tail", 9), ("GIL", 9)
    print(f"  {'side':13}" + "".join(f"{name:>{width}}" for name, width in columns))
    for side in SIDES:
        s = f[side]
        calls = s["progress_calls"] if side != "pandas" else "-"
        print(
            f"  {side:13}{s['seconds']:>7.2f} s{s['peak_mb']:>10.0f}{s['memory_ratio']:>10.2f}x"
            f"{calls:>10}{_s(s['longest_progress_gap_s']):>9}{_s(s['silent_tail_s']):>9}"
            f"{_s(s['gil_stall_s']):>9}"
        )
    print(
        "\n  gap: longest between progress calls; tail: last progress call to the return; "
        "GIL: longest\n  stall of a thread asking to run every 5 ms beside it (as the GUI "
        "thread would be)\n"
    )
    print(f"read_table / pandas.read_csv time: {f['read_table_time_ratio']:.2f}x")
    print(f"load_dataset / pandas.read_csv time: {f['load_dataset_time_ratio']:.2f}x")
    for side in SIDES[1:]:
        s = f[side]
        verdict = "PASS" if s["passed"] else "FAIL"
        print(
            f"{side} peak memory / numeric size: {s['memory_ratio']:.2f}x "
            f"(target < {TARGET:g}x): {verdict}"
        )
    print(f"\n{'PASS' if f['passed'] else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200, help="size of the CSV (default 200)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each side, alternating")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, args.path)))
        return 0

    with tempfile.TemporaryDirectory(prefix="nnstudio-table-") as folder:
        path = Path(folder) / "table.csv"
        start = time.perf_counter()
        rows = write_csv(path, args.mb)
        written = time.perf_counter() - start
        results: dict[str, list[dict]] = {side: [] for side in SIDES}
        for i in range(args.runs):  # alternating, so that the machine's noise hits all alike
            for side in SIDES if i % 2 == 0 else SIDES[::-1]:
                results[side].append(measure(side, path))
        file_mb = path.stat().st_size / 1e6
    numeric_mb = rows * NUMERIC * 8 / 1e6
    figures: dict = {"file_mb": file_mb, "rows": rows, "numeric_mb": numeric_mb}
    figures["written_s"] = written
    figures |= {"runs": args.runs, "target": TARGET}
    for side in SIDES:
        figures[side] = _summary(results[side], numeric_mb)
        if figures[side]["rows"] != rows:
            print(f"{side} read {figures[side]['rows']:,} rows of {rows:,}", file=sys.stderr)
    for side in SIDES[1:]:
        figures[side]["passed"] = figures[side]["memory_ratio"] < TARGET
        figures[f"{side}_time_ratio"] = figures[side]["seconds"] / figures["pandas"]["seconds"]
    figures["passed"] = all(figures[side]["passed"] for side in SIDES[1:])
    if args.json:
        print(json.dumps(figures))
    else:
        report(figures)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
