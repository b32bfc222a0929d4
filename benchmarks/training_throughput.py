"""Training throughput through the window (worker thread, live plots) against plain Keras.

Article 002's CNN (template "mnist-cnn": Adam, batch 64) and article 004's MLP (template
"mnist-mlp": SGD, batch 500) train on the bundled MNIST sample with a 10% validation split: in
the window (the Training tab shown, plots live, ``window.flow.train``), and as a plain Keras
script calling ``model.fit`` on float arrays of the same data, same model, batch size, optimizer
and seed. Each side runs in its own process, alternating, so peak memory (VmHWM) is comparable
and TensorFlow starts cold on both. Target: the window trains at least 0.97 as many samples per
second as plain Keras, for both models, comparing each side's best run: this machine's noise
(a virtual machine's neighbours) only ever slows a run down, which is why timeit reports the
minimum time too. The ratio of the medians is printed beside it.

Samples/s are those of the training samples over the epochs after the first (the first traces
the model), clocked on the training thread at each epoch's end on both sides: the Keras
callback of the plain script, the window's reporter (wrapped to note the time). The whole fit,
first epoch included, is reported too. ``--side core`` (added by ``--diagnose``) is nnstudio's
training loop without the window, to tell the window's share from the loop's.

    python benchmarks/training_throughput.py [--runs N] [--models cnn,mlp,residual] [--diagnose]

The residual template (issue 12: a graph with skip connections, 4 epochs) compares the window
with plain `model.fit` of the functional keras.Model nnstudio builds for it; the table template
(issue 13: the penguins' encoded rows, batch 16, 60 epochs) the same MLP in plain Keras.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

TARGET = 0.97
#: model -> (template, epochs by default)
MODELS = {
    "cnn": ("mnist-cnn", 5),
    "mlp": ("mnist-mlp", 20),
    "residual": ("residual-cnn", 4),
    "table": ("tabular-mlp", 60),
}


# The sides, each run as ``--side NAME`` in a process of its own ------------------------------


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _cpu_seconds(task: str = "self") -> float:
    """CPU time (user + system) of this process, or of one of its threads (``task/TID``)."""
    path = f"/proc/self/{task}/stat" if task != "self" else "/proc/self/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _figures(started: float, ends: list[float], fit_seconds: float, samples: int) -> dict:
    steady = ends[-1] - ends[0]
    return {
        "samples": samples,
        "epochs": len(ends),
        "epoch_seconds": [round(b - a, 4) for a, b in zip([started, *ends], ends, strict=False)],
        "steady_samples_per_s": samples * (len(ends) - 1) / steady,
        "fit_seconds": fit_seconds,
        "fit_samples_per_s": samples * len(ends) / fit_seconds,
    }


def plain_side(template_id: str, epochs: int) -> dict:
    """Plain Keras as a person would write it from the article."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np
    from keras import layers

    from nnstudio.core.datasets import load_dataset
    from nnstudio.core.templates import template

    data = load_dataset(template(template_id).dataset)
    settings = template(template_id).training
    keras.utils.set_random_seed(0)
    if template_id == "mnist-cnn":
        x = data.x_train.astype(np.float32) / 255
        model = keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                layers.Conv2D(32, (3, 3), activation="relu"),
                layers.MaxPooling2D((2, 2)),
                layers.Conv2D(64, (3, 3), activation="relu"),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10, activation="softmax"),
            ]
        )
    elif template_id == "tabular-mlp":
        # A table: the penguins' rows as nnstudio encodes them (its preprocessing is the
        # data's, not the training's), and the same Sequential MLP.
        x = data.x_train
        model = keras.Sequential(
            [
                keras.Input(shape=(11,)),
                layers.Dense(32, activation="relu"),
                layers.Dense(16, activation="relu"),
                layers.Dense(3, activation="softmax"),
            ]
        )
    elif template_id == "residual-cnn":
        # A graph: the same functional keras.Model nnstudio builds (its layers and names), so
        # that what differs is only how it is trained.
        from nnstudio.core.building import build_model

        x = data.x_train.astype(np.float32) / 255
        model = build_model(template(template_id).architecture)
    else:
        x = data.x_train.reshape(len(data.x_train), 784).astype(np.float32) / 255
        model = keras.Sequential(
            [
                keras.Input(shape=(784,)),
                layers.Dense(784, activation="relu"),
                layers.Dense(32, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
    optimizer = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[settings.optimizer]
    optimizer = optimizer(learning_rate=settings.effective_learning_rate)
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    clock: dict = {"ends": []}

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            clock["started"] = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            clock["ends"].append(time.perf_counter())

    start = time.perf_counter()
    model.fit(
        x,
        data.y_train,
        batch_size=settings.batch_size,
        epochs=epochs,
        validation_split=settings.validation_split,
        callbacks=[Clock()],
        verbose=0,
    )
    fit_seconds = time.perf_counter() - start
    samples = len(x) - round(len(x) * settings.validation_split)
    return {**_figures(clock["started"], clock["ends"], fit_seconds, samples)} | {
        "params": model.count_params()
    }


class _Clocked:
    """Wraps a reporter class so that it notes the time of ``started`` and each epoch's end,
    on the training thread, before doing what it does."""

    def __init__(self, cls) -> None:
        self.times: dict = {"ends": []}
        times = self.times

        class Clocked(cls):
            def started(self, info):
                times["started"] = time.perf_counter()
                times["samples"] = info.samples
                super().started(info)

            def epoch(self, epoch, logs):
                times["ends"].append(time.perf_counter())
                super().epoch(epoch, logs)

        self.cls = Clocked


def gui_side(template_id: str, epochs: int) -> dict:
    """The window, Training tab shown, trained with its Train action."""
    from training_window import ERRORS, close, training_window, wait_for_signal

    from nnstudio.core.summary import summarize
    from nnstudio.gui.training import training_controller

    clocked = _Clocked(training_controller._SignalReporter)
    training_controller._SignalReporter = clocked.cls
    window = training_window(template_id, epochs=epochs, seed=0)
    gui_task = f"task/{threading.get_native_id()}"
    cpu_before, gui_before = _cpu_seconds(), _cpu_seconds(gui_task)
    window.flow.train(False)
    (outcome,) = wait_for_signal(window.trainer.finished, 900_000)
    cpu = _cpu_seconds() - cpu_before
    gui_cpu = _cpu_seconds(gui_task) - gui_before
    result = outcome.result
    if result.status != "completed":
        raise RuntimeError(f"training did not complete: {result.message} {ERRORS}")
    assert window.training_panel.plots.isVisible()
    params = summarize(window.editor.architecture).total_params
    close(window)
    times = clocked.times
    figures = _figures(times["started"], times["ends"], result.duration, times["samples"])
    return figures | {
        "params": params,
        "reported_samples_per_s": result.samples_per_second,
        # What the window's drawing takes from the training's cores.
        "gui_thread_cpu_share": gui_cpu / cpu,
    }


def core_side(template_id: str, epochs: int) -> dict:
    """nnstudio's training loop without the window (diagnosis)."""
    from nnstudio.core.datasets import load_dataset
    from nnstudio.core.summary import summarize
    from nnstudio.core.templates import template
    from nnstudio.core.training import loop
    from nnstudio.core.training.runner import run_training

    t = template(template_id)
    clocked = _Clocked(loop.Reporter)
    result = run_training(
        t.architecture,
        load_dataset(t.dataset),
        t.training.replace(epochs=epochs, seed=0),
        t.dataset,
        1,
        clocked.cls(),
    ).result
    times = clocked.times
    figures = _figures(times["started"], times["ends"], result.duration, times["samples"])
    params = summarize(t.architecture).total_params
    return figures | {"params": params, "reported_samples_per_s": result.samples_per_second}


SIDES = {"plain": plain_side, "gui": gui_side, "core": core_side}


# The parent ------------------------------------------------------------------------------------


def run_side(side: str, model: str, epochs: int) -> dict:
    command = [sys.executable, __file__, "--side", side, "--model", model, "--epochs", str(epochs)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise RuntimeError(f"{side} side of {model} failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side, alternating")
    parser.add_argument("--models", default="cnn,mlp")
    parser.add_argument("--epochs", type=int, help="epochs (default: 5 CNN, 20 MLP, 4 residual)")
    parser.add_argument("--diagnose", action="store_true", help="also nnstudio's loop alone")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--model", choices=MODELS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        template_id, default_epochs = MODELS[args.model]
        figures = SIDES[args.side](template_id, args.epochs or default_epochs)
        print(json.dumps(figures | {"peak_rss_mb": round(_peak_rss_mb(), 1)}))
        return 0

    sides = ["plain", "gui", *(["core"] if args.diagnose else [])]
    figures: dict = {"target": TARGET, "runs": args.runs, "load_average": os.getloadavg()}
    passed = True
    for model in args.models.split(","):
        template_id, default_epochs = MODELS[model]
        epochs = args.epochs or default_epochs
        results: dict[str, list[dict]] = {side: [] for side in sides}
        for i in range(args.runs):  # alternating, so that the machine's noise hits both alike
            for side in sides if i % 2 == 0 else sides[::-1]:
                results[side].append(run_side(side, model, epochs))
        params = {r["params"] for side in sides for r in results[side]}
        assert len(params) == 1, f"the sides do not train the same model: {params}"

        def median(side: str, key: str, results=results) -> float:
            return statistics.median(r[key] for r in results[side])

        def best(side: str, key: str, results=results) -> float:
            return max(r[key] for r in results[side])

        summary = {
            side: {
                "steady_samples_per_s": round(best(side, "steady_samples_per_s")),
                "median_steady_samples_per_s": round(median(side, "steady_samples_per_s")),
                "fit_samples_per_s": round(best(side, "fit_samples_per_s")),
                "peak_rss_mb": round(median(side, "peak_rss_mb")),
                "runs_steady_samples_per_s": [
                    round(r["steady_samples_per_s"]) for r in results[side]
                ],
            }
            for side in sides
        }
        ratio = best("gui", "steady_samples_per_s") / best("plain", "steady_samples_per_s")
        median_ratio = median("gui", "steady_samples_per_s") / median(
            "plain", "steady_samples_per_s"
        )
        fit_ratio = best("gui", "fit_samples_per_s") / best("plain", "fit_samples_per_s")
        model_passed = ratio >= TARGET
        passed = passed and model_passed
        figures[model] = {
            "template": template_id,
            "epochs": epochs,
            "params": params.pop(),
            "samples_per_epoch": results["gui"][0]["samples"],
            **summary,
            "ratio": round(ratio, 3),
            "median_ratio": round(median_ratio, 3),
            "fit_ratio": round(fit_ratio, 3),
            "gui_thread_cpu_share": round(median("gui", "gui_thread_cpu_share"), 4),
            "passed": model_passed,
        }
        if "core" in summary:
            figures[model]["core_ratio"] = round(
                best("core", "steady_samples_per_s") / best("plain", "steady_samples_per_s"), 3
            )
    figures["passed"] = passed
    if args.json:
        print(json.dumps(figures))
        return 0 if passed else 1
    print(
        f"Best of {args.runs} runs per side (samples/s, whole fit), each in its own process, "
        "alternating; peak RSS is the median."
    )
    for model in args.models.split(","):
        f = figures[model]
        print(
            f"\n{f['template']}: {f['params']:,} parameters, {f['epochs']} epochs of "
            f"{f['samples_per_epoch']:,} training samples"
        )
        print(f"  {'side':8}{'samples/s, epochs 2+':>22}{'whole fit':>12}{'peak RSS MB':>13}  runs")
        for side in sides:
            s = f[side]
            print(
                f"  {side:8}{s['steady_samples_per_s']:>22,}{s['fit_samples_per_s']:>12,}"
                f"{s['peak_rss_mb']:>13,}  {s['runs_steady_samples_per_s']}"
            )
        extra = f", nnstudio's loop alone {f['core_ratio']}" if "core_ratio" in f else ""
        print(
            f"  window / plain Keras: {f['ratio']} (target >= {TARGET}; medians "
            f"{f['median_ratio']}), whole fit {f['fit_ratio']}{extra}: "
            f"{'PASS' if f['passed'] else 'FAIL'}"
        )
        print(f"  the GUI thread's share of the window's CPU time: {f['gui_thread_cpu_share']:.1%}")
    print(f"\n{'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
