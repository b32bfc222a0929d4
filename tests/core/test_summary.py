"""summarize(): the articles' printed summaries, and problems with their messages and fixes."""

import pytest

from nnstudio.core import Architecture, LayerConfig, load_architecture, summarize, template
from nnstudio.core.summary import ERROR, WARNING


def arch(input_shape, *layers, name="test"):
    return Architecture(name, tuple(input_shape), tuple(layers))


def L(type_, **params):
    return LayerConfig.create(type_, **params)


def rows(summary):
    return [(r.name, r.type, r.output_shape, r.params) for r in summary.layers]


# The articles' printed model.summary() tables ----------------------------------------------


def test_article_000_linear_function():
    s = summarize(template("linear-function").architecture)
    assert rows(s) == [("dense", "Dense", (None, 1), 2)]
    assert s.total_params == s.trainable_params == 2


def test_article_000_emotion_cnn_matches_the_printed_table():
    s = summarize(template("emotion-cnn").architecture)
    assert [(r.output_shape, r.params) for r in s.layers] == [
        ((None, 48, 48, 30), 780),
        ((None, 24, 24, 30), 0),
        ((None, 24, 24, 30), 0),
        ((None, 24, 24, 15), 4065),
        ((None, 12, 12, 15), 0),
        ((None, 12, 12, 15), 0),
        ((None, 2160), 0),
        ((None, 100), 216100),
        ((None, 50), 5050),
        ((None, 7), 357),
    ]
    assert (s.total_params, s.trainable_params, s.non_trainable_params) == (226352, 226352, 0)


def test_article_002_cnn_matches_the_printed_table():
    s = summarize(template("mnist-cnn").architecture)
    assert rows(s) == [
        ("conv2d", "Conv2D", (None, 26, 26, 32), 320),
        ("max_pooling2d", "MaxPooling2D", (None, 13, 13, 32), 0),
        ("conv2d_1", "Conv2D", (None, 11, 11, 64), 18496),
        ("max_pooling2d_1", "MaxPooling2D", (None, 5, 5, 64), 0),
        ("flatten", "Flatten", (None, 1600), 0),
        ("dropout", "Dropout", (None, 1600), 0),
        ("dense", "Dense", (None, 10), 16010),
    ]
    assert s.total_params == 34826


def test_article_004_mlp_has_640890_parameters():
    s = summarize(template("mnist-mlp").architecture)
    assert [r.params for r in s.layers] == [615440, 25120, 330]
    assert s.total_params == s.trainable_params == 640890


def test_the_issue_example_file():
    a = load_architecture(
        {
            "format": "nnstudio-architecture",
            "version": 1,
            "name": "MNIST CNN",
            "input_shape": [28, 28, 1],
            "layers": [
                {"type": "Conv2D", "filters": 32, "kernel_size": [3, 3], "activation": "relu"},
                {"type": "MaxPooling2D", "pool_size": 2},
                {"type": "Flatten"},
                {"type": "Dropout", "rate": 0.5},
                {"type": "Dense", "units": 10, "activation": "softmax"},
            ],
        }
    )
    s = summarize(a)
    assert s.ok
    assert s.output_shape == (None, 10)
    assert s.total_params == 320 + 13 * 13 * 32 * 10 + 10


# Counts beyond parameters -----------------------------------------------------------------


def test_batch_normalization_has_non_trainable_parameters():
    s = summarize(arch((8, 8, 3), L("BatchNormalization"), L("BatchNormalization", scale=False)))
    assert [(r.trainable_params, r.non_trainable_params) for r in s.layers] == [(6, 6), (3, 6)]
    assert (s.trainable_params, s.non_trainable_params, s.total_params) == (9, 12, 21)


def test_multiply_adds_and_weight_memory():
    s = summarize(template("mnist-cnn").architecture)
    conv1, _, conv2, *_, dense = s.layers
    assert conv1.macs == 26 * 26 * 32 * 3 * 3 * 1
    assert conv2.macs == 11 * 11 * 64 * 3 * 3 * 32
    assert dense.macs == 1600 * 10
    assert s.macs == conv1.macs + conv2.macs + dense.macs
    assert s.weight_bytes == 34826 * 4


