"""Writing a trained model in the formats other programs load, each with its metadata inside:

========== ==================================== ==========================================
format     what is written                      where the metadata (``nnstudio.json``) is
========== ==================================== ==========================================
keras      ``model.keras`` (``model.save``)     a member of the .keras zip, beside Keras' own
savedmodel a folder (Keras' ExportArchive;      ``assets/nnstudio.json`` and
           signature ``serving_default``)       ``assets/labels.txt``
tflite     ``model.tflite`` (TF's converter,    a zip appended to the flatbuffer, as TFLite's
           built-in ops only)                   metadata packs associated files:
                                                ``nnstudio.json`` and ``labels.txt``
onnx       ``model.onnx`` (Keras' export, by    ``metadata_props["nnstudio.json"]``
           tf2onnx; the ``export`` extra)
python     ``model.py``: build_model() and the  ``CLASS_NAMES`` and the settings, as code
           training, with plain Keras
========== ==================================== ==========================================

Every format but keras and python takes one float32 input named ``input`` (batch, *shape),
already scaled as ``ModelInfo.scaling`` says, and gives one output. Augmentation layers (Random*)
are left out of them: they do nothing outside training, and ONNX has no operators for them.
Files are written to a temporary name and moved into place, so a failed export leaves nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nnstudio.core import backend
from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting.metadata import (
    LABELS_FILE,
    MAX_METADATA_BYTES,
    METADATA_FILE,
    ModelInfo,
    info_from_json,
)

#: Format name -> the suffix of what it writes ("" for a folder).
FORMATS = {
    "keras": ".keras",
    "savedmodel": "",
    "tflite": ".tflite",
    "onnx": ".onnx",
    "python": ".py",
}
#: The name of the model's input in the savedmodel, tflite and onnx formats.
INPUT_NAME = "input"
#: How to install the export extra, from nnstudio's folder (where README's install runs).
EXPORT_EXTRA = 'in nnstudio\'s folder, pip install -e ".[export]" (onnx, tf2onnx, onnxruntime)'


class ExportError(NnstudioError, ValueError):
    """A model cannot be exported as asked; the message says why and what to do."""


class MissingPackageError(ExportError):
    """A format needs packages that are not installed (the ``export`` extra)."""


def default_path(source: str | os.PathLike, fmt: str) -> Path:
    """Where to write an export of ``source`` (a model or project file) by default: beside it,
    with the format's suffix (``mnist_savedmodel`` for a SavedModel folder)."""
    source = Path(source)
    if fmt == "savedmodel":
        return source.with_name(f"{source.stem}_savedmodel")
    out = source.with_suffix(FORMATS[fmt])
    # Never the source itself (a .keras exported as keras): a new file beside it.
    return out if out != source else source.with_name(f"{source.stem}_exported{FORMATS[fmt]}")


def _check_target(fmt: str, out: Path) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder; create it first or choose another")
    suffix = FORMATS[fmt]
    if suffix and out.suffix.lower() != suffix:
        raise ExportError(
            f"a {fmt} export is a {suffix} file; received {out.name!r}: name it "
            f"{out.with_suffix(suffix).name}"
        )
    if suffix and out.is_dir():
        raise ExportError(f"{out} is a folder; choose a file name ending in {suffix}")
    if not suffix and out.exists():
        if not out.is_dir():
            raise ExportError(f"{out} is a file; a SavedModel is a folder: choose a new name")
        if any(out.iterdir()) and not (out / "saved_model.pb").exists():
            raise ExportError(
                f"{out} is a folder that is not a SavedModel; nnstudio replaces only a "
                "SavedModel: choose a new folder name"
            )


