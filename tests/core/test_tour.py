"""Getting started's steps, judged from the project."""

from nnstudio.core import LayerConfig, template
from nnstudio.core.project import empty_project
from nnstudio.core.tour import STEPS, current_step, progress


def test_a_template_starts_at_the_first_step_and_an_empty_model_at_the_second():
    done = progress(template("mnist-cnn").project(), {"data"})
    assert current_step(done) == 0
    assert not any(done)  # its 10-unit softmax is not ticked before the steps leading to it
    assert [s.key for s in STEPS][current_step(progress(empty_project(), set()))] == "flatten"


def test_steps_follow_the_model_as_it_is_built_and_what_was_seen():
    project = empty_project()
    layers = (
        LayerConfig.new("Flatten"),
        LayerConfig.new("Dense"),
        LayerConfig.create("Dense", units=10, activation="softmax"),
    )
    built = project.replace(architecture=project.architecture.replace(layers=layers))
    assert progress(built, set())[:5] == [True, True, True, True, False]
    assert progress(built, {"data"})[4]
    # A softmax over 3 units is not the digits' output layer.
    three = built.architecture.replace(layers=(*layers[:2], layers[2].with_param("units", 3)))
    assert not progress(built.replace(architecture=three), set())[3]


def test_a_layer_other_than_flatten_first_keeps_the_first_step_done():
    """Review: a Dense added first un-ticked "Start an empty model", whose button would have
    thrown the work away."""
    project = empty_project()
    dense_first = project.architecture.replace(layers=(LayerConfig.new("Dense"),))
    done = progress(project.replace(architecture=dense_first), set())
    assert done[0]
    assert not done[1]
