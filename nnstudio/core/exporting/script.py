"""The python export: a standalone script with the model and its training in plain Keras.

Importing it only defines things (``build_model()``, ``load_data()``, ``CLASS_NAMES``, the
settings as constants); running it loads the data (see ``script_data``), trains as nnstudio did
(optimizer, learning rate, loss, batch size, epochs, validation, seed, callbacks, augmentation,
class weights), prints the test metrics and saves the trained model as ``<name>.keras``. The seed
gives the same initial weights as nnstudio's; the order of the batches differs (Keras shuffles
its own way), so the figures come out close, not identical.
"""

from __future__ import annotations

from nnstudio.core.architecture import architecture_from_dict
from nnstudio.core.building import model_name
from nnstudio.core.codegen import (
    build_model_lines,
    call_line,
    docstring_lines,
    import_lines,
    py,
)
from nnstudio.core.datasets import DatasetError, source_from_dict
from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting.describe import IMAGE_SOURCES, stand_in
from nnstudio.core.exporting.formats import ExportError
from nnstudio.core.exporting.metadata import ModelInfo
from nnstudio.core.exporting.script_data import DataCode, constant_lines, data_code
from nnstudio.core.training.settings import OPTIMIZERS, TrainingSettings, settings_from_dict
from nnstudio.core.training.tasks import Plan, TrainingError
from nnstudio.core.training.tasks import plan as task_plan


def _parts(info: ModelInfo):
    if info.architecture is None or info.training is None or info.dataset_source is None:
        raise ExportError(
            f"{info.name} carries no nnstudio architecture and training settings (it was not "
            "exported by nnstudio): the python format needs them; export it from its project"
        )
    try:
        return (
            architecture_from_dict(info.architecture),
            settings_from_dict(dict(info.training)),
            source_from_dict(dict(info.dataset_source)),
        )
    except (NnstudioError, DatasetError) as e:
        raise ExportError(f"the model's nnstudio metadata cannot be used: {e}") from None


def _optimizer(settings: TrainingSettings) -> list[str]:
    """The ``optimizer=...`` argument of ``compile``."""
    args = ["learning_rate=LEARNING_RATE"]
    if settings.optimizer == "sgd":
        args += [f"momentum={settings.momentum!r}"] if settings.momentum else []
        args += ["nesterov=True"] if settings.nesterov else []
    name = f"optimizer=keras.optimizers.{OPTIMIZERS[settings.optimizer][0]}"
    return call_line(name, args, indent=8).splitlines()


def _loss(plan: Plan) -> str:
    logits = "from_logits=True" if plan.from_logits else ""
    if plan.loss == "categorical_crossentropy":
        kind = "SparseCategorical" if plan.targets == "sparse" else "Categorical"
        return f"keras.losses.{kind}Crossentropy({logits})"
    if plan.loss == "binary_crossentropy":
        return f"keras.losses.BinaryCrossentropy({logits})"
    return py(plan.loss)


def _metric(plan: Plan) -> str:
    if plan.metric == "mae":
        return 'keras.metrics.MeanAbsoluteError(name="mae")'
    if plan.targets == "binary":
        threshold = ", threshold=0.0" if plan.from_logits else ""
        return f'keras.metrics.BinaryAccuracy(name="accuracy"{threshold})'
    kind = "SparseCategorical" if plan.targets == "sparse" else "Categorical"
    return f'keras.metrics.{kind}Accuracy(name="accuracy")'


_TARGETS = {
    "sparse": 'y.reshape(-1).astype("int32")',
    "binary": 'y.reshape(-1, 1).astype("float32")',
    "one_hot": "keras.utils.to_categorical(y.reshape(-1), len(CLASS_NAMES))",
    "value": 'y.reshape(len(y), -1).astype("float32")',
}


def _helpers(plan: Plan, input_shape: tuple) -> list[str]:
    reshape = None not in input_shape
    scaled = 'x.astype("float32") / scale'
    return [
        "def prepare(x):",
        '    """Inputs as the model takes them: float32, pixels / 255'
        + (', in INPUT_SHAPE."""' if reshape else '."""'),
        "    scale = 255.0 if x.dtype == np.uint8 else 1.0",
        f"    return ({scaled}).reshape((len(x), *INPUT_SHAPE))"
        if reshape
        else f"    return {scaled}",
        "",
        "",
        "def targets(y):",
        '    """Labels in the form the loss takes."""',
        f"    return {_TARGETS[plan.targets]}",
    ]


