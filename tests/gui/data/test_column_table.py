"""A table in the Data tab: its columns with their kinds, roles and missing cells; the target,
a retyped or ignored column and the task chosen there (undoably, the table read again); a file
that is not a table says why and the window goes on; a table trained through the window."""

from __future__ import annotations

import numpy as np

from nnstudio.core.datasets import DatasetSource
from tests.gui.data.test_data_panel import choose, open_data_tab
from tests.gui.trainings import open_template, train, wait_for_dataset


def houses(tmp_path, n: int = 120):
    rng = np.random.default_rng(2)
    lines = ["code;area;town;price"]
    for i in range(n):
        area, town = rng.uniform(30, 200), ["north", "south"][i % 2]
        lines.append(f"H{i:03d};{area:.1f};{town};{1000 * area + 5000 * (i % 2):.2f}")
    path = tmp_path / "houses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cell_combo(table, row: int, column: int):
    return table.view.cellWidget(row, column)


def pick(combo, data) -> None:
    """Choose an item of a combo as a person does."""
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)
    combo.activated.emit(i)


def test_a_csv_of_ones_own_shows_its_columns_and_fits_the_model(window, qtbot, answers, tmp_path):
    panel = open_data_tab(window, qtbot)
    answers.open_path = houses(tmp_path)
    answers.fit_answer = True
    choose(panel, "table")
    wait_for_dataset(window, qtbot)
    table = panel.columns
    assert table.isVisible()
    assert not panel.preview.isVisible()
    assert [table.view.item(r, 0).text() for r in range(4)] == ["code", "area", "town", "price"]
    assert cell_combo(table, 0, 1).currentData() == "identifier"
    assert cell_combo(table, 0, 2).currentText() == "Not an input (identifier)"
    assert cell_combo(table, 3, 2).currentData() == "target"
    assert "Predicting 'price': regression" in panel.info.text()
    qtbot.waitUntil(lambda: len(answers.fit_asked) == 1)
    assert tuple(window.editor.architecture.input_shape) == (3,)

    # Another target: the town, two classes.
    pick(cell_combo(table, 2, 2), "target")
    assert window.editor.dataset.options["target"] == "town"
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.class_names == ("north", "south")
    assert "Predicting 'town': classification" in panel.info.text()

    # Ignore the price, then the area: no input left, said in the tab; the window goes on.
    pick(cell_combo(panel.columns, 3, 2), "ignored")
    wait_for_dataset(window, qtbot)
    assert "'price' (ignored)" in panel.info.text()
    pick(cell_combo(panel.columns, 1, 2), "ignored")
    qtbot.waitUntil(lambda: "no column to learn" in panel.status.text())
    assert window.editor.dataset.options["ignore"] == ["price", "area"]
    window.editor.undo_stack.undo()
    wait_for_dataset(window, qtbot)
    assert window.editor.dataset.options["ignore"] == ["price"]


def test_retyping_and_the_task(window, qtbot, answers, tmp_path):
    panel = open_data_tab(window, qtbot)
    window.editor.set_dataset(DatasetSource("table", str(houses(tmp_path))))
    wait_for_dataset(window, qtbot)
    pick(cell_combo(panel.columns, 1, 1), "category")
    assert window.editor.dataset.options["kinds"] == {"area": "category"}
    wait_for_dataset(window, qtbot)
    assert cell_combo(panel.columns, 1, 1).currentData() == "category"
    pick(cell_combo(panel.columns, 1, 1), "number")  # back to what was inferred
    assert window.editor.dataset.options["kinds"] == {}
    wait_for_dataset(window, qtbot)
    pick(panel.columns.task, "classify")
    qtbot.waitUntil(lambda: panel.status.text() != "" and not window.data_session.busy)
    # 120 distinct prices as classes: it loads (the person asked), one class per price.
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.task == "classification"


def test_a_table_that_cannot_be_read_says_where(window, qtbot, answers, tmp_path):
    panel = open_data_tab(window, qtbot)
    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b\n1,2\n3,4,5\n")
    window.editor.set_dataset(DatasetSource("table", str(bad)))
    qtbot.waitUntil(lambda: "row 3 has 3 cells" in panel.status.text(), timeout=30_000)
    assert window.data_session.dataset.name == "MNIST sample"  # still loaded, as it says
    assert not panel.columns.isVisible()


def test_the_penguins_template_trains_in_the_window(window, qtbot):
    open_template(window, qtbot, "tabular-mlp", epochs=3)
    assert window.data_session.dataset.name == "Palmer penguins"
    outcome = train(window, qtbot)
    assert outcome.result.ok
    assert outcome.weights.preprocessing["target"]["column"] == "species"
    assert window.editor.weights.preprocessing is not None
