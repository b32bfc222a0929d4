"""The Playground of a table model: a form of its columns answered live, a number answered in
its own units, and a CSV file of rows answered into a copy."""

from __future__ import annotations

from nnstudio.core.datasets import DatasetSource
from nnstudio.core.datasets.table_file import read_table
from nnstudio.core.resources import resource
from tests.core.training.test_tables import GENTOO
from tests.gui.playground.test_playground_panel import show_playground
from tests.gui.trainings import open_template, train, wait_for_dataset


def test_a_row_of_the_form_is_answered_as_it_changes(window, qtbot, answers, tmp_path):
    open_template(window, qtbot, "tabular-mlp", epochs=30, seed=0)
    train(window, qtbot)
    panel = show_playground(window, qtbot)
    page = panel.table
    assert panel.inputs.currentWidget() is page
    assert not panel.inputs.isTabEnabled(panel.inputs.indexOf(panel.draw))
    assert list(page.fields) == list(GENTOO)
    assert "Set a row's values" in panel.status.text()
    assert page.fields["island"].count() == 3
    predictions = []
    panel.predicted.connect(predictions.append)
    page.set_values(GENTOO)
    qtbot.waitUntil(lambda: len(predictions) >= 1)
    assert predictions[-1].top(1)[0][0] == "Gentoo"
    assert page.answer.text().startswith("<b>species</b>: Gentoo")
    assert panel.bars.headline.text().startswith("Gentoo")

    # A file of rows, answered into a copy on a worker thread.
    lines = resource("datasets", "penguins.csv").read_text().splitlines()
    rows = tmp_path / "rows.csv"
    rows.write_text("\n".join(lines[:21]) + "\n")
    answers.open_path = rows
    answers.save_path = str(tmp_path / "answered.csv")
    page.answer_file.click()
    qtbot.waitUntil(lambda: "Wrote 20 answers" in page.file_status.text(), timeout=30_000)
    copy = read_table(tmp_path / "answered.csv")
    assert copy.names[-2:] == ("predicted species", "probability")
    assert (copy.frame["predicted species"] == "Adelie").sum() >= 15


def test_a_number_is_answered_in_its_own_units(window, qtbot, answers):
    open_template(window, qtbot, "tabular-mlp")
    answers.fit_answer = True
    window.editor.set_dataset(DatasetSource("penguins", options={"target": "body_mass_g"}))
    wait_for_dataset(window, qtbot)
    qtbot.waitUntil(lambda: len(answers.fit_asked) == 1)
    window.editor.set_training(window.editor.training.replace(epochs=20, seed=0))
    outcome = train(window, qtbot)
    assert outcome.result.test["mae"] < 800  # grams: the masses spread from 2,700 to 6,300
    panel = show_playground(window, qtbot)
    page = panel.table
    page.set_values({k: v for k, v in GENTOO.items() if k != "body_mass_g"})
    qtbot.waitUntil(lambda: "body_mass_g</b> = " in page.answer.text())
    grams = float(page.answer.text().split("= ")[1])
    assert 3500 < grams < 7000
    assert panel.bars.detail.text() == "body_mass_g, in its own units"


def test_a_csv_that_is_not_of_the_model_says_why(window, qtbot, answers, tmp_path):
    open_template(window, qtbot, "tabular-mlp", epochs=2)
    train(window, qtbot)
    page = show_playground(window, qtbot).table
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    answers.open_path = other
    answers.save_path = str(tmp_path / "out.csv")
    page.answer_file.click()
    qtbot.waitUntil(lambda: "could not be answered" in page.file_status.text(), timeout=30_000)
    assert "island" in page.file_status.text()
    assert not (tmp_path / "out.csv").exists()
