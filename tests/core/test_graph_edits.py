"""Graph edits by name: a chain stays a stack, branches and merges connect as asked, and
deleting a layer closes the gap."""

import pytest

from nnstudio.core import summarize, template
from nnstudio.core.graph_edits import (
    GraphEditError,
    connect,
    copied_layers,
    disconnect,
    explicit,
    fresh_name,
    insert_after,
    insert_into,
    paste,
    remove_layers,
    set_outputs,
    simplified,
)
from tests.core.test_graph import residual


def names(arch):
    return arch.layer_names()


def test_explicit_and_simplified_round_trip_a_stack():
    stack = template("mnist-cnn").architecture
    graph = explicit(stack)
    assert not graph.is_stack
    assert graph.layers[0].inputs == ("input_layer",)
    assert graph.layers[1].inputs == (names(stack)[0],)
    assert summarize(graph).total_params == summarize(stack).total_params
    assert simplified(graph) == stack


def test_a_layer_added_after_a_card_of_a_chain_keeps_a_stack():
    stack = template("mnist-cnn").architecture
    after, row = insert_after(stack, "max_pooling2d", "BatchNormalization")
    assert row == 2
    assert after.is_stack
    assert [layer.type for layer in after.layers][2] == "BatchNormalization"
    assert summarize(after).ok
    # After the input: the first layer.
    first, row = insert_after(stack, "input_layer", "Rescaling")
    assert row == 0
    assert first.is_stack
    assert first.layers[0].type == "Rescaling"
    # After the last layer: the new output.
    last, _ = insert_after(stack, "dense", "Softmax")
    assert last.is_stack
    assert last.layers[-1].type == "Softmax"


def test_adding_into_a_skip_connection_leaves_the_other_branch():
    arch = residual()
    after, row = insert_into(arch, "a", "sum", "Conv2D")
    assert row == 1
    conv = after.layers[[layer.name for layer in after.layers].index("conv2d")]
    assert conv.inputs == ("a",)
    assert after.layers[names(after).index("sum")].inputs == ("conv2d", "b")  # in a's place
    assert names(after).index("conv2d") < names(after).index("sum")
    assert after.layers[names(after).index("b")].inputs == ("a",)
    with pytest.raises(GraphEditError, match="does not take"):
        insert_into(arch, "image", "sum", "Conv2D")


def test_appending_after_a_branch_point_moves_all_its_consumers():
    after, _ = insert_after(residual(), "a", "ReLU")
    assert after.layers[names(after).index("b")].inputs == ("re_lu",)
    assert after.layers[names(after).index("sum")].inputs == ("re_lu", "b")
    assert summarize(after).ok


def test_deleting_closes_the_gap_and_keeps_the_output():
    arch = residual()
    without_b = remove_layers(arch, ["b"])
    # sum took a and b; b took a: sum now takes a once, and says a merge needs two inputs.
    assert without_b.layers[names(without_b).index("sum")].inputs == ("a",)
    assert not summarize(without_b).ok
    chain = remove_layers(template("mnist-cnn").architecture, ["dense"])
    assert chain.is_stack
    assert chain.layers[-1].type == "Dropout"
    with pytest.raises(GraphEditError, match="input"):
        remove_layers(arch, ["image"])


def test_connect_adds_to_a_merge_and_replaces_a_single_input():
    arch = residual()
    merged = connect(arch, "image", "sum")
    assert merged.layers[names(merged).index("sum")].inputs == ("a", "b", "image")
    moved = connect(arch, "image", "b")
    assert moved.layers[names(moved).index("b")].inputs == ("image",)
    assert connect(arch, "a", "sum") == arch  # already so
    with pytest.raises(GraphEditError, match="own output"):
        connect(arch, "sum", "sum")
    with pytest.raises(GraphEditError, match="no layer or input"):
        connect(arch, "nowhere", "sum")
    # A skip connection made by hand on a chain: the chain becomes a graph.
    stack = template("mnist-mlp").architecture
    graph = connect(stack, names(stack)[0], names(stack)[-1])
    assert not graph.is_stack


def test_disconnect_keeps_one_input():
    arch = residual()
    cut = disconnect(arch, "a", "sum")
    assert cut.layers[names(cut).index("sum")].inputs == ("b",)
    with pytest.raises(GraphEditError, match="needs an input"):
        disconnect(arch, "a", "b")


def test_fresh_names_and_outputs():
    arch = residual()
    assert fresh_name(arch, "Add") == "add"
    assert fresh_name(insert_after(arch, "sum", "Add")[0], "Add") == "add_1"
    assert fresh_name(arch, "InputLayer") == "input_layer"
    two = set_outputs(arch, ["out", "sum"])
    assert two.outputs == ("out", "sum")
    with pytest.raises(GraphEditError):
        set_outputs(arch, ["image"])


def test_a_block_pasted_after_a_block_repeats_it():
    arch = residual()
    block = copied_layers(arch, ["b", "sum"])  # the convolution and the Add of the skip
    assert [layer.inputs for layer in block] == [("a",), ("a", "b")]
    pasted, rows = paste(arch, block, "sum")
    names = pasted.layer_names()
    assert rows == [3, 4]
    assert names[3:5] == ("conv2d", "add")
    by_name = dict(zip(names, pasted.layers, strict=True))
    assert by_name["conv2d"].inputs == ("sum",)  # from outside the copy: the card pasted after
    assert by_name["add"].inputs == ("sum", "conv2d")
    assert by_name["flat"].inputs == ("add",)  # what took sum takes the copy's last layer
    assert summarize(pasted).ok
    assert summarize(pasted).total_params == summarize(arch).total_params + 9_248


def test_layers_of_a_chain_pasted_after_a_card_keep_a_stack():
    stack = template("mnist-cnn").architecture
    copies = copied_layers(stack, names(stack)[2:4])  # conv2d_1 and max_pooling2d_1
    pasted, rows = paste(stack, copies, None)  # after the output
    assert pasted.is_stack
    assert rows == [7, 8]
    assert [layer.type for layer in pasted.layers][-2:] == ["Conv2D", "MaxPooling2D"]
    pasted, rows = paste(stack, copies, "max_pooling2d_1")
    assert pasted.is_stack
    assert [layer.type for layer in pasted.layers][4:6] == ["Conv2D", "MaxPooling2D"]
    assert paste(stack, (), None) == (stack, [])
