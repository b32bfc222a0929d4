"""The evented document: one event per layer touched, a fresh summary, invertible edits."""

from nnstudio.core import LayerConfig, template
from nnstudio.core.document import Document
from nnstudio.core.edits import (
    Batch,
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    SetInputShape,
    SetModelName,
    SetParameter,
)


def recorded(doc):
    events = []
    for name in (
        "layer_inserted",
        "layer_removed",
        "layer_moved",
        "layer_changed",
        "model_changed",
        "reset",
    ):
        getattr(doc, name).connect(lambda *args, name=name: events.append((name, *args)))
    doc.summary_changed.connect(lambda s: events.append(("summary", s.total_params)))
    return events


def test_events_and_summary():
    doc = Document(template("mnist-cnn").architecture)
    events = recorded(doc)
    inverse = doc.apply(InsertLayer(5, LayerConfig.create("Dense", units=64)))
    assert events == [("layer_inserted", 5), ("summary", 320 + 18496 + 1600 * 64 + 64 + 650)]
    doc.apply(inverse)
    assert doc.summary.total_params == 34826
    events.clear()
    doc.apply(MoveLayer(0, 2))
    doc.apply(SetParameter(1, "filters", 8))
    doc.apply(SetInputShape((32, 32, 1)))
    doc.apply(SetModelName("Mine"))
    assert [e[0] for e in events] == [
        "layer_moved",
        "summary",
        "layer_changed",
        "summary",
        "model_changed",
        "summary",
        "model_changed",
        "summary",
    ]
    assert doc.architecture.name == "Mine"


def test_a_batch_announces_each_layer_and_summarizes_once():
    doc = Document(template("mnist-cnn").architecture)
    events = recorded(doc)
    inverse = doc.apply(Batch((RemoveLayer(6), RemoveLayer(5), RemoveLayer(4))))
    assert events == [
        ("layer_removed", 6),
        ("layer_removed", 5),
        ("layer_removed", 4),
        ("summary", 320 + 18496),
    ]
    doc.apply(inverse)
    assert doc.architecture == template("mnist-cnn").architecture


def test_replace_resets():
    doc = Document(template("mnist-cnn").architecture)
    events = recorded(doc)
    doc.replace(template("mnist-mlp").architecture)
    assert events == [("reset",), ("summary", 640890)]
