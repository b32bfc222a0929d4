"""The project under edit, without Qt: every change a pure edit answered by its inverse, and
announced."""

from nnstudio.core import LayerConfig, template
from nnstudio.core.datasets import DatasetSource
from nnstudio.core.edits import Batch, InsertLayer, SetParameter
from nnstudio.core.project import PlaygroundImage
from nnstudio.core.session import Session, SetDataset, SetImages, SetResults, SetRuns, SetTraining


def events(session):
    seen = []
    for name in ("replaced", "dataset_changed", "training_changed", "runs_changed",
                 "images_changed"):  # fmt: skip
        getattr(session, name).connect(lambda name=name: seen.append((name, session.replacing)))
    session.document.summary_changed.connect(lambda _: seen.append(("summary", False)))
    return seen


def test_project_edits_answer_with_their_inverse_and_announce_themselves():
    start = template("mnist-cnn").project()
    session = Session(start)
    seen = events(session)
    undo = session.apply(SetDataset(DatasetSource("fashion-mnist-sample")))
    assert session.dataset == DatasetSource("fashion-mnist-sample")
    assert seen == [("dataset_changed", False)]
    session.apply(undo)
    assert session.project == start
    undo = session.apply(SetTraining(start.training.replace(epochs=3)))
    assert session.training.epochs == 3
    session.apply(undo)
    image = PlaygroundImage("a.png", "/tmp/a.png")
    undo = session.apply(SetImages((image,)))
    assert session.images == (image,)
    session.apply(undo)
    assert session.project == start


def test_a_batch_may_change_the_model_and_the_project_together():
    start = template("mnist-cnn").project()
    session = Session(start)
    seen = events(session)
    edit = Batch(
        (
            InsertLayer(0, LayerConfig.new("BatchNormalization")),
            SetDataset(DatasetSource("toy-faces")),
            SetParameter(1, "filters", 8),
        )
    )
    undo = session.apply(edit)
    assert session.architecture.layers[0].type == "BatchNormalization"
    assert session.architecture.layers[1].params["filters"] == 8
    assert session.dataset == DatasetSource("toy-faces")
    assert ("dataset_changed", False) in seen
    session.apply(undo)
    assert session.project == start


def test_results_and_runs_and_another_project():
    session = Session(template("xor-network").project())
    seen = events(session)
    session.apply(SetResults((), None))
    assert seen == [("runs_changed", False)]
    undo = session.apply(SetRuns(()))
    assert isinstance(undo, SetRuns)
    seen.clear()
    other = template("linear-function").project()
    session.load(other)
    assert session.project == other
    assert [name for name, _ in seen if name != "summary"] == [
        "replaced", "dataset_changed", "training_changed", "runs_changed", "images_changed",
    ]  # fmt: skip
    assert all(replacing for name, replacing in seen if name != "summary")
    assert not session.replacing
