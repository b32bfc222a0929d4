"""Helpers for GUI tests that train: open a template with short settings, wait for the run."""

from __future__ import annotations

#: Generous: the first training of a test process imports TensorFlow (3 s) and traces the model.
TRAINING_TIMEOUT = 180_000


def wait_for_dataset(window, qtbot) -> None:
    session = window.data_session
    qtbot.waitUntil(
        lambda: (
            session.dataset is not None
            and not session.busy
            and session.source == window.editor.dataset
        ),
        timeout=60_000,
    )


def open_template(window, qtbot, template_id: str, **training) -> None:
    """A template with its article's dataset, loaded; ``training`` overrides its settings."""
    window.files.new_from_template(template_id)
    if training:
        window.editor.set_training(window.editor.training.replace(**training))
    wait_for_dataset(window, qtbot)


def train(window, qtbot, resume: bool = False):
    """Train (or continue) through the window, as the buttons do; the run's Outcome."""
    button = window.training_panel.continue_button if resume else window.training_panel.train_button
    assert button.isEnabled()
    with qtbot.waitSignal(window.trainer.finished, timeout=TRAINING_TIMEOUT) as blocker:
        button.click()
    return blocker.args[0]