def _augmentation(settings: TrainingSettings) -> list[str]:
    a = settings.augmentation
    layers = []
    if a.flip != "none":
        mode = {"both": "horizontal_and_vertical"}.get(a.flip, a.flip)
        layers.append(f"layers.RandomFlip({py(mode)}, seed=SEED)")
    if a.rotation:
        layers.append(f"layers.RandomRotation({a.rotation!r}, seed=SEED)")
    if a.zoom:
        layers.append(f"layers.RandomZoom({a.zoom!r}, seed=SEED)")
    if a.shear:
        layers.append(f"layers.RandomShear(x_factor={a.shear!r}, y_factor={a.shear!r}, seed=SEED)")
    if a.translation:
        layers.append(f"layers.RandomTranslation({a.translation!r}, {a.translation!r}, seed=SEED)")
    return [
        "    # Random changes of the training images; Keras applies them in training only.",
        "    augment = keras.Sequential(",
        "        [",
        *(f"            {layer}," for layer in layers),
        "        ],",
        '        name="augmentation",',
        "    )",
        "    trainer = keras.Sequential([augment, model])",
    ]


def _monitor(monitor: str, has_validation: bool) -> str:
    return py(monitor if has_validation or not monitor.startswith("val_") else monitor[4:])


def _callbacks(settings: TrainingSettings, has_validation: bool) -> list[str]:
    out = []
    if settings.early_stopping:
        m = settings.early_stopping_monitor
        out += [
            "        keras.callbacks.EarlyStopping(",
            f"            monitor={_monitor(m, has_validation)},",
            f"            patience={settings.early_stopping_patience},",
            f"            restore_best_weights={settings.restore_best_weights},",
            f"            mode={py('max' if 'accuracy' in m else 'min')},",
            "        ),",
        ]
    if settings.reduce_lr:
        m = settings.reduce_lr_monitor
        out += [
            "        keras.callbacks.ReduceLROnPlateau(",
            f"            monitor={_monitor(m, has_validation)},",
            f"            factor={settings.reduce_lr_factor!r},",
            f"            patience={settings.reduce_lr_patience},",
            f"            mode={py('max' if 'accuracy' in m else 'min')},",
            "            min_lr=1e-7,",
            "        ),",
        ]
    return ["    callbacks = [", *out, "    ]"] if out else []


def _main(settings: TrainingSettings, plan: Plan, data: DataCode, image: bool) -> list[str]:
    test = "    " if not data.may_lack_test else "        "
    lines = [
        "def main():",
        '    """Train the model as nnstudio did, print its test metrics and save it."""',
        "    keras.utils.set_random_seed(SEED)  # the initial weights of nnstudio's run",
        "    model = build_model()",
        "    (x_train, y_train), (x_test, y_test) = load_data()",
    ]
    weighted = settings.class_weights and plan.targets != "value"
    if weighted:
        lines += [
            "    # Every class counts as much: n_samples / (n_classes * n_in_class).",
            "    counts = np.bincount(y_train.reshape(-1).astype(int), minlength=len(CLASS_NAMES))",
            "    class_weight = {",
            "        i: len(y_train) / (len(CLASS_NAMES) * n) if n else 0.0",
            "        for i, n in enumerate(counts)",
            "    }",
        ]
    lines.append("    x_train, y_train = prepare(x_train), targets(y_train)")
    if data.may_lack_test:
        lines.append("    if x_test is not None:")
    lines.append(f"{test}x_test, y_test = prepare(x_test), targets(y_test)")
    fit = ["        x_train,", "        y_train,"]
    has_validation = settings.validation != "none"
    if settings.validation == "split":
        lines += [
            "    # The last part of the training data validates, as in nnstudio.",
            "    n_val = max(1, round(len(x_train) * VALIDATION_SPLIT))",
            "    x_val, y_val = x_train[-n_val:], y_train[-n_val:]",
            "    x_train, y_train = x_train[:-n_val], y_train[:-n_val]",
        ]
        fit.append("        validation_data=(x_val, y_val),")
    elif settings.validation == "test":
        check = " if x_test is not None else None" if data.may_lack_test else ""
        fit.append(f"        validation_data=(x_test, y_test){check},")
    trainer = "model"
    if settings.augmentation.active and image:
        lines += _augmentation(settings)
        trainer = "trainer"
    callbacks = _callbacks(settings, has_validation)
    lines += callbacks
    fit += [
        "        batch_size=BATCH_SIZE,",
        "        epochs=EPOCHS,",
        f"        shuffle={settings.shuffle},",
        *(["        callbacks=callbacks,"] if callbacks else []),
        *(["        class_weight=class_weight,"] if weighted else []),
    ]
    lines += [
        "    keras.utils.set_random_seed(SEED)",
        f"    {trainer}.compile(",
        *_optimizer(settings),
        f"        loss={_loss(plan)},",
        f"        metrics=[{_metric(plan)}],",
        "    )",
        f"    {trainer}.fit(",
        *fit,
        "    )",
    ]
    if data.may_lack_test:
        lines.append("    if x_test is not None:")
    lines += [
        # The trainer: the model is compiled inside it when it augments (Random* layers do
        # nothing outside training).
        f"{test}print({trainer}.evaluate(x_test, y_test, verbose=0, return_dict=True))",
        "    model.save(MODEL_FILE)",
        '    print(f"Saved the trained model to {MODEL_FILE}")',
    ]
    return lines


