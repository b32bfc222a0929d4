"""nnstudio train: the window's training from a terminal."""

import json

import pytest

from nnstudio.cli import main
from nnstudio.core import save_architecture, template
from nnstudio.core.datasets import DatasetSource
from nnstudio.core.exporting import read_info
from nnstudio.core.project import Project, load_project, save_project
from nnstudio.core.resources import resource
from nnstudio.core.training import TrainingSettings


def tpl(name):
    return str(resource("templates", f"{name}.json"))


def last_json(out):
    return json.loads(out.strip().splitlines()[-1])


def test_train_prints_progress_metrics_and_json(keras, capsys, tmp_path):
    status = main(
        [
            "train",
            tpl("xor-network"),
            "--dataset",
            "xor",
            "--epochs",
            "3",
            "--batch-size",
            "4",
            "--learning-rate",
            "0.1",
            "--seed",
            "0",
            "--json",
            "--out",
            str(tmp_path / "xor.keras"),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0
    report = last_json(out)
    assert report["status"] == "completed"
    assert report["epochs"] == 3
    assert {"test_accuracy", "test_loss", "history", "samples_per_second"} <= set(report)
    assert len(report["history"]["loss"]) == 3
    assert "Epoch 3/3" in err
    assert "Training XOR network (2-2-1) (9 parameters) on XOR gate" in err
    model = keras.saving.load_model(tmp_path / "xor.keras")
    assert model.count_params() == 9
    # The class names and input scaling travel with the model (nnstudio predict reads them).
    info = read_info(tmp_path / "xor.keras")
    assert info.class_names == ("0", "1")
    assert info.dataset == "XOR gate"
    assert info.training["epochs"] == 3


def test_a_model_saved_where_it_cannot_go_is_a_message(keras, capsys, tmp_path):
    args = ["train", tpl("xor-network"), "--dataset", "xor", "--epochs", "1"]
    assert main([*args, "--out", str(tmp_path / "xor.h5")]) == 1
    assert "cannot save the model to" in capsys.readouterr().err


def test_train_a_function_without_json(keras, capsys):
    status = main(
        [
            "train",
            tpl("linear-function"),
            "--dataset",
            "function",
            "--function",
            "3*x - 1",
            "--epochs",
            "2",
            "--validation-split",
            "0",
        ]
    )
    out, _ = capsys.readouterr()
    assert status == 0
    assert "f(x) = 3*x - 1" in out
    assert "Test loss" in out
    assert "test mae" in out


def test_a_project_brings_its_dataset_and_settings(keras, capsys, tmp_path):
    path = tmp_path / "gate.nnstudio"
    settings = TrainingSettings(epochs=2, batch_size=1, optimizer="sgd", validation="none")
    save_project(
        Project(template("logic-gate-perceptron").architecture, DatasetSource("or"), settings), path
    )
    assert main(["train", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    report = last_json(captured.out)
    assert report["dataset"] == "OR gate"
    assert report["epochs"] == 2
    # The run is recorded in the project, as the window records it, with its weights.
    assert report["run"] == 1
    assert "Recorded as run 1 in gate.nnstudio" in captured.err
    project = load_project(path)
    assert [run.id for run in project.runs] == [1]
    assert project.runs[0].epochs == 2
    assert project.weights is not None
    assert project.weights.fits(project.architecture)
    assert main(["train", str(path), "--epochs", "1", "--json"]) == 0
    assert [run.id for run in load_project(path).runs] == [1, 2]


def test_a_model_that_does_not_fit_the_dataset_gets_a_fix(keras, capsys):
    assert main(["train", tpl("emotion-cnn"), "--dataset", "mnist-sample", "--epochs", "1"]) == 1
    _, err = capsys.readouterr()
    assert "samples are 28×28×1 (784 values) but the model's input is 48×48×1" in err
    assert "Fix: Set the input shape to 28, 28, 1." in err


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--dataset", "imagenet"], 2, "neither a dataset name nor an existing path"),
        (["--dataset", "xor", "--epochs", "0"], 1, "epochs must be at least 1"),
        (["--dataset", "xor", "--optimizer", "lbfgs"], 1, "optimizer must be one of"),
        (["--dataset", "xor", "--function", "x**2"], 1, "--function sets f(x) for --dataset"),
        (["--dataset", "function", "--function", "x+"], 2, "x+"),
    ],
)
def test_bad_arguments_get_one_line(keras, capsys, args, status, message):
    assert main(["train", tpl("xor-network"), *args]) == status
    assert message in capsys.readouterr().err


def test_an_unreadable_model_file(capsys, tmp_path):
    (tmp_path / "bad.json").write_text("{")
    assert main(["train", str(tmp_path / "bad.json"), "--dataset", "xor"]) == 2
    assert "invalid JSON" in capsys.readouterr().err


def test_an_invalid_architecture(capsys, tmp_path):
    arch = template("mnist-cnn").architecture.replace(input_shape=(3, 3, 1))
    save_architecture(arch, tmp_path / "small.json")
    assert main(["train", str(tmp_path / "small.json"), "--dataset", "mnist-sample"]) == 1
    assert "the architecture is invalid" in capsys.readouterr().err


def test_tensorboard_logs_are_written(keras, capsys, tmp_path):
    logs = tmp_path / "logs"
    args = ["train", tpl("xor-network"), "--dataset", "xor", "--epochs", "2", "--seed", "1"]
    assert main([*args, "--tensorboard", str(logs)]) == 0
    events = list(logs.rglob("events.out.tfevents.*"))
    assert {p.parent.name for p in events} == {"train", "validation"}
    assert all(p.stat().st_size > 0 for p in events)


def test_tensorboard_without_its_package_is_refused_before_training(capsys, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "tensorboard" else real(name)
    )
    args = ["train", tpl("xor-network"), "--dataset", "xor", "--tensorboard", str(tmp_path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "TensorBoard logs need the tensorboard package, which is not installed" in err
    assert 'pip install -e ".[tensorboard]"' in err


def test_tensorboard_logs_cannot_go_into_a_file(capsys, tmp_path):
    (tmp_path / "logs").write_text("")
    args = ["train", tpl("xor-network"), "--dataset", "xor", "--tensorboard"]
    assert main([*args, str(tmp_path / "logs")]) == 1
    assert "is a file; choose a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "status", "error"),
    [
        (["--dataset", "imagenet"], 2, "neither a dataset name nor an existing path"),
        (["--dataset", "mnist-sample"], 1, "the model's input is 2"),
        (["--dataset", "xor", "--epochs", "0"], 1, "epochs must be at least 1"),
    ],
)
def test_with_json_a_failure_is_a_json_line_too(keras, capsys, args, status, error):
    assert main(["train", tpl("xor-network"), *args, "--json"]) == status
    report = last_json(capsys.readouterr().out)
    assert report["status"] == "error"
    assert report["exit_status"] == status
    assert error in report["error"]


def test_with_json_a_model_that_cannot_be_saved_still_reports_its_training(keras, capsys, tmp_path):
    args = ["train", tpl("xor-network"), "--dataset", "xor", "--epochs", "1", "--json"]
    assert main([*args, "--out", str(tmp_path / "missing" / "xor.keras")]) == 1
    report = last_json(capsys.readouterr().out)
    assert report["status"] == "completed"
    assert "test_accuracy" in report
    assert "cannot save the model to" in report["error"]


def test_an_image_folder_without_a_test_folder_reports_test_metrics(keras, capsys, tmp_path):
    from nnstudio.core.toy_faces import write_image_folder

    root = write_image_folder(tmp_path / "faces", 5, seed=1)
    args = ["train", tpl("emotion-cnn"), "--dataset", str(root), "--epochs", "1", "--json"]
    assert main([*args, "--batch-size", "8"]) == 0
    report = last_json(capsys.readouterr().out)
    assert {"test_accuracy", "test_loss"} <= set(report)


def test_offline_the_command_line_names_its_own_options(capsys, tmp_path, monkeypatch):
    from nnstudio.core.datasets.downloads import KERAS_SETS, KerasSet, RemoteFile
    from tests.core.datasets.test_downloads import closed_port_url

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    spec = KERAS_SETS["mnist"]
    remote = RemoteFile(closed_port_url(), "datasets/mnist.npz", None, 11.5)
    offline = KerasSet(
        spec.title, (remote,), spec.classes, spec.description, spec.attribution, spec.sample_hint
    )
    monkeypatch.setitem(KERAS_SETS, "mnist", offline)
    assert main(["train", tpl("mnist-cnn"), "--dataset", "mnist", "--json"]) == 2
    out, err = capsys.readouterr()
    assert "seems to be offline" in err
    assert "From the command line: --dataset mnist-sample, or --dataset followed by" in err
    assert last_json(out)["exit_status"] == 2


def test_loading_progress_in_a_log_file():
    import io

    from nnstudio.cli.progress import LoadingProgress

    stream = io.StringIO()
    progress = LoadingProgress(stream)
    for fraction in (0.0, 0.05, 0.12, 0.5, 0.55, 1.0):
        progress(fraction, "Downloading MNIST")
    progress(None, "Reading MNIST")
    progress.done()
    assert stream.getvalue().splitlines() == [
        "Downloading MNIST: 0%",
        "Downloading MNIST: 12%",
        "Downloading MNIST: 50%",
        "Downloading MNIST: 100%",
        "Reading MNIST",
    ]


def test_a_graph_trains_from_the_command_line(keras, capsys, tmp_path):
    from nnstudio.core.architecture import Architecture, LayerConfig

    arch = Architecture(
        "XOR with a skip",
        (2,),
        (
            LayerConfig.create("Dense", "hidden", ("x",), units=4, activation="tanh"),
            LayerConfig.create("Concatenate", "both", ("x", "hidden")),
            LayerConfig.create("Dense", "out", ("both",), units=1, activation="sigmoid"),
        ),
        input_name="x",
    )
    path = tmp_path / "xor-skip.json"
    save_architecture(arch, path)
    args = ["train", str(path), "--dataset", "xor", "--epochs", "3", "--batch-size", "4", "--json"]
    assert main(args) == 0
    report = last_json(capsys.readouterr().out)
    assert report["status"] == "completed"
    assert report["params"] == 12 + 7


def _houses(tmp_path):
    import numpy as np

    rng = np.random.default_rng(5)
    lines = ["area;town;price"]
    for i in range(150):
        area, town = rng.uniform(30, 200), "ab"[i % 2]
        lines.append(f"{area:.1f};{town};{1000 * area + (9000 if town == 'a' else 0):.2f}")
    path = tmp_path / "houses.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_template_trains_on_a_csv_fitted_to_its_target(keras, capsys, tmp_path):
    csv = _houses(tmp_path)
    out = tmp_path / "houses.keras"
    status = main(
        [
            *("train", "tabular-mlp", "--dataset", str(csv), "--target", "price", "--fit"),
            *("--epochs", "40", "--seed", "0", "--json", "--out", str(out)),
        ]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    report = last_json(captured.out)
    assert {"test_mae", "test_rmse", "test_r2"} <= set(report)
    assert report["test_r2"] > 0.8
    assert report["test_mae"] > 100  # in the prices' units
    assert "Fitted the model to the dataset: Set the input shape to 3" in captured.err
    assert read_info(out).table_encoding.target.column == "price"
    status = main(["predict", str(out), str(csv), "--json"])
    answers = json.loads(capsys.readouterr().out)
    assert status == 0
    assert len(answers[0]["rows"]) == 150
    assert answers[0]["rows"][0]["row"] == 2
    assert isinstance(answers[0]["rows"][0]["value"], float)
    status = main(["predict", str(out), str(csv), "--out", str(tmp_path / "answers.csv")])
    assert status == 0
    assert "predicted price" in (tmp_path / "answers.csv").read_text().splitlines()[0]


def test_classify_a_csv_with_the_bundled_penguins_recipe(keras, capsys):
    status = main(["train", "tabular-mlp", "--epochs", "20", "--seed", "0", "--json"])
    report = last_json(capsys.readouterr().out)
    assert status == 0
    assert report["dataset"] == "Palmer penguins"
    assert report["test_accuracy"] > 0.85


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--dataset", "mnist-sample", "--target", "label"], "--target and --task choose"),
        (["--task", "regress"], "holds categories"),
        (["--target", "nope"], "has no column 'nope'"),
    ],
)
def test_table_options_that_do_not_apply(keras, capsys, extra, message):
    status = main(["train", "tabular-mlp", "--epochs", "1", *extra])
    assert status in (1, 2)
    assert message in capsys.readouterr().err
