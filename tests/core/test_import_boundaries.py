"""The core imports neither Qt nor TensorFlow; the CLI summary never loads TensorFlow."""

import json
import subprocess
import sys

HEAVY = ("tensorflow", "keras", "PySide6", "pyqtgraph")


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"{code}\nimport sys, json\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_core_loads_neither_qt_nor_tensorflow():
    assert _loaded_after("import nnstudio.core; from nnstudio.core import *") == []


def test_summary_and_code_export_do_not_load_tensorflow():
    code = (
        "from nnstudio.core import template, summarize, python_source, format_summary\n"
        "a = template('emotion-cnn').architecture\n"
        "format_summary(summarize(a)); python_source(a)\n"
        "from nnstudio.cli import main\n"
        "from nnstudio.core.resources import resource\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['summary', '--json', str(resource('templates', 'mnist-cnn.json'))])"
    )
    assert _loaded_after(code) == []


def test_building_a_model_loads_keras():
    code = (
        "from nnstudio.core import build_model, template\n"
        "build_model(template('xor-network').architecture)"
    )
    assert "keras" in _loaded_after(code)


def test_summaries_of_keras_files_do_not_load_tensorflow(keras, tmp_path):
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    outputs = keras.layers.Add()([x, keras.layers.ReLU()(x)])
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "model.keras")
    model.save(tmp_path / "model.h5")
    (tmp_path / "model.json").write_text(model.to_json(), encoding="utf-8")
    files = [str(tmp_path / name) for name in ("model.keras", "model.h5", "model.json")]
    code = (
        "from nnstudio.cli import main\n"
        "from nnstudio.core import load_architecture, summarize\n"
        f"for f in {files!r}: assert summarize(load_architecture(f)).ok\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['summary', '--json', *{files!r}]) == 0"
    )
    assert _loaded_after(code) == []
