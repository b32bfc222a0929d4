"""The project is installed and tested the way README.md says, and the wheel ships resources/."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_opens_with_the_install_and_test_commands():
    start, test = readme_commands()
    assert start == "pip install -e . && nnstudio"
    assert test == 'pip install -e ".[test]" && pytest'


def test_readme_examples_say_which_extra_they_need():
    """Issue: nnstudio export --format onnx, README's own example, failed after README's
    install; an example that needs an extra installs it first, in the same block."""
    readme = (ROOT / "README.md").read_text()
    for block in re.findall(r"```(?:sh|text)\n(.*?)```", readme, re.S):
        if "--format onnx" in block:
            assert '".[export]"' in block.split("--format onnx")[0], block
    assert "2.8 GB" in readme  # the size of the install, next to its time
    assert 'pip install -e ".[tensorboard]"' in readme


def test_ci_runs_exactly_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert readme_commands()[1] in script.splitlines()
    assert "python3 -m venv" in script


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="not a source checkout")
def test_the_wheel_ships_resources(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("nnstudio-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        f"nnstudio/{path.relative_to(ROOT / 'nnstudio').as_posix()}"
        for path in (ROOT / "nnstudio").rglob("*.py")
    }
    assert modules <= names, f"missing from the wheel: {sorted(modules - names)}"
    for needed in (
        "nnstudio/resources/icons/core.svg",
        "nnstudio/resources/__init__.py",
        "nnstudio/resources/templates/index.json",
        "nnstudio/resources/templates/mnist-cnn.json",
        "nnstudio/resources/datasets/mnist-10k.npz",
        "nnstudio/resources/datasets/fashion-mnist-10k.npz",
        "nnstudio/resources/datasets/README.md",
        "nnstudio/core/summary.py",
    ):
        assert needed in names
    assert not any(n.startswith("tests/") for n in names)
