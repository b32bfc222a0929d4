"""Training: settings, how a model fits a dataset, the input pipeline and the training loop.

Only functions that train import TensorFlow, when they are called.
"""

from nnstudio.core.training.settings import (
    LOSSES,
    OPTIMIZERS,
    Augmentation,
    SettingsError,
    TrainingSettings,
    settings_from_dict,
)
from nnstudio.core.training.tasks import (
    Plan,
    TrainingError,
    fit_fixes,
    fitted,
    input_fix,
    output_fixes,
    plan,
)

__all__ = [
    "LOSSES",
    "OPTIMIZERS",
    "Augmentation",
    "Plan",
    "SettingsError",
    "TrainingError",
    "TrainingSettings",
    "fit_fixes",
    "fitted",
    "input_fix",
    "output_fixes",
    "plan",
    "settings_from_dict",
]