def test_separable_and_depthwise_multiply_adds():
    sep = summarize(arch((10, 10, 4), L("SeparableConv2D", filters=8, kernel_size=3))).layers[0]
    assert sep.macs == 8 * 8 * 4 * (3 * 3) + 8 * 8 * 4 * 8
    dw = summarize(arch((10, 10, 4), L("DepthwiseConv2D", kernel_size=3, depth_multiplier=2)))
    assert dw.layers[0].macs == 8 * 8 * 4 * 2 * 9


def test_unknown_sizes_show_as_none():
    s = summarize(
        arch(
            (None, None, 3),
            L("Conv2D", filters=4, kernel_size=3),
            L("GlobalAveragePooling2D"),
            L("Dense", units=2),
        )
    )
    assert s.ok
    assert [r.output_shape for r in s.layers] == [(None, None, None, 4), (None, 4), (None, 2)]
    assert s.layers[0].macs is None
    assert s.total_params == 3 * 3 * 3 * 4 + 4 + 4 * 2 + 2


# Problems: attached to the layer, saying what was received and how to fix it ---------------


def test_dense_after_an_image_is_a_warning_with_an_insert_flatten_fix():
    a = arch((28, 28, 1), L("Conv2D", filters=8, kernel_size=3), L("Dense", units=10))
    s = summarize(a)
    assert s.ok  # Keras accepts it
    (w,) = s.warnings
    assert w.layer == 1
    assert w.severity == WARNING
    assert "Dense after a 3-D output works on the last axis only" in w.message
    assert "Insert Flatten" in w.fix.description
    fixed = summarize(w.fix.apply(a))
    assert not fixed.warnings
    assert [r.type for r in fixed.layers] == ["Conv2D", "Flatten", "Dense"]
    assert fixed.output_shape == (None, 10)


def test_kernel_larger_than_its_input():
    a = arch((3, 3, 1), L("Conv2D", filters=4, kernel_size=5))
    (e,) = summarize(a).errors
    assert e.layer == 0
    assert "kernel 5x5 is larger than the 3x3 input" in e.message
    assert summarize(e.fix.apply(a)).ok  # padding='same'


def test_pool_larger_than_its_input():
    a = arch((3, 3, 1), L("MaxPooling2D", pool_size=4))
    (e,) = summarize(a).errors
    assert "pool 4x4 is larger than the 3x3 input" in e.message


@pytest.mark.parametrize(("rate", "fixed"), [(1.5, 0.015), (50, 0.5), (1.0, 0.5), (-0.1, 0.5)])
def test_dropout_rate_out_of_range(rate, fixed):
    a = arch((10,), L("Dense", units=4), L("Dropout", rate=rate), L("Dense", units=2))
    s = summarize(a)
    (e,) = s.errors
    assert e.layer == 1
    assert "Dropout rate must be in [0, 1)" in e.message
    assert f"received {rate:g}" in e.message
    # Dropout keeps its input's shape, so the layers after it are still inferred.
    assert s.layers[2].output_shape == (None, 2)
    assert e.fix.apply(a).layers[1].params["rate"] == pytest.approx(fixed)


def test_dropout_rate_1_is_refused_although_keras_accepts_it():
    """Keras builds Dropout(1.0), which zeroes every value: nothing could be learned."""
    assert not summarize(arch((4,), L("Dropout", rate=1.0))).ok


def test_flat_input_to_a_convolution_proposes_a_reshape():
    a = arch((784,), L("Conv2D", filters=8, kernel_size=3))
    (e,) = summarize(a).errors
    assert "Conv2D needs an image input (height, width, channels); received (None, 784)" in (
        e.message
    )
    assert "Reshape to (28, 28, 1)" in e.fix.description
    fixed = summarize(e.fix.apply(a))
    assert fixed.ok
    assert fixed.output_shape == (None, 26, 26, 8)


