"""Fuzzing the loader: whatever it is given, it returns an architecture or raises one
ArchitectureFormatError, and summarize() never raises on what it returns."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnstudio.core import ArchitectureFormatError, load_architecture, summarize, template
from nnstudio.core.jsonfile import MAX_JSON_BYTES

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)

layer_keys = st.sampled_from(
    [
        "type",
        "name",
        "units",
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "rate",
        "activation",
        "pool_size",
        "target_shape",
        "factor",
        "axis",
        "size",
        "use_bias",
        "bogus",
    ]
)
layer_types = st.sampled_from(
    [
        "Dense",
        "Conv2D",
        "MaxPooling2D",
        "Dropout",
        "Reshape",
        "RandomRotation",
        "ZeroPadding2D",
        "BatchNormalization",
        "Nope",
    ]
)


@st.composite
def mutated_documents(draw):
    """A valid template with some keys replaced by arbitrary JSON, removed or added."""
    doc = template(draw(st.sampled_from(["mnist-cnn", "emotion-cnn", "mnist-mlp"]))).architecture
    doc = doc.to_dict()
    for _ in range(draw(st.integers(1, 4))):
        layers = doc.get("layers")
        layers = layers if isinstance(layers, list) else []
        where = draw(st.integers(0, len(layers)))
        if where == len(layers):
            key = draw(st.sampled_from(["format", "version", "name", "input_shape", "layers"]))
            doc[key] = draw(json_values)
            continue
        layer = layers[where] if isinstance(layers[where], dict) else {}
        key = draw(layer_keys)
        action = draw(st.sampled_from(["set", "delete", "type"]))
        if action == "delete":
            layer.pop(key, None)
        elif action == "type":
            layer["type"] = draw(layer_types)
        else:
            layer[key] = draw(json_values)
    return doc


def _check(source):
    try:
        arch = load_architecture(source)
    except ArchitectureFormatError as e:
        message = str(e)
    else:
        message = ""
        summary = summarize(arch)
        for problem in summary.problems:
            assert problem.message
    assert "\n" not in message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_mutated_documents_never_crash(doc):
    _check(doc)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_never_crashes(value):
    _check(
        value
        if isinstance(value, dict)
        else {"format": "nnstudio-architecture", "version": 1, "input_shape": [4], "layers": value}
    )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "a.json"
    path.write_bytes(data)
    _check(path)


VALID = json.dumps(template("mnist-cnn").architecture.to_dict())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (VALID[: len(VALID) // 2].encode(), "invalid JSON at line 1"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (VALID.replace('"rate": 0.5', '"rate": NaN').encode(), "NaN is not a number JSON allows"),
        (VALID.replace('"units": 10', '"units": Infinity').encode(), "Infinity"),
        (b'{"a": 1, "a": 2}', 'the key "a" appears twice'),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[1, 2]", "an architecture must be a JSON object"),
        (VALID.replace("[28, 28, 1]", "[-28, 28, 1]").encode(), None),
    ],
)
def test_hostile_files(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    if message is None:  # readable, but the architecture is invalid
        assert not summarize(load_architecture(path)).ok
        return
    with pytest.raises(ArchitectureFormatError) as e:
        load_architecture(path)
    assert message in str(e.value)


def test_missing_file_directory_and_huge_file(tmp_path):
    with pytest.raises(ArchitectureFormatError, match="no such file"):
        load_architecture(tmp_path / "missing.json")
    with pytest.raises(ArchitectureFormatError, match="is a directory"):
        load_architecture(tmp_path)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(MAX_JSON_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ArchitectureFormatError, match="at most 16 MB"):
        load_architecture(huge)


def test_a_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_architecture(path).name == "MNIST CNN"
