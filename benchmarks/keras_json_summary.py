"""How much faster nnstudio reads ResNet50's Keras JSON into a summary than Keras rebuilds it.

Opening a model someone saved must be instant. Target: nnstudio's summary of ResNet50's graph,
read from ``model.to_json()``, at least 100x faster than ``keras.models.model_from_json`` of the
same JSON, and TensorFlow never imported on nnstudio's side. nnstudio is timed in a process of
its own (which checks that neither TensorFlow nor Keras was loaded) before this one imports
TensorFlow (whose idle threads would share the two cores), then Keras here, in the same run.

    python benchmarks/keras_json_summary.py [--json] [--model ResNet50]
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from keras_models import application_json
from timing import median_seconds

TARGET_RATIO = 100
ROUNDS = 5

#: nnstudio's side: read the file, infer the graph, summarise; median seconds of `repeat`.
OURS = """
import json, statistics, sys, time
from nnstudio.core import load_architecture, summarize
path, repeat = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(repeat):
    start = time.perf_counter()
    summary = summarize(load_architecture(path))
    times.append(time.perf_counter() - start)
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"tensorflow", "keras"})
print(json.dumps({"seconds": statistics.median(times), "layers": len(summary.layers),
                  "params": summary.total_params, "ok": summary.ok, "loaded": heavy}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--model", default="ResNet50", help="a keras.applications model")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{args.model}.json"
        application_json(args.model, path)
        text = path.read_text(encoding="utf-8")
        # The machine's speed drifts by up to 2x over seconds: the two sides take turns, and
        # each round gives a ratio of its own.
        rounds = []
        from_json = model = None
        for _ in range(ROUNDS):
            out = subprocess.run([sys.executable, "-c", OURS, str(path), "30"],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            ours = json.loads(out.stdout.strip().splitlines()[-1])
            if from_json is None:
                from nnstudio.core import backend

                from_json = backend.keras().models.model_from_json
                model = from_json(text)  # and warm up
            theirs = median_seconds(functools.partial(from_json, text), repeat=3)
            rounds.append((ours["seconds"], theirs))
    ratios = [theirs / mine for mine, theirs in rounds]
    ratio = statistics.median(ratios)
    mine = statistics.median(r[0] for r in rounds)
    theirs = statistics.median(r[1] for r in rounds)
    same = ours["params"] == model.count_params()
    figures = {
        "model": args.model,
        "layers": ours["layers"],
        "params": ours["params"],
        "same_params_as_keras": same,
        "nnstudio_ms": round(mine * 1000, 2),
        "keras_model_from_json_ms": round(theirs * 1000, 1),
        "tensorflow_loaded_by_nnstudio": ours["loaded"],
        "ratio": round(ratio),
        "ratios_per_round": [round(r) for r in ratios],
        "target_ratio": TARGET_RATIO,
        "passed": ratio >= TARGET_RATIO and same and ours["ok"] and not ours["loaded"],
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{args.model} ({figures['layers']} layers, {figures['params']:,} params, "
            f"{'the same' if same else 'NOT the same'} count as Keras):"
        )
        print(f"  nnstudio reads its JSON and summarises it in {figures['nnstudio_ms']} ms "
              f"(median), loading {ours['loaded'] or 'neither TensorFlow nor Keras'}")  # fmt: skip
        print(f"  keras.models.model_from_json: {figures['keras_model_from_json_ms']} ms (median)")
        print(
            f"ratio: {figures['ratio']}x faster, median of {ROUNDS} interleaved rounds "
            f"{figures['ratios_per_round']} (target >= {TARGET_RATIO}x): "
            f"{'PASS' if figures['passed'] else 'FAIL'}"
        )
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