def test_colour_vector_reshapes_to_three_channels():
    (e,) = summarize(arch((3072,), L("MaxPooling2D"))).errors
    assert "(32, 32, 3)" in e.fix.description


def test_an_error_leaves_later_shapes_unknown_but_reports_later_parameter_problems():
    a = arch(
        (5, 5, 1),
        L("Conv2D", filters=4, kernel_size=7),
        L("Flatten"),
        L("Dense", units=0),
    )
    s = summarize(a)
    assert [p.layer for p in s.errors] == [0, 2]
    assert [r.output_shape for r in s.layers] == [None, None, None]
    assert s.total_params is None
    assert "Dense units must be at least 1; received 0" in s.errors[1].message


def test_zero_size_input_is_an_error():
    (e,) = summarize(arch((28, 0, 1), L("Flatten"))).errors
    assert e.layer is None
    assert "at least 1" in e.message


def test_zero_size_reshape_is_an_error():
    (e,) = summarize(arch((6,), L("Reshape", target_shape=[0, -1]))).errors
    assert "zero-size" in e.message


def test_reshape_that_does_not_fit_proposes_minus_one():
    a = arch((12,), L("Reshape", target_shape=[5, 2]))
    (e,) = summarize(a).errors
    assert "Reshape cannot turn (None, 12) (12 values) into (5, 2)" in e.message
    assert summarize(e.fix.apply(a)).output_shape == (None, 6, 2)


def test_weights_over_4_gb_are_an_error_that_says_how_much():
    a = arch((100_000,), L("Dense", units=20_000), L("Dense", units=10))
    s = summarize(a)
    (e,) = s.errors
    assert e.layer == 0
    assert "7.45 GB" in e.message
    assert "2,000,220,010 parameters" in e.message


def test_softmax_over_one_unit_is_a_warning():
    a = arch((4,), L("Dense", units=1, activation="softmax"))
    (w,) = summarize(a).warnings
    assert "always outputs 1" in w.message
    assert w.fix.apply(a).layers[0].params["activation"] == "sigmoid"


def test_flatten_of_a_flat_input_is_a_warning_with_a_remove_fix():
    a = arch((10,), L("Flatten"), L("Dense", units=2))
    (w,) = summarize(a).warnings
    assert w.layer == 0
    assert [layer.type for layer in w.fix.apply(a).layers] == ["Dense"]


def test_duplicate_and_slash_names():
    a = arch(
        (4,),
        L("Dense", units=2, name="out"),
        L("Dense", units=2, name="out"),
        L("Dense", units=2, name="a/b"),
    )
    errors = summarize(a).errors
    assert [e.layer for e in errors] == [1, 2]
    assert "already used by layer 0" in errors[0].message
    repaired = errors[1].fix.apply(errors[0].fix.apply(a))
    assert summarize(repaired).ok
    assert repaired.layer_names() == ("out", "out_1", "a_b")


def test_an_empty_model_is_an_error():
    s = summarize(arch((4,)))
    assert not s.ok
    assert s.errors[0].severity == ERROR


def test_augmentation_on_a_2d_input_warns_and_on_a_vector_fails():
    warn = summarize(arch((28, 28), L("RandomFlip")))
    assert warn.ok
    assert "Reshape to (28, 28, 1)" in warn.warnings[0].fix.description
    assert not summarize(arch((784,), L("RandomFlip"))).ok


def test_to_dict_for_valid_and_invalid():
    valid = summarize(template("mnist-cnn").architecture).to_dict()
    assert valid["ok"] is True
    assert valid["total_params"] == 34826
    assert valid["layers"][0] == {
        "name": "conv2d",
        "type": "Conv2D",
        "output_shape": [None, 26, 26, 32],
        "params": 320,
        "trainable_params": 320,
        "non_trainable_params": 0,
        "macs": 194688,
        "inputs": ["input_layer"],
    }
    invalid = summarize(arch((3, 3, 1), L("Conv2D", filters=1, kernel_size=5))).to_dict()
    assert invalid["ok"] is False
    assert invalid["errors"][0]["layer"] == 0


