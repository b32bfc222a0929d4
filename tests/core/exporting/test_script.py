"""The python export: a standalone Keras script that rebuilds the model, loads its data as
nnstudio does and trains it. Importing it only defines things; running it trains and saves."""

import csv
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from nnstudio.core import Architecture, LayerConfig, summarize, template
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.exporting import ExportError, export_model, model_info, training_script
from nnstudio.core.toy_faces import write_image_folder
from nnstudio.core.training import TrainingSettings
from nnstudio.core.training.settings import Augmentation
from tests.core.exporting.conftest import faces_cnn, small_cnn

XOR = template("xor-network").architecture
LINEAR = template("linear-function").architecture
EVERYTHING = TrainingSettings(
    optimizer="sgd",
    momentum=0.9,
    nesterov=True,
    epochs=2,
    validation="test",
    early_stopping=True,
    reduce_lr=True,
    class_weights=True,
    seed=None,
    augmentation=Augmentation(flip="both", rotation=0.1, zoom=0.1, shear=0.1, translation=0.1),
)


def write_script(folder, arch, source, settings=None, name="model"):
    info = model_info(arch, source, settings or TrainingSettings(epochs=2))
    return export_model(None, info, "python", folder / f"{name}.py")


def import_script(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fresh_names(keras):
    """Keras' automatic layer names (dense_1, ...) counted from zero again afterwards, as other
    tests expect of a fresh session."""
    yield
    keras.utils.clear_session()


def mnist_script(folder):
    return write_script(folder, small_cnn(), DatasetSource("mnist-sample"))


@pytest.mark.parametrize(
    ("arch", "source"),
    [
        (small_cnn(), "mnist-sample"),
        (faces_cnn(), "toy-faces"),
        (template("emotion-cnn").architecture, "toy-faces"),
        (XOR, "xor"),
    ],
)
def test_importing_only_defines_things(
    keras, fresh_names, tmp_path, capsys, monkeypatch, arch, source
):
    monkeypatch.chdir(tmp_path)
    module = import_script(write_script(tmp_path, arch, DatasetSource(source)))
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]  # nothing trained
    assert callable(module.load_data)
    assert callable(module.main)
    assert tuple(module.INPUT_SHAPE) == tuple(arch.input_shape)
    model = module.build_model()
    ours = summarize(arch)
    assert model.count_params() == ours.total_params
    shapes = [tuple(layer.output.shape) for layer in model.layers]
    assert shapes == [tuple(row.output_shape) for row in ours.layers]


def test_the_script_says_happy(tmp_path):
    script = write_script(tmp_path, faces_cnn(), DatasetSource("toy-faces"))
    module = import_script(script)
    assert module.CLASS_NAMES[3] == "Happy"
    assert module.MODEL_FILE == "Faces_CNN.keras"


def test_the_mnist_sample_loads_as_nnstudio_loads_it(keras, tmp_path):
    module = import_script(mnist_script(tmp_path))
    (x_train, y_train), (x_test, y_test) = module.load_data()
    assert (x_train.shape, y_train.shape) == ((8000, 28, 28), (8000,))
    assert (x_test.shape, y_test.shape) == ((2000, 28, 28), (2000,))
    sample = load_dataset("mnist-sample")
    np.testing.assert_array_equal(x_test, sample.x_test[..., 0])
    x = module.prepare(x_train[:5])
    assert x.shape == (5, 28, 28, 1)
    assert x.dtype == np.float32
    assert x.max() <= 1.0
    assert module.targets(y_train[:5]).dtype == np.int32


def test_a_function_with_noise_and_numpy_names(tmp_path):
    source = DatasetSource(
        "function",
        options={"expression": "sin(x) + e*x^2 + sigmoid(x)", "count": 50, "noise": 0.1},
    )
    script = write_script(tmp_path, LINEAR, source)
    text = script.read_text()
    assert "from numpy import e, sin" in text
    assert "def sigmoid(v):" in text
    (x_train, y_train), (x_test, y_test) = import_script(script).load_data()
    ours = load_dataset(source)
    for theirs, mine in ((x_train, ours.x_train), (y_train, ours.y_train)):
        np.testing.assert_allclose(theirs, mine, rtol=1e-6)
    np.testing.assert_allclose(x_test, ours.x_test, rtol=1e-6)
    np.testing.assert_allclose(y_test, ours.y_test, rtol=1e-6)


