"""Image files classified by a model trained for real: the answers are the model's own, batched,
with every file's error in its place."""

from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting import ModelInfo, open_trained
from nnstudio.core.playground.classify import (
    class_probabilities,
    classify_files,
    image_input_shape,
)
from nnstudio.core.playground.digits import PlaygroundError


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def info_for(outputs="probabilities", class_names=("No", "Yes"), task="classification"):
    return ModelInfo("Test model", task, class_names, (8, 8, 1), "pixels/255", outputs)


def test_a_keras_file_answers_as_the_model_does(predict_models):
    faces = predict_models.faces
    model, info = open_trained(faces.keras_file)
    answers = classify_files(model, info, faces.images)
    assert [a.file for a in answers] == [str(p) for p in faces.images]
    assert all(a.ok for a in answers)
    got = np.array([list(a.probabilities.values()) for a in answers])
    np.testing.assert_allclose(got, faces.expected, atol=1e-5)  # softmax: as they are
    first = answers[0]
    assert list(first.probabilities) == list(faces.info.class_names)  # in class order
    best = faces.info.class_names[int(faces.expected[0].argmax())]
    assert first.top(1)[0][0] == best
    assert first.text(1) == f"{best} - {faces.expected[0].max() * 100:.2f}%"
    assert [p for _, p in first.top(7)] == sorted(faces.expected[0].tolist(), reverse=True)


def test_logits_are_turned_into_probabilities_and_a_project_answers_too(predict_models):
    digits = predict_models.digits
    assert digits.info.outputs == "logits"
    from_keras = classify_files(*open_trained(digits.keras_file), digits.images)
    from_project = classify_files(*open_trained(digits.project_file), digits.images)
    for answers in (from_keras, from_project):
        got = np.array([list(a.probabilities.values()) for a in answers])
        np.testing.assert_allclose(got, softmax(digits.expected), atol=1e-5)
        assert list(answers[0].probabilities) == [str(i) for i in range(10)]


def test_a_bad_file_is_answered_with_its_error_in_its_place(predict_models, tmp_path):
    faces = predict_models.faces
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    files = [faces.images[0], tmp_path / "missing.png", faces.images[1], text]
    answers = classify_files(faces.model, faces.info, files)
    assert [a.ok for a in answers] == [True, False, True, False]
    assert "missing.png cannot be read" in answers[1].error
    assert "notes.png is not an image file" in answers[3].error
    assert answers[1].to_dict() == {
        "file": str(tmp_path / "missing.png"),
        "error": answers[1].error,
    }
    assert answers[1].probabilities == {}
    assert answers[1].top(3) == []
    np.testing.assert_allclose(
        list(answers[2].probabilities.values()), faces.expected[1], atol=1e-5
    )
    only_bad = classify_files(faces.model, faces.info, [text])
    assert not only_bad[0].ok


def test_colour_and_larger_images_are_converted_to_what_the_model_takes(predict_models, tmp_path):
    faces = predict_models.faces
    gray = Image.open(faces.images[0])
    colour = tmp_path / "colour.jpg"
    gray.convert("RGB").save(colour, quality=100)
    large = tmp_path / "large.png"
    gray.resize((192, 192), Image.Resampling.NEAREST).save(large)
    answers = classify_files(faces.model, faces.info, [colour, large])
    for answer in answers:
        np.testing.assert_allclose(
            list(answer.probabilities.values()), faces.expected[0], atol=0.05
        )


@pytest.fixture
def counting_model():
    """A stand-in model that says "Yes" at 75% and records the batches it is called with."""
    calls = []

    def predict(x, batch_size, verbose):
        calls.append(x.shape)
        return np.full((len(x), 1), 0.75)

    model = SimpleNamespace(
        inputs=[SimpleNamespace(shape=(None, 8, 8, 1))], outputs=[object()], predict=predict
    )
    return model, calls


