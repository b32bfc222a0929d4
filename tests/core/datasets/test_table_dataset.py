"""A table as a dataset: the target and task, the encoding fitted on the training rows only,
the report, and the tables that cannot be trained on."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.core.datasets import DatasetError, DatasetSource, load_dataset, source_from_text
from nnstudio.core.datasets.table_encoding import (
    CLASSIFICATION,
    MISSING_VALUE,
    REGRESSION,
    encoding_from_dict,
)


def table(tmp_path, rows: list[str], header: str, name: str = "t.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def houses(tmp_path, n: int = 200):
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n):
        area, town = rng.uniform(30, 200), ["north", "south", "east"][i % 3]
        price = 1000 * area + (30000 if town == "north" else 0) + rng.normal(0, 500)
        age = "" if i % 10 == 0 else f"{rng.integers(1, 80)}"
        rows.append(f"H{i:04d},{area:.1f},{age},{town},{price:.2f}")
    return table(tmp_path, rows, "code,area,age,town,price")


def test_a_number_target_is_a_regression_scaled_for_training(tmp_path):
    dataset = load_dataset(source_from_text(str(houses(tmp_path))))
    encoding = dataset.preprocessing
    assert dataset.task == "regression"
    assert encoding.target.task == REGRESSION
    assert encoding.target.column == "price"
    # Scaled by the training rows: mean 0, standard deviation 1 there.
    assert abs(dataset.y_train.mean()) < 1e-4
    assert dataset.y_train.std() == pytest.approx(1.0, abs=1e-3)
    assert dataset.y_train.shape == (160, 1)
    # The identifier is not an input; area, age and three towns are.
    assert encoding.columns == ("area", "age", "town")
    assert encoding.input_names == ["area", "age", "town=east", "town=north", "town=south"]
    assert dataset.sample_shape == (5,)
    units = encoding.in_units(dataset.y_train)
    assert 30_000 < units.mean() < 150_000


def test_statistics_come_from_the_training_rows_only(tmp_path):
    dataset = load_dataset(source_from_text(str(houses(tmp_path))))
    area = dataset.preprocessing.features[0]
    # The training rows are normalised exactly; the test rows only nearly.
    assert abs(dataset.x_train[:, 0].mean()) < 1e-5
    assert dataset.x_train[:, 0].std() == pytest.approx(1.0, abs=1e-4)
    assert abs(dataset.x_test[:, 0].mean()) > 1e-4
    raw = dataset.x_train[:, 0] * area.std + area.mean
    assert raw.min() >= 30 - 1e-3


def test_missing_numbers_are_the_training_mean_and_said(tmp_path):
    dataset = load_dataset(source_from_text(str(houses(tmp_path))))
    age = dataset.preprocessing.features[1]
    assert age.column == "age"
    # A missing age (every tenth row) is the mean: 0 once normalised.
    assert (dataset.x_train[:, 1] == 0).sum() >= 10
    assert "Missing cells filled: 'age' 20 (the training rows' mean)" in dataset.description
    assert "Not inputs: 'code' (identifier)" in dataset.description


def test_categories_and_few_whole_numbers_are_classes(tmp_path):
    rows = [f"{i * 0.1:.1f},{'yes' if i % 4 else ''},{i % 3}" for i in range(60)]
    path = table(tmp_path, rows, "x,flag,level")
    dataset = load_dataset(source_from_text(str(path)))
    assert dataset.task == "classification"
    assert dataset.class_names == ("0", "1", "2")
    flag = dataset.preprocessing.features[1]
    assert flag.values == ("yes", MISSING_VALUE)
    assert dataset.y_train.dtype == np.int64
    # Each class is held out in the same share.
    assert np.bincount(dataset.y_test).tolist() == [4, 4, 4]


def test_the_person_chooses_target_task_and_ignored_columns(tmp_path):
    source = source_from_text(str(houses(tmp_path)))
    area = load_dataset(source.with_options(target="area", ignore=["age"]))
    assert area.preprocessing.target.column == "area"
    assert area.preprocessing.columns == ("town", "price")
    assert "'age' (ignored)" in area.description
    classes = load_dataset(source.with_options(target="town"))
    assert classes.class_names == ("east", "north", "south")
    with pytest.raises(DatasetError, match=r"holds categories .* not numbers"):
        load_dataset(source.with_options(target="town", task="regress"))
    as_classes = load_dataset(source.with_options(target="age", task="classify"))
    assert as_classes.task == "classification"
    retyped = load_dataset(source.with_options(kinds={"age": "category"}))
    assert retyped.preprocessing.features[1].kind == "category"


@pytest.mark.parametrize(
    ("rows", "header", "options", "message"),
    [
        (["1,a"] * 20, "x,y", {}, r"'y' has the single value 'a' in every row"),
        ([f"{i},,{i % 2}" for i in range(20)], "x,e,y", {"target": "e"}, "has no values"),
        ([f"{i},{i % 2}" for i in range(25)], "id,y", {"target": "id"}, "is an identifier"),
        (["1,a"], "x,y", {}, "has 1 row with a 'y'"),
        ([f"id{i},{i % 2}" for i in range(30)], "code,y", {}, "no column to learn 'y' from"),
        ([f"{i},{i % 2}" for i in range(20)], "x,y", {"target": "z"}, "no column 'z'"),
        ([f"{i},{i % 2}" for i in range(20)], "x,y", {"task": "guess"}, "classify, regress"),
    ],
)
def test_tables_that_cannot_be_trained_on(tmp_path, rows, header, options, message):
    path = table(tmp_path, rows, header)
    with pytest.raises(DatasetError, match=message):
        load_dataset(DatasetSource("table", str(path), options))


def test_a_text_column_cannot_be_the_target(tmp_path):
    rows = [f"{i},the words of sentence number {i} here" for i in range(30)]
    path = table(tmp_path, rows, "x,sentence")
    with pytest.raises(DatasetError, match="'sentence' cannot be the target: it holds text"):
        load_dataset(DatasetSource("table", str(path), {"target": "sentence"}))


def test_the_encoding_round_trips_through_json(tmp_path):
    dataset = load_dataset(source_from_text(str(houses(tmp_path))))
    doc = dataset.preprocessing.to_dict()
    again = encoding_from_dict(doc)
    assert again == dataset.preprocessing
    frame = dataset.preprocessing  # the same encoding encodes the same rows the same way
    from nnstudio.core.datasets.table_file import read_table

    rows = read_table(tmp_path / "t.csv").frame
    assert np.array_equal(frame.encode(rows), again.encode(rows))
    with pytest.raises(DatasetError, match="not a table encoding"):
        encoding_from_dict({"format": "something else"})
    broken = {**doc, "features": [{"column": "a", "kind": "number", "mean": "x", "std": 1}]}
    with pytest.raises(DatasetError, match="'mean' must be a number"):
        encoding_from_dict(broken)


def test_unknown_categories_and_missing_columns_when_answering(tmp_path):
    import pandas as pd

    dataset = load_dataset(source_from_text(str(houses(tmp_path))))
    encoding = dataset.preprocessing
    rows = pd.DataFrame({"area": [100.0], "age": [None], "town": ["west"]})
    x = encoding.encode(rows)
    assert x.shape == (1, 5)
    assert x[0, 2:].tolist() == [0, 0, 0]  # a town the training rows never had
    assert x[0, 1] == 0  # the missing age is the mean
    with pytest.raises(DatasetError, match="no column 'town'"):
        encoding.encode(rows.drop(columns="town"))


def test_the_bundled_penguins(tmp_path):
    dataset = load_dataset("penguins")
    assert dataset.name == "Palmer penguins"
    assert dataset.class_names == ("Adelie", "Chinstrap", "Gentoo")
    assert dataset.sample_shape == (11,)
    assert dataset.preprocessing.target.task == CLASSIFICATION
    assert "Gorman" in dataset.attribution
    whole = {f.column: f.whole for f in dataset.preprocessing.features if f.kind == "number"}
    assert whole == {
        "bill_length_mm": False,
        "bill_depth_mm": False,
        "flipper_length_mm": True,
        "body_mass_g": True,
        "year": True,
    }
    mass = load_dataset(DatasetSource("penguins", options={"target": "body_mass_g"}))
    assert mass.task == "regression"
    assert "2 rows without a 'body_mass_g' left out" in mass.description
