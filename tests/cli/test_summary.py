"""The nnstudio command: output, JSON, exit status, and one-line messages for bad input."""

import json
import subprocess
import sys

import pytest

from nnstudio import __version__
from nnstudio.cli import main
from nnstudio.core import template
from nnstudio.core.resources import resource

CNN = str(resource("templates", "mnist-cnn.json"))
EMOTION = str(resource("templates", "emotion-cnn.json"))


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def invalid_architecture(tmp_path):
    doc = template("mnist-cnn").architecture.to_dict()
    doc["input_shape"] = [3, 3, 1]
    return write(tmp_path, "small.json", json.dumps(doc))


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"nnstudio {__version__}"


def test_summary_prints_a_keras_style_table(capsys):
    status, out, err = run(capsys, "summary", EMOTION)
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == 'Model: "Face emotion CNN"'
    assert "Layer (type)" in lines[2]
    assert "Output Shape" in lines[2]
    assert "Param #" in lines[2]
    assert any(
        "conv2d (Conv2D)" in line and "(None, 48, 48, 30)" in line and "780" in line
        for line in lines
    )
    assert " Total params: 226,352 (884.19 KB)" in lines
    assert " Trainable params: 226,352 (884.19 KB)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines


def test_summary_json(capsys):
    status, out, _ = run(capsys, "summary", "--json", CNN, EMOTION)
    assert status == 0
    results = json.loads(out)
    assert [r["file"] for r in results] == [CNN, EMOTION]
    first = results[0]
    assert first["ok"] is True
    assert (first["total_params"], first["trainable_params"], first["non_trainable_params"]) == (
        34826,
        34826,
        0,
    )
    assert first["layers"][2] == {
        "name": "conv2d_1",
        "type": "Conv2D",
        "output_shape": [None, 11, 11, 64],
        "params": 18496,
        "trainable_params": 18496,
        "non_trainable_params": 0,
        "macs": 2230272,
        "inputs": ["max_pooling2d"],
    }
    assert {"name", "type", "output_shape", "params", "trainable_params"} <= set(first["layers"][0])


def test_invalid_architecture_exits_1_and_pins_the_error(capsys, tmp_path):
    path = invalid_architecture(tmp_path)
    status, out, _ = run(capsys, "summary", path)
    assert status == 1
    assert "✗ layer 1 (max_pooling2d): MaxPooling2D pool 2x2 is larger than the 1x1 input" in out
    status, out, _ = run(capsys, "summary", "--json", path)
    (result,) = json.loads(out)
    assert status == 1
    assert result["ok"] is False
    assert result["errors"][0]["layer"] == 1
    assert "pool 2x2 is larger than the 1x1 input" in result["errors"][0]["message"]


def test_exit_status_is_the_worst_of_all_files(capsys, tmp_path):
    bad = write(tmp_path, "bad.json", "{")
    status, out, err = run(capsys, "summary", CNN, invalid_architecture(tmp_path), bad)
    assert status == 2
    assert f"== {CNN} ==" in out
    assert (
        err.strip() == f"nnstudio: {bad}: invalid JSON at line 1, column 2: Expecting "
        "property name enclosed in double quotes"
    )
    status, out, _ = run(capsys, "summary", "--json", CNN, bad)
    assert status == 2
    assert json.loads(out)[1] == {
        "file": bad,
        "ok": False,
        "errors": [{"layer": None, "message": json.loads(out)[1]["errors"][0]["message"]}],
    }


