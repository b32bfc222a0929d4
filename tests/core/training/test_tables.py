"""Training on a table: at least as good as a linear baseline, a number answered in its own
units, the preprocessing kept with the weights (project, .keras export) so that raw rows are
answered."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.core import template
from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.exporting import export_model, model_info, open_trained
from nnstudio.core.project import load_project, save_project
from nnstudio.core.training import TrainingSettings, fitted
from nnstudio.core.training.runner import run_training

#: A penguin as the bundled table writes one: its bill, flipper and mass say Gentoo.
GENTOO = {
    "island": "Biscoe",
    "bill_length_mm": 47.5,
    "bill_depth_mm": 15.0,
    "flipper_length_mm": 217,
    "body_mass_g": 5200,
    "sex": "male",
    "year": 2008,
}


def houses(tmp_path, n: int = 240):
    rng = np.random.default_rng(3)
    lines = ["area,rooms,town,price"]
    for i in range(n):
        area, rooms, town = rng.uniform(30, 200), rng.integers(1, 6), ["a", "b"][i % 2]
        price = 1000 * area + 4000 * rooms + (25_000 if town == "a" else 0) + rng.normal(0, 800)
        lines.append(f"{area:.1f},{rooms},{town},{price:.2f}")
    path = tmp_path / "houses.csv"
    path.write_text("\n".join(lines) + "\n")
    return DatasetSource("table", str(path), {"target": "price"})


def linear(width: int, classes: int) -> Architecture:
    return architecture_from_dict(
        {
            "format": "nnstudio-architecture",
            "version": 1,
            "name": "linear",
            "input_shape": [width],
            "layers": [{"type": "Dense", "units": classes, "activation": "softmax"}],
        }
    )


def test_the_mlp_beats_or_matches_a_linear_baseline_on_penguins(keras):
    t = template("tabular-mlp")
    dataset = load_dataset(t.dataset)
    settings = t.training.replace(seed=0)
    mlp = run_training(t.architecture, dataset, settings, t.dataset)
    base = run_training(linear(11, 3), dataset, settings, t.dataset)
    assert mlp.result.ok
    assert mlp.result.test["accuracy"] >= 0.9
    assert mlp.result.test["accuracy"] >= base.result.test["accuracy"] - 0.03


def test_a_regression_is_answered_in_its_own_units(keras, tmp_path):
    source = houses(tmp_path)
    dataset = load_dataset(source)
    arch, changes = fitted(template("tabular-mlp").architecture, dataset)
    assert changes == [
        "Set the input shape to 4",
        "Set the last Dense layer to 1 units",
        "Use linear on the last layer",
    ]
    settings = TrainingSettings(epochs=60, batch_size=16, seed=0)
    outcome = run_training(arch, dataset, settings, source)
    test = outcome.result.test
    assert {"loss", "mae", "rmse", "r2"} <= set(test)
    # In prices, not in standard deviations: the prices spread over about 170,000.
    assert 200 < test["mae"] < 15_000
    assert test["r2"] > 0.9
    assert outcome.evaluation.y_true.min() > 20_000
    # The same figure per epoch, as the plots show it.
    assert outcome.result.history["mae"][-1] > 200
    baseline = float(np.abs(outcome.evaluation.y_true - outcome.evaluation.y_true.mean()).mean())
    assert test["mae"] < baseline / 3
    assert outcome.weights.preprocessing == dataset.preprocessing.to_dict()


@pytest.fixture(scope="module")
def trained_penguins(keras):
    t = template("tabular-mlp")
    dataset = load_dataset(t.dataset)
    outcome = run_training(t.architecture, dataset, t.training.replace(seed=0), t.dataset)
    return t, dataset, outcome


def test_a_project_keeps_the_preprocessing_and_answers_raw_rows(trained_penguins, tmp_path):
    from nnstudio.core.playground.table_answers import answer_values

    t, dataset, outcome = trained_penguins
    project = t.project().replace(weights=outcome.weights, runs=(outcome.record,))
    path = tmp_path / "penguins.nnstudio"
    save_project(project, path)
    again = load_project(path)
    assert again.weights.preprocessing == dataset.preprocessing.to_dict()
    model, info = open_trained(path)
    assert info.scaling == "table"
    assert info.table_encoding == dataset.preprocessing
    gentoo = GENTOO
    answer = answer_values(model, info, gentoo)
    assert answer.answer == "Gentoo"
    adelie = {**gentoo, "island": "Torgersen", "bill_length_mm": 38.0, "bill_depth_mm": 19.0}
    adelie.update(flipper_length_mm=186, body_mass_g=3600)
    assert answer_values(model, info, adelie).answer == "Adelie"
    # A value left out is missing, and filled as in training.
    assert answer_values(model, info, {"island": "Biscoe"}).answer in dataset.class_names


def test_a_keras_export_answers_a_csv_file(trained_penguins, tmp_path):
    from nnstudio.core.datasets.table_file import read_table
    from nnstudio.core.playground.table_answers import answer_file, write_answers
    from nnstudio.core.resources import resource

    t, dataset, outcome = trained_penguins
    info = model_info(t.architecture, t.dataset, t.training, dataset)
    out = tmp_path / "penguins.keras"
    export_model(outcome.model, info, "keras", out)
    model, read = open_trained(out)
    assert read.table_encoding == dataset.preprocessing
    rows = resource("datasets", "penguins.csv").read_text().splitlines()
    sample = tmp_path / "rows.csv"
    sample.write_text("\n".join([rows[0], *rows[1:40], *rows[300:320]]) + "\n")
    table, answers = answer_file(model, read, sample)
    assert [a.row for a in answers] == list(range(2, 61))
    right = sum(a.answer == s for a, s in zip(answers, table.frame["species"], strict=True))
    assert right >= 50
    written = write_answers(table, answers, read, tmp_path / "answers.csv")
    copy = read_table(written)
    assert copy.names[-2:] == ("predicted species", "probability")
    assert copy.rows == 59


def test_rows_of_another_table_are_refused_by_name(trained_penguins, tmp_path):
    from nnstudio.core.datasets import DatasetError
    from nnstudio.core.playground.table_answers import answer_file

    t, dataset, outcome = trained_penguins
    info = model_info(t.architecture, t.dataset, t.training, dataset)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(DatasetError, match="no column 'island', which the model takes"):
        answer_file(outcome.model, info, other)


def test_an_image_model_does_not_answer_rows(keras):
    from nnstudio.core.exporting.metadata import ModelInfo
    from nnstudio.core.playground.digits import PlaygroundError
    from nnstudio.core.playground.table_answers import answer_values

    info = ModelInfo("digits", "classification", ("0", "1"), (28, 28, 1))
    with pytest.raises(PlaygroundError, match="not trained on a table"):
        answer_values(None, info, {})
