"""Training settings: defaults, checks, and reading them from a (hand-edited) project."""

import pytest

from nnstudio.core.training import (
    Augmentation,
    SettingsError,
    TrainingSettings,
    settings_from_dict,
)


def test_defaults_and_round_trip():
    s = TrainingSettings()
    assert (s.optimizer, s.batch_size, s.epochs, s.validation) == ("adam", 64, 15, "split")
    assert s.effective_learning_rate == 0.001
    assert s.replace(optimizer="sgd").effective_learning_rate == 0.01
    custom = s.replace(learning_rate=0.05, augmentation=Augmentation(flip="horizontal", zoom=0.2))
    assert settings_from_dict(custom.to_dict()) == custom
    assert settings_from_dict({}) == s
    assert settings_from_dict({"learning_rate": 1, "seed": None}).learning_rate == 1.0


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"optimizer": "lbfgs"}, "optimizer must be one of sgd, rmsprop, adam"),
        ({"epochs": 0}, "epochs must be at least 1"),
        ({"epochs": 2.5}, "epochs must be int"),
        ({"batch_size": True}, "batch_size must be int"),
        ({"validation_split": 1.0}, r"validation_split must be in \(0, 1\)"),
        ({"learning_rate": -1}, r"learning_rate must be in \(0, 10\]"),
        ({"momentum": 1.5}, r"momentum must be in \[0, 1\)"),
        ({"loss": "focal"}, "loss must be one of auto"),
        ({"colour": "red"}, "unknown training setting 'colour'"),
        ({"augmentation": {"flip": "diagonal"}}, "flip must be one of none"),
        ({"augmentation": {"zoom": 2}}, r"augmentation zoom must be in \[0, 1\)"),
        ({"augmentation": {"blur": 1}}, "augmentation must be an object with flip"),
        ([], "training settings must be an object"),
    ],
)
def test_bad_settings_say_what_is_wrong(doc, message):
    with pytest.raises(SettingsError, match=message):
        settings_from_dict(doc)