@pytest.mark.parametrize(
    ("name", "ok"), [("my layer", False), ("a:b", False), ("é", False), ("x-y.z>1", True)]
)
def test_layer_names_must_be_valid_tensorflow_scope_names(name, ok):
    """Keras builds a layer named "my layer", but TensorFlow refuses it when training."""
    a = arch((4,), L("Dense", units=2, name=name))
    s = summarize(a)
    assert s.ok == ok
    if not ok:
        assert "may only contain letters, digits" in s.errors[0].message
        assert summarize(s.errors[0].fix.apply(a)).ok


@pytest.mark.parametrize("type_", ["DepthwiseConv2D", "SeparableConv2D"])
def test_depthwise_convolutions_need_equal_strides(type_):
    """TensorFlow's depthwise convolution takes one stride: Keras builds (2, 3), and the first
    batch fails ("only supports equal length strides"). With a dilation Keras subsamples a
    stride-1 convolution instead, which takes any strides."""
    params = {"filters": 4} if type_ == "SeparableConv2D" else {}
    a = arch((28, 28, 1), L(type_, kernel_size=3, strides=(2, 3), **params))
    (e,) = summarize(a).errors
    assert e.param == "strides"
    assert "same stride along height and width" in e.message
    assert "received strides=(2, 3)" in e.message
    assert summarize(e.fix.apply(a)).layers[0].output_shape[1:3] == (13, 13)
    dilated = arch((28, 28, 1), L(type_, kernel_size=3, strides=(2, 3), dilation_rate=2, **params))
    assert summarize(dilated).ok


def test_conv2d_after_flatten_offers_to_move_or_remove_the_flatten_first():
    """Issue: Conv2D after Flatten offered "insert Reshape to (28, 28, 1)", leaving Flatten ->
    Reshape. The layer that broke the image is what the first fix repairs."""
    a = arch(
        (28, 28, 1),
        L("Flatten"),
        L("Conv2D", filters=8, kernel_size=3),
        L("MaxPooling2D"),
        L("Dense", units=10, activation="softmax"),
    )
    (e,) = summarize(a).errors
    assert e.layer == 1
    assert "flatten (Flatten) turned the (None, 28, 28, 1) image into (None, 784)" in e.message
    assert [f.description for f in e.fixes] == [
        "Move Flatten (flatten) after max_pooling2d",
        "Insert Reshape to (28, 28, 1) before Conv2D",
    ]  # removing it would leave Dense working on the image's last axis: not offered
    moved = summarize(e.fix.apply(a))
    assert moved.ok
    assert not moved.warnings
    assert [r.type for r in moved.layers] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert e.to_dict()["other_fixes"] == ["Insert Reshape to (28, 28, 1) before Conv2D"]


def test_a_repair_that_would_break_the_model_elsewhere_is_not_offered():
    """Moving a Reshape to (784,) after the convolution, or a global pooling after the next
    one, only moves the error: the fixes offered make the model better."""
    reshaped = arch(
        (28, 28, 1),
        L("Reshape", target_shape=(784,)),
        L("Conv2D", filters=8, kernel_size=3),
        L("Flatten"),
        L("Dense", units=10),
    )
    (e,) = summarize(reshaped).errors
    assert [f.description for f in e.fixes] == [
        "Remove Reshape (reshape) before conv2d",
        "Insert Reshape to (28, 28, 1) before Conv2D",
    ]
    assert summarize(e.fix.apply(reshaped)).ok
    pooled = arch(
        (28, 28, 1),
        L("Conv2D", filters=8, kernel_size=3),
        L("GlobalAveragePooling2D"),
        L("Conv2D", filters=8, kernel_size=3),
        L("GlobalAveragePooling2D"),
        L("Dense", units=10),
    )
    (e,) = summarize(pooled).errors
    assert [f.description for f in e.fixes] == [
        "Remove GlobalAveragePooling2D (global_average_pooling2d) before conv2d_1"
    ]
    for fix in e.fixes:
        assert len(summarize(fix.apply(pooled)).errors) == 0