@contextmanager
def _staged(out: Path, suffix: str) -> Iterator[Path]:
    """A temporary path beside ``out``, moved into place if the block succeeds."""
    folder = Path(tempfile.mkdtemp(prefix=".nnstudio-export-", dir=out.parent))
    try:
        staged = folder / f"model{suffix}"
        yield staged
        if out.is_dir():
            shutil.rmtree(out)  # a SavedModel being replaced (checked in _check_target)
        os.replace(staged, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _require(what: str, *modules: str) -> None:
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            raise MissingPackageError(
                f"{what} needs the package {name}, which is not installed: {EXPORT_EXTRA}"
            ) from None


def inference_model(model):
    """The model without its augmentation layers (Random*), which act only while training,
    as a model object of its own that shares the layers and weights.

    Of its own, because Keras' ``export`` sets the model's ``predict_function`` (and train and
    test functions) to None while it writes the SavedModel: the window exports on a worker
    thread, and a ``predict`` or ``evaluate`` of the same model on another thread then failed
    with "'NoneType' object is not callable".
    """
    keras = backend.keras()
    if isinstance(model, keras.Sequential):
        kept = [layer for layer in model.layers if not type(layer).__name__.startswith("Random")]
        if len(kept) != len(model.layers):
            shape = model.input_shape[1:]
            return keras.Sequential([keras.Input(shape=shape), *kept], name=model.name)
    if not getattr(model, "inputs", None):
        return model  # never called yet: nothing to wrap (and nothing to disturb)
    return keras.Model(model.inputs, model.outputs, name=model.name)


def _signature(model) -> list:
    tf = backend.tensorflow()
    return [tf.TensorSpec(model.input_shape, tf.float32, name=INPUT_NAME)]


def _failure(fmt: str, error: Exception) -> ExportError:
    text = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
    return ExportError(f"the model could not be converted to {fmt}: {type(error).__name__}: {text}")


def _keras(model, info: ModelInfo, path: Path) -> None:
    model.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(METADATA_FILE, info.to_json())


def _savedmodel(model, info: ModelInfo, path: Path) -> None:
    model = inference_model(model)
    try:
        model.export(
            path, format="tf_saved_model", verbose=False, input_signature=_signature(model)
        )
    except Exception as e:  # TensorFlow's many error types: a message, not a traceback
        raise _failure("a SavedModel", e) from None
    assets = path / "assets"
    assets.mkdir(exist_ok=True)
    (assets / METADATA_FILE).write_text(info.to_json(), encoding="utf-8")
    (assets / LABELS_FILE).write_text(info.labels_text(), encoding="utf-8")


def _tflite(model, info: ModelInfo, path: Path) -> None:
    tf = backend.tensorflow()
    model = inference_model(model)
    try:
        model.export(
            path,
            format="litert",
            verbose=False,
            input_signature=_signature(model),
            # Built-in operators only: the file runs in any TFLite/LiteRT interpreter.
            target_spec={"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]},
        )
    except Exception as e:
        raise _failure("TFLite", e) from None
    # TFLite's metadata convention: associated files in a zip appended to the flatbuffer,
    # which interpreters ignore and zip readers find.
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(METADATA_FILE, info.to_json())
        archive.writestr(LABELS_FILE, info.labels_text())


def _onnx(model, info: ModelInfo, path: Path) -> None:
    import onnx

    model = inference_model(model)
    with warnings.catch_warnings():
        # Keras' patch of tf2onnx for NumPy 2 asks numpy for np.object, which warns.
        warnings.filterwarnings("ignore", "In the future `np.object`", FutureWarning)
        try:
            model.export(path, format="onnx", verbose=False, input_signature=_signature(model))
        except Exception as e:
            raise _failure("ONNX", e) from None
    proto = onnx.load(path)
    graph = proto.graph
    graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
    for index, output in enumerate(graph.output):  # "Identity:0" -> "output_0", as elsewhere
        old, new = output.name, f"output_{index}"
        for node in graph.node:
            node.output[:] = [new if name == old else name for name in node.output]
            node.input[:] = [new if name == old else name for name in node.input]
        output.name = new
        output.type.tensor_type.shape.dim[0].dim_param = "batch"
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_FILE, info.to_json()
    onnx.save(proto, path)


def _python(model, info: ModelInfo, path: Path) -> None:
    from nnstudio.core.exporting.script import training_script

    path.write_text(training_script(info), encoding="utf-8")


_WRITERS = {"keras": _keras, "savedmodel": _savedmodel, "tflite": _tflite, "onnx": _onnx,
            "python": _python}  # fmt: skip


def export_model(model, info: ModelInfo, fmt: str, out_path: str | os.PathLike) -> Path:
    """Write ``model`` in format ``fmt`` (one of FORMATS) to ``out_path``, with ``info`` inside.

    The python format is written from ``info`` alone (its architecture, training settings and
    dataset source), so ``model`` may be None for it. Raises ``ExportError`` (or
    ``MissingPackageError`` for ONNX without the export extra); returns the path written.
    """
    out = Path(out_path)
    _check_target(fmt, out)
    if fmt == "onnx":
        _require("exporting to ONNX", "onnx", "tf2onnx")  # before anything is built
    if model is None and fmt != "python":
        raise ExportError(f"there is no trained model to export as {fmt}: train it first")
    try:
        with _staged(out, FORMATS[fmt]) as staged:
            _WRITERS[fmt](model, info, staged)
    except OSError as e:
        raise ExportError(f"cannot write {out}: {e.strerror or e}") from None
    return out


def _member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    if member.file_size > MAX_METADATA_BYTES:
        return b"x" * (MAX_METADATA_BYTES + 1)  # refused as too large by info_from_json
    return archive.read(member)


def read_info(path: str | os.PathLike) -> ModelInfo | None:
    """The nnstudio metadata exported with a model, in any format (None if it has none).

    Raises ``MetadataError`` if the metadata is there but damaged, ``ExportError`` if the file
    cannot be read.
    """
    path = Path(path)
    try:
        if not path.exists():
            raise FileNotFoundError(path)
        if path.is_dir():
            data = path / "assets" / METADATA_FILE
            return info_from_json(data.read_bytes()) if data.is_file() else None
        if path.suffix.lower() == ".onnx":
            _require("reading ONNX metadata", "onnx")
            import onnx

            props = {
                p.key: p.value for p in onnx.load(path, load_external_data=False).metadata_props
            }
            return info_from_json(props[METADATA_FILE]) if METADATA_FILE in props else None
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            data = _member(archive, METADATA_FILE)
        return None if data is None else info_from_json(data)
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except (OSError, zipfile.BadZipFile) as e:
        raise ExportError(f"{path}: cannot be read: {e}") from None
