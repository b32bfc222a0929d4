"""Run records and the comparison table of article 003's experiments."""

import pytest

from nnstudio.core import summarize, template
from nnstudio.core.training import TrainingSettings
from nnstudio.core.training.runs import (
    RunFormatError,
    RunRecord,
    differences,
    history_csv,
    run_from_dict,
    thin,
)


def record(id_, model_id, epochs, accuracy, dropout=False):
    arch = template(model_id).architecture
    return RunRecord(
        id=id_,
        started="2026-11-22T12:00:00+00:00",
        architecture=arch.to_dict(),
        dataset={"name": "mnist-sample"},
        settings=TrainingSettings(epochs=epochs).to_dict(),
        status="completed",
        message="",
        epochs=epochs,
        duration=10.0,
        samples_per_second=1e3,
        seed=0,
        params=summarize(arch).total_params,
        history={"loss": [0.5, 0.3], "accuracy": [0.9, accuracy]},
        test={"accuracy": accuracy},
    )


def test_differences_show_only_what_changed_then_results():
    runs = [
        record(1, "digits-mlp", 5, 0.95),
        record(2, "digits-mlp-wide", 5, 0.96),
        record(3, "digits-mlp-deep-dropout", 50, 0.97),
    ]
    rows = dict(differences(runs))
    assert rows["model"] == [
        "Digits MLP 784-50-10",
        "Digits MLP, wide (500)",
        "Digits MLP, deep with dropout",
    ]
    assert rows["parameters"] == ["39,760", "397,510", "49,960"]
    assert rows["epochs"] == ["5", "5", "50"]
    assert rows["test accuracy"] == ["0.95", "0.96", "0.97"]
    assert "optimizer" not in rows  # the same for all three
    assert rows["layers"][0] == "Dense 50 relu → Dense 10 softmax"


def test_labels_and_round_trip():
    run = record(4, "mnist-cnn", 3, 0.955)
    assert run.label == "Run 4: MNIST CNN, 3 epochs — accuracy 0.955"
    assert run_from_dict(run.to_dict()) == run
    with pytest.raises(RunFormatError, match="unknown keys"):
        run_from_dict({**run.to_dict(), "extra": 1})
    with pytest.raises(RunFormatError, match="lacks"):
        run_from_dict({"id": 1})


def test_thin_keeps_the_shape_of_a_curve():
    values = [float(i) for i in range(10_000)]
    thinned = thin(values, 1000)
    assert len(thinned) == 1000
    assert thinned[0] == pytest.approx(4.5)
    assert thin([1.0, 2.0], 1000) == [1.0, 2.0]


def test_history_csv_has_one_row_per_epoch():
    run = record(5, "mnist-cnn", 2, 0.96)
    run.history.update(val_loss=[0.6, 0.4], learning_rate=[0.001, 0.001])
    assert history_csv(run) == (
        "epoch,loss,accuracy,val_loss,learning_rate\n1,0.5,0.9,0.6,0.001\n2,0.3,0.96,0.4,0.001\n"
    )


def test_history_csv_of_a_continued_run_counts_on():
    run = record(6, "mnist-cnn", 5, 0.97)  # 3 epochs before, these 2 epochs end at 5
    assert history_csv(run).splitlines()[1:] == ["4,0.5,0.9", "5,0.3,0.97"]


def test_history_csv_leaves_missing_values_empty():
    run = record(7, "mnist-cnn", 3, 0.9)
    run.history.update(loss=[0.5, None, 0.2], learning_rate=[0.01], accuracy=[0.8, 0.85, 0.9])
    assert history_csv(run).splitlines() == [
        "epoch,loss,accuracy,learning_rate",
        "1,0.5,0.8,0.01",
        "2,,0.85,",
        "3,0.2,0.9,",
    ]
    run.history.clear()
    assert history_csv(run) == "epoch\n"