VALID = json.dumps(template("mnist-cnn").architecture.to_dict())
MALFORMED = {
    "empty": ("", "the file is empty"),
    "truncated": (VALID[:-20], "invalid JSON"),
    "binary": (bytes(range(256)), "not a text file"),
    "wrong types": (
        VALID.replace('"filters": 32', '"filters": "32"'),
        "filters must be an integer",
    ),
    "nan": (VALID.replace("0.5", "NaN"), "NaN"),
    "unknown layer": (VALID.replace('"Flatten"', '"Flaten"'), 'did you mean "Flatten"?'),
    "unknown key": (VALID.replace('"name"', '"title"'), 'unknown key "title"'),
    "deep nesting": ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    "not an object": ("[]", "must be a JSON object"),
    "float units": (VALID.replace('"units": 10', '"units": 10.5'), "units must be an integer"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_input_gets_one_line_naming_the_file(capsys, tmp_path, case):
    content, message = MALFORMED[case]
    path = write(tmp_path, "input.json", content)
    status, out, err = run(capsys, "summary", path)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"nnstudio: {path}: ")
    assert message in err


@pytest.mark.parametrize(
    "content",
    [
        VALID.replace("[28, 28, 1]", "[-28, 28, 1]"),
        VALID.replace('"units": 10', '"units": 99999999999999999999'),
        VALID.replace('"rate": 0.5', '"rate": 50'),
        VALID.replace("[28, 28, 1]", "[100000, 100000, 3]"),
    ],
)
def test_absurd_sizes_are_invalid_not_crashes(capsys, tmp_path, content):
    status, out, err = run(capsys, "summary", write(tmp_path, "x.json", content))
    assert status == 1
    assert "✗" in out
    assert err == ""


def test_missing_file_and_directory(capsys, tmp_path):
    status, _, err = run(capsys, "summary", str(tmp_path / "nope.json"), str(tmp_path))
    assert status == 2
    assert err.splitlines() == [
        f"nnstudio: {tmp_path / 'nope.json'}: no such file",
        f"nnstudio: {tmp_path}: is a directory, not a file",
    ]


def test_the_installed_command_never_shows_a_traceback(tmp_path):
    path = write(tmp_path, "x.json", b"\x00\xff garbage")
    result = subprocess.run(
        [sys.executable, "-m", "nnstudio", "summary", path, CNN],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Total params: 34,826" in result.stdout


def test_ascii_output_when_the_terminal_cannot_show_box_drawing(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nnstudio", "summary", CNN],
        capture_output=True,
        env={"PYTHONIOENCODING": "ascii", "PATH": ""},
        check=True,
    )
    text = result.stdout.decode("ascii")
    assert "| conv2d (Conv2D)" in text


def test_bare_command_and_a_file_open_the_window(monkeypatch):
    opened = []
    monkeypatch.setattr("nnstudio.cli._window", lambda path: opened.append(path) or 0)
    assert main([]) == 0
    assert main(["model.nnstudio"]) == 0
    assert opened == [None, "model.nnstudio"]


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "summary" in out
    assert "nnstudio [FILE]" in out


def test_a_graph_is_summarised_as_keras_prints_a_functional_model(capsys, tmp_path):
    from tests.core.test_graph import residual

    path = tmp_path / "residual.json"
    path.write_text(json.dumps(residual().to_dict()))
    status, out, _ = run(capsys, "summary", str(path))
    assert status == 0
    assert "Connected to" in out
    assert "image (InputLayer)" in out
    assert "a[0][0], b[0][0]" in out
    status, out, _ = run(capsys, "summary", "--json", str(path))
    (result,) = json.loads(out)
    assert result["layers"][2]["inputs"] == ["a", "b"]


def test_expand_nested_lists_a_blocks_layers_under_it(capsys, tmp_path):
    from tests.core.test_nested_models import nested

    path = tmp_path / "nested.json"
    path.write_text(json.dumps(nested().to_dict()))
    status, folded, _ = run(capsys, "summary", str(path))
    assert status == 0
    assert "stem (Sequential)" in folded
    assert "stem_conv" not in folded
    status, out, _ = run(capsys, "summary", "--expand-nested", str(path))
    lines = [line for line in out.splitlines() if "└" in line and "(" in line]
    assert [line.split("│")[1].strip() for line in lines] == [
        "└ stem_conv (Conv2D)",
        "└ deeper (Sequential)",
        "└ deep_conv (Conv2D)",
    ]
    assert "      └ deep_conv (Conv2D)" in out  # a block in a block, one level further in