def test_a_flatten_between_two_convolutions_is_removed_first():
    a = arch(
        (28, 28, 1),
        L("Conv2D", filters=8, kernel_size=3),
        L("Flatten"),
        L("Dropout", rate=0.2),
        L("Conv2D", filters=8, kernel_size=3),
        L("Flatten"),
        L("Dense", units=10),
    )
    (e,) = summarize(a).errors
    assert e.layer == 3
    assert e.fix.description == "Remove Flatten (flatten) before conv2d_1"
    fixed = summarize(e.fix.apply(a))
    assert fixed.ok
    assert not fixed.warnings
    assert fixed.output_shape == (None, 10)


def test_a_global_pooling_before_a_convolution_is_the_culprit_too():
    a = arch(
        (28, 28, 3),
        L("GlobalAveragePooling2D"),
        L("Conv2D", filters=8, kernel_size=3),
        L("Flatten"),
        L("Dense", units=2),
    )
    (e,) = summarize(a).errors
    assert "global_average_pooling2d (GlobalAveragePooling2D) turned" in e.message
    assert summarize(e.fix.apply(a)).ok


def test_a_vector_input_has_no_culprit_and_keeps_the_reshape_fix():
    (e,) = summarize(arch((784,), L("Conv2D", filters=8, kernel_size=3))).errors
    assert [f.description for f in e.fixes] == ["Insert Reshape to (28, 28, 1) before Conv2D"]
    assert not e.alternatives


def test_a_summary_after_an_edit_equals_one_from_scratch():
    """summarize(arch, previous) reuses the layers an edit did not reach: it must give
    exactly what a summary from scratch gives, whatever was edited, on stacks and graphs."""
    import random

    from nnstudio.core.edits import RemoveLayer, SetParameter
    from nnstudio.core.errors import ArchitectureFormatError
    from tests.core.random_graphs import random_graph
    from tests.core.random_stacks import random_architecture, random_value

    rng = random.Random(7)
    checked = 0
    for seed in range(60):
        arch = random_graph(seed) if seed % 2 else random_architecture(seed)
        previous = summarize(arch)
        for _ in range(6):
            if not arch.layers:
                break
            i = rng.randrange(len(arch.layers))
            layer = arch.layers[i]
            params = layer.spec.params
            if params and rng.random() < 0.85:
                p = rng.choice(params)
                shape = previous.layers[i - 1].output_shape if i else None
                try:
                    arch, _ = SetParameter(
                        i, p.name, random_value(rng, layer.type, p, shape)
                    ).apply(arch)
                except ArchitectureFormatError:  # a value the parameter refuses: not an edit
                    continue
            elif arch.is_stack:
                arch, _ = RemoveLayer(i).apply(arch)
            incremental = summarize(arch, previous)
            assert incremental == summarize(arch), (seed, i)
            previous = incremental
            checked += 1
    assert checked > 200


def test_a_merge_added_to_a_stack_offers_a_skip_connection():
    """A learner adds an Add from the palette to a stack: it has one input, and the fix
    connects the latest earlier output of the same shape, making the stack a graph."""
    from nnstudio.core.architecture import Architecture

    layers = (
        LayerConfig.create("Dense", units=16, activation="relu"),
        LayerConfig.create("Dense", units=16),
        LayerConfig.new("Add"),
        LayerConfig.create("Dense", units=2),
    )
    arch = Architecture("m", (8,), layers)
    (problem,) = summarize(arch).errors
    assert "at least 2 inputs" in problem.message
    assert problem.fix.description == "Connect dense to add (a skip connection)"
    fixed, _ = problem.fix.edit.apply(arch)
    summary = summarize(fixed)
    assert summary.ok
    assert not fixed.is_stack
    assert summary.layers[2].inputs == ("dense_1", "dense")
    # Nothing earlier has the shape an Add needs: no fix to offer, the message says what to do.
    concat = Architecture("m", (8,), (LayerConfig.create("Dense", units=4), LayerConfig.new("Add")))
    (problem,) = summarize(concat).errors
    assert problem.fix is None