def test_a_constant_function(tmp_path):
    script = write_script(tmp_path, LINEAR, DatasetSource("function", options={"expression": "3"}))
    (_, y_train), _ = import_script(script).load_data()
    assert (y_train == 3).all()


@pytest.mark.parametrize("gate", ["xor", "not"])
def test_gates_are_written_out(tmp_path, gate):
    arch = XOR.replace(input_shape=(1,)) if gate == "not" else XOR
    module = import_script(write_script(tmp_path, arch, DatasetSource(gate)))
    (x, y), (x_test, _) = module.load_data()
    ours = load_dataset(gate)
    np.testing.assert_array_equal(x, ours.x_train)
    np.testing.assert_array_equal(y, ours.y_train)
    np.testing.assert_array_equal(x_test, x)


def test_an_image_folder_reads_as_nnstudio_reads_it(keras, tmp_path):
    root = write_image_folder(tmp_path / "faces", 3, seed=0, test_count_per_class=1, size=16)
    arch = faces_cnn().replace(input_shape=(12, 12, 1))
    source = DatasetSource("folder", str(root), {"seed": 5})
    module = import_script(write_script(tmp_path, arch, source))
    folders = (module.TRAIN_FOLDER, module.TEST_FOLDER)
    assert folders == (str(root / "train"), str(root / "test"))
    names = module.CLASS_NAMES
    assert names == sorted(names)  # the folders' names
    (x, y), (x_test, y_test) = module.load_data()
    ours = load_dataset(source, (12, 12, 1))
    np.testing.assert_array_equal(x, ours.x_train)
    np.testing.assert_array_equal(y, ours.y_train)
    np.testing.assert_array_equal(x_test, ours.x_test)
    np.testing.assert_array_equal(y_test, ours.y_test)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("mnist", "return keras.datasets.mnist.load_data()"),
        ("fashion-mnist", "return keras.datasets.fashion_mnist.load_data()"),
        ("cifar10", "return keras.datasets.cifar10.load_data()"),
        ("fashion-mnist-sample", "return keras.datasets.fashion_mnist.load_data()"),
        ("toy-faces", 'DATASET = {"name": "toy-faces"}'),
    ],
)
def test_other_datasets_code_only(tmp_path, source, expected):
    arch = small_cnn()
    if source == "cifar10":
        arch = arch.replace(input_shape=(32, 32, 3))
    if source == "toy-faces":
        arch = faces_cnn()
    text = write_script(tmp_path, arch, DatasetSource(source)).read_text()
    assert expected in text


def standalone(script) -> bool:
    """Whether the script runs without nnstudio: it imports none of it."""
    text = script.read_text()
    return "import nnstudio" not in text and "from nnstudio" not in text


def assert_same_data(module, dataset):
    (x, y), (x_test, y_test) = module.load_data()
    np.testing.assert_array_equal(x, dataset.x_train)
    np.testing.assert_array_equal(y, dataset.y_train)
    np.testing.assert_array_equal(x_test, dataset.x_test)
    np.testing.assert_array_equal(y_test, dataset.y_test)


def write_fer_csv(path, usage: bool):
    from nnstudio.core.toy_faces import toy_faces

    x, y = toy_faces(5, seed=2)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["emotion", "pixels", *(["Usage"] if usage else [])])
        for i, (image, label) in enumerate(zip(x, y, strict=True)):
            split = ["PrivateTest" if i % 4 == 0 else "Training"] if usage else []
            writer.writerow([label, " ".join(map(str, image.ravel())), *split])
        writer.writerow([9, "1 2 3", *(["Training"] if usage else [])])  # skipped by both
        writer.writerow(["3", "0 " * 2303 + "256", *(["Training"] if usage else [])])


@pytest.mark.parametrize("usage", [True, False])
def test_a_fer2013_csv_is_read_without_nnstudio(tmp_path, usage):
    path = tmp_path / "fer2013.csv"
    write_fer_csv(path, usage)
    source = DatasetSource("fer-csv", str(path))
    script = write_script(tmp_path, faces_cnn(), source)
    assert standalone(script)
    module = import_script(script)
    assert str(path) == module.CSV_FILE
    assert_same_data(module, load_dataset(source))


LABELS = ("0", "1", "2", "3", "4", "5", "6", "9", "10", "cat")