def test_one_model_call_for_many_images(counting_model, tmp_path, monkeypatch):
    """The readable files go to the model together (a call per CHUNK), not one by one."""
    from nnstudio.core.playground import classify

    model, calls = counting_model
    files = []
    for i in range(5):
        files.append(tmp_path / f"{i}.png")
        Image.new("L", (8, 8), i * 40).save(files[-1])
    answers = classify_files(model, info_for(), [*files, tmp_path / "missing.png"])
    assert calls == [(5, 8, 8, 1)]
    assert all(a.probabilities == {"No": 0.25, "Yes": 0.75} for a in answers[:5])
    monkeypatch.setattr(classify, "CHUNK", 2)
    calls.clear()
    classify_files(model, info_for(), files)
    assert calls == [(2, 8, 8, 1), (2, 8, 8, 1), (1, 8, 8, 1)]


def test_a_single_sigmoid_unit_is_two_classes(keras, tmp_path):
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1, "sigmoid")]
    )
    path = tmp_path / "dot.png"
    Image.new("L", (8, 8), 200).save(path)
    [answer] = classify_files(model, info_for(), [path])
    p = float(model.predict(np.full((1, 8, 8, 1), 200 / 255, np.float32), verbose=0)[0, 0])
    assert answer.probabilities == pytest.approx({"No": 1 - p, "Yes": p}, abs=1e-6)


@pytest.mark.parametrize(
    ("outputs", "raw", "expected"),
    [
        ("probabilities", [[0.2, 0.8]], [[0.2, 0.8]]),
        ("probabilities", [[0.9]], [[0.1, 0.9]]),  # one sigmoid
        ("logits", [[0.0, np.log(3)]], [[0.25, 0.75]]),
        ("logits", [[0.0]], [[0.5, 0.5]]),  # one logit: a sigmoid
        ("unknown", [[0.0, np.log(3)]], [[0.25, 0.75]]),  # taken for logits
        ("values", [[1.3]], [[0.0, 1.0]]),  # a perceptron's unit, clipped
        ("values", [[0.3]], [[0.7, 0.3]]),
        ("values", [[0.5, 1.5]], [[1 / 3, 2 / 3]]),  # clipped, then summing to 1
        ("values", [[-1.0, -2.0]], [[0.5, 0.5]]),
    ],
)
def test_class_probabilities_follow_what_the_outputs_are(outputs, raw, expected):
    got = class_probabilities(np.array(raw), info_for(outputs))
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_a_regression_answers_with_its_values(keras, tmp_path):
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2)]
    )
    path = tmp_path / "x.png"
    Image.new("L", (8, 8), 255).save(path)
    info = info_for("values", (), task="regression")
    assert class_probabilities(np.zeros((1, 2)), info) is None
    [answer] = classify_files(model, info, [path])
    expected = model.predict(np.ones((1, 8, 8, 1), np.float32), verbose=0)[0]
    assert answer.to_dict()["values"] == pytest.approx(expected.tolist(), abs=1e-6)
    assert answer.probabilities == {}
    assert answer.text() == ", ".join(f"{v:.6g}" for v in answer.prediction.outputs)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((2,), r"shape \(2,\), which is not an image; received image files"),
        ((None, None, 1), r"of any size where None"),
    ],
)
def test_a_model_that_does_not_take_images_is_a_clear_message(keras, shape, message):
    model = keras.Sequential([keras.Input(shape), keras.layers.Dense(1, "sigmoid")])
    with pytest.raises(PlaygroundError, match=message):
        image_input_shape(model, info_for())
    with pytest.raises(PlaygroundError, match=message):
        classify_files(model, info_for(), [])


def test_outputs_that_do_not_fit_the_class_names_are_refused(predict_models):
    digits = predict_models.digits
    info = digits.info.replace(class_names=("a", "b", "c"))
    with pytest.raises(
        NnstudioError, match="gives 10 class probabilities but its metadata names 3"
    ):
        classify_files(digits.model, info, digits.images[:1])