def _constants(info: ModelInfo, settings: TrainingSettings, data: DataCode, arch) -> list[str]:
    names = list(info.class_names)
    note = (
        "the classes, in the order of the model's outputs"
        if names
        else "no classes: the model predicts numbers"
    )
    values = [
        ("CLASS_NAMES", names, note),
        ("INPUT_SHAPE", tuple(arch.input_shape), "one sample, without the batch axis"),
        (
            "SEED",
            settings.seed if settings.seed is not None else 0,
            "" if settings.seed is not None else "nnstudio draws a new seed for each run",
        ),
        ("LEARNING_RATE", float(settings.effective_learning_rate), ""),
        ("BATCH_SIZE", settings.batch_size, ""),
        ("EPOCHS", settings.epochs, ""),
    ]
    if settings.validation == "split":
        values.append(("VALIDATION_SPLIT", settings.validation_split, ""))
    values.append(("MODEL_FILE", f"{model_name(arch)}.keras", "where the trained model goes"))
    return [line for c in [*values, *data.constants] for line in constant_lines(*c)]


def training_script(info: ModelInfo) -> str:
    """The Python script that rebuilds and trains the model described by ``info``."""
    arch, settings, source = _parts(info)
    try:
        plan = task_plan(arch, stand_in(arch, info.class_names, info.dataset), settings)
    except TrainingError as e:
        raise ExportError(
            f"{info.name} cannot be trained on {info.dataset or source.name} as it stands, so "
            f"there is no training to export: {e}"
        ) from None
    data = data_code(source, tuple(arch.input_shape), info.dataset, info.preprocessing)
    image = source.name in IMAGE_SOURCES
    usage = (
        f"build_model() rebuilds the model and load_data() loads {info.dataset or source.name}; "
        "importing this file does nothing else. Run it to train the model as nnstudio did, "
        f"with {OPTIMIZERS[settings.optimizer][0]} and {plan.loss_label}, then save it to "
        f"MODEL_FILE. The model takes {info.scaling_text}."
    )
    lines = docstring_lines(arch, "a Keras model and its training", usage)
    lines += ["", *sorted(data.stdlib), *([""] if data.stdlib else [])]
    keras_lines = import_lines(arch)
    plain = sorted(i for i in data.imports if i.startswith("import "))
    froms = sorted(i for i in data.imports if not i.startswith("import "))
    lines += [keras_lines[0], "import numpy as np", *plain, *keras_lines[1:], *froms]
    lines.append("")
    lines += _constants(info, settings, data, arch)
    for block in (build_model_lines(arch), data.lines, _helpers(plan, tuple(arch.input_shape))):
        lines += ["", "", *block]
    lines += ["", "", *_main(settings, plan, data, image)]
    lines += ["", "", 'if __name__ == "__main__":', "    main()", ""]
    return "\n".join(lines)