def test_a_csv_of_image_files_is_read_without_nnstudio(tmp_path):
    from PIL import Image

    images = tmp_path / "Train" / "Images" / "train"
    images.mkdir(parents=True)
    rng = np.random.default_rng(0)
    with (tmp_path / "Train" / "train.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["filename", "label"])
        for i in range(40):
            pixels = rng.integers(0, 256, (30, 26), dtype=np.uint8)
            Image.fromarray(pixels).convert("RGB").save(images / f"{i}.png")
            writer.writerow([f"{i}.png", LABELS[i % 10]])
        writer.writerow(["missing.png", "2"])
        writer.writerow(["3.png", ""])
    source = DatasetSource("image-csv", str(tmp_path / "Train" / "train.csv"))
    script = write_script(tmp_path, small_cnn(), source)
    assert standalone(script)
    module = import_script(script)
    assert str(images) == module.IMAGE_FOLDER
    ours = load_dataset(source, (28, 28, 1))
    assert ours.class_names == LABELS
    assert_same_data(module, ours)


def test_a_folder_without_a_test_folder_holds_out_the_same_faces(keras, tmp_path):
    root = write_image_folder(tmp_path / "faces", 6, seed=1, size=16)
    arch = faces_cnn().replace(input_shape=(16, 16, 1))
    source = DatasetSource("folder", str(root))
    module = import_script(write_script(tmp_path, arch, source))
    assert module.TEST_FOLDER is None
    assert_same_data(module, load_dataset(source, (16, 16, 1)))


def test_the_users_own_copies_of_full_datasets(tmp_path):
    import gzip

    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 30, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 10, dtype=np.uint8),
    }
    np.savez(tmp_path / "mnist.npz", **arrays)
    fashion = tmp_path / "fashion"
    fashion.mkdir()
    for name, key, header in (
        ("train-labels-idx1-ubyte.gz", "y_train", 8),
        ("train-images-idx3-ubyte.gz", "x_train", 16),
        ("t10k-labels-idx1-ubyte.gz", "y_test", 8),
        ("t10k-images-idx3-ubyte.gz", "x_test", 16),
    ):
        with gzip.open(fashion / name, "wb") as f:
            f.write(bytes(header) + arrays[key].tobytes())
    for source in (
        DatasetSource("mnist", str(tmp_path / "mnist.npz")),
        DatasetSource("fashion-mnist", str(fashion)),
    ):
        script = write_script(tmp_path, small_cnn(), source, name=source.name.replace("-", "_"))
        assert standalone(script)
        (x, y), (x_test, y_test) = import_script(script).load_data()
        ours = load_dataset(source)
        np.testing.assert_array_equal(x, ours.x_train[..., 0])
        np.testing.assert_array_equal(y, ours.y_train)
        np.testing.assert_array_equal(x_test, ours.x_test[..., 0])
        np.testing.assert_array_equal(y_test, ours.y_test)
    text = write_script(
        tmp_path, small_cnn().replace(input_shape=(32, 32, 3)), DatasetSource("cifar10", "/d/c.tgz")
    ).read_text()
    assert 'DATA_FILE = "/d/c.tgz"' in text
    assert "shutil.copyfile(DATA_FILE, target)" in text


def test_toy_faces_need_nnstudio_and_say_so(tmp_path):
    script = write_script(tmp_path, faces_cnn(), DatasetSource("toy-faces"))
    assert not standalone(script)
    assert "needs nnstudio installed" in " ".join(script.read_text().split())


LONG_EXPRESSION = (
    "sin(x) + cos(x)*2 + exp(x/10) - log(x+1)*3 + sqrt(x) + tanh(x)*0.5 + x^2 + abs(x - 1.5)"
    " + log10(x + 2) + relu(x - 1) + sigmoid(x) + pi"
)
SCRIPTS = {
    "mnist": (small_cnn(), DatasetSource("mnist-sample"), TrainingSettings()),
    "faces_everything": (faces_cnn(), DatasetSource("toy-faces"), EVERYTHING),
    "cifar": (
        small_cnn().replace(input_shape=(32, 32, 3)),
        DatasetSource("cifar10"),
        TrainingSettings(loss="hinge", validation="none"),
    ),
    "xor_split": (XOR, DatasetSource("xor"), TrainingSettings(reduce_lr=True, validation="split")),
    "function": (
        LINEAR,
        DatasetSource("function", options={"expression": "relu(x) - log10(x)", "noise": 0.5}),
        TrainingSettings(loss="huber", early_stopping=True, validation="none"),
    ),
    "long_function": (
        LINEAR,
        DatasetSource("function", options={"expression": LONG_EXPRESSION}),
        TrainingSettings(),
    ),
    "folder": (faces_cnn(), DatasetSource("folder", "/data/my faces"), EVERYTHING),
    "long_csv": (
        faces_cnn(),
        DatasetSource("fer-csv", "/data/" + 'a long name with \\ and """ ' * 5 + ".csv"),
        TrainingSettings(),
    ),
    "image_csv": (faces_cnn(), DatasetSource("image-csv", "/data/labels.csv"), EVERYTHING),
}


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_scripts_are_formatted_and_lint_free(tmp_path):
    for name, (arch, source, settings) in SCRIPTS.items():
        write_script(tmp_path, arch, source, settings, name)
    assert_ruff_clean(tmp_path, "E,F,W")


