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