def assert_ruff_clean(path, rules: str) -> None:
    """ruff (its defaults, not this project's settings) formats and lints ``path`` clean."""
    for command in (["format", "--check", "--diff"], ["check", "--select", rules]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "--isolated", str(path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def run_script(path):
    return subprocess.run(
        [sys.executable, path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_running_the_xor_script_trains_and_saves(keras, tmp_path):
    settings = TrainingSettings(
        epochs=3, batch_size=2, validation="split", early_stopping=True, class_weights=True
    )
    script = write_script(tmp_path, XOR, DatasetSource("xor"), settings)
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    assert "Saved the trained model to XOR_network_2-2-1.keras" in result.stdout
    metrics = json.loads(result.stdout.splitlines()[-2].replace("'", '"'))
    assert set(metrics) == {"loss", "accuracy"}
    model = keras.saving.load_model(tmp_path / "XOR_network_2-2-1.keras")
    assert model.count_params() == 9


def test_running_an_augmenting_script(keras, tmp_path):
    source = DatasetSource("toy-faces", options={"per_class": 4, "test_per_class": 1})
    settings = EVERYTHING.replace(epochs=1, batch_size=8)
    script = write_script(tmp_path, faces_cnn(), source, settings)
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    model = keras.saving.load_model(tmp_path / "Faces_CNN.keras")
    assert model.count_params() == summarize(faces_cnn()).total_params


def test_what_cannot_be_exported_as_a_script(trained):
    with pytest.raises(ExportError, match="carries no nnstudio architecture"):
        training_script(trained.info.replace(architecture=None))
    with pytest.raises(ExportError, match="metadata cannot be used: unknown training setting"):
        training_script(trained.info.replace(training={"colour": "red"}))
    wrong = Architecture("Wrong", (28, 28, 1), (LayerConfig.create("Flatten"),))
    info = model_info(wrong, DatasetSource("mnist-sample"), TrainingSettings())
    with pytest.raises(ExportError, match="Wrong cannot be trained on MNIST sample as it stands"):
        training_script(info)


def _table_script(tmp_path, source):
    from nnstudio.core.datasets import load_dataset

    dataset = load_dataset(source)
    arch = template("tabular-mlp").architecture
    from nnstudio.core.training import fitted

    arch, _ = fitted(arch, dataset)
    info = model_info(arch, source, TrainingSettings(epochs=2), dataset)
    return dataset, export_model(None, info, "python", tmp_path / "table_model.py")


def test_a_table_script_loads_exactly_what_nnstudio_trains_on(tmp_path):
    import numpy as np

    from nnstudio.core.datasets import DatasetSource as Source

    for source in (
        Source("penguins"),
        Source("penguins", options={"target": "body_mass_g", "seed": 3}),
    ):
        dataset, path = _table_script(tmp_path, source)
        module = import_script(path)
        (x_train, y_train), (x_test, y_test) = module.load_data()
        assert np.allclose(x_train, dataset.x_train, atol=1e-6)
        assert np.allclose(y_train, dataset.y_train, atol=1e-6)
        assert np.allclose(x_test, dataset.x_test, atol=1e-6)
        assert np.allclose(y_test, dataset.y_test, atol=1e-6)
        assert dataset.preprocessing.to_dict() == module.ENCODING


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_a_table_script_of_ones_own_csv_is_lint_free(tmp_path):
    rows = "\n".join(f"{i * 0.5};{'ab'[i % 2]};{i % 3}" for i in range(40))
    csv = tmp_path / "own.csv"
    csv.write_text("x;kind;label\n" + rows + "\n")
    dataset, path = _table_script(tmp_path, DatasetSource("table", str(csv)))
    module = import_script(path)
    assert module.SEPARATOR == ";"
    (x_train, _), _ = module.load_data()
    assert x_train.shape == dataset.x_train.shape
    assert_ruff_clean(path, "E,F,W,I")
