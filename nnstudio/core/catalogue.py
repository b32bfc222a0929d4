"""The layer catalogue: every layer the palette offers, with its Keras parameters.

Layer and parameter names are Keras' own class and constructor-argument names; defaults are
Keras' defaults (a test checks them against the installed Keras). Shape inference for each layer
lives in ``shapes.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from nnstudio.core.params import (
    REQUIRED,
    AxesParam,
    BoolParam,
    ChoiceParam,
    FactorParam,
    FloatParam,
    IntPairParam,
    IntParam,
    NumbersParam,
    PaddingParam,
    Param,
    PermutationParam,
    RangeParam,
    ShapeParam,
)

ACTIVATIONS = {
    "linear": "No activation: the output is the weighted sum itself (regression outputs).",
    "relu": "max(0, x): the usual choice for hidden layers.",
    "sigmoid": "1 / (1 + e^-x), between 0 and 1: yes/no outputs and logic gates.",
    "softmax": "Turns the outputs into probabilities that sum to 1: the last layer of a "
    "classifier.",
    "tanh": "Between -1 and 1, centred on 0.",
    "leaky_relu": "Like relu, but lets a small slope through for negative inputs.",
    "elu": "Like relu, but smooth and slightly negative for negative inputs.",
    "selu": "Scaled elu that keeps activations normalised in deep dense networks.",
    "gelu": "Smooth relu used by transformers.",
    "silu": "x * sigmoid(x), also called swish.",
    "mish": "x * tanh(softplus(x)), a smooth relu.",
    "relu6": "relu capped at 6 (mobile networks).",
    "softplus": "log(1 + e^x), a smooth relu.",
    "softsign": "x / (1 + |x|), between -1 and 1.",
    "hard_sigmoid": "A cheap, piecewise-linear sigmoid.",
    "hard_silu": "x * hard_sigmoid(x), a cheap silu (MobileNetV3's hard swish).",
    "exponential": "e^x.",
    "log_softmax": "The logarithm of softmax.",
}

INITIALIZERS = {
    "glorot_uniform": "Keras' default: uniform, scaled by the number of inputs and outputs.",
    "glorot_normal": "Normal, scaled by the number of inputs and outputs.",
    "he_normal": "Normal, scaled by the number of inputs: made for relu layers.",
    "he_uniform": "Uniform, scaled by the number of inputs: made for relu layers.",
    "lecun_normal": "Normal, scaled by the number of inputs: made for selu layers.",
    "lecun_uniform": "Uniform, scaled by the number of inputs.",
    "zeros": "All weights start at 0 (as the perceptron of the articles does).",
    "ones": "All weights start at 1.",
    "random_normal": "Normal with standard deviation 0.05.",
    "random_uniform": "Uniform in [-0.05, 0.05].",
    "truncated_normal": "Normal with standard deviation 0.05, without outliers.",
    "orthogonal": "A random orthogonal matrix.",
}

PADDINGS = {
    "valid": "No padding: the output shrinks by the kernel size minus one.",
    "same": "Pads with zeros so that the output keeps the input size (divided by the strides).",
}

FILL_MODES = {
    "reflect": "Fills the empty border by reflecting the image about its edge.",
    "wrap": "Fills the empty border with the opposite side of the image.",
    "constant": "Fills the empty border with fill_value.",
    "nearest": "Fills the empty border with the nearest edge pixel.",
}

INTERPOLATIONS = {
    "bilinear": "Blends the four nearest pixels: smooth.",
    "nearest": "Takes the nearest pixel: blocky, but exact values.",
}

GROUPS = (
    "Core",
    "Convolution",
    "Pooling",
    "Regularization",
    "Normalization",
    "Reshaping",
    "Merging",
    "Augmentation",
)


@dataclass(frozen=True)
class LayerType:
    """A layer the palette offers: its Keras class name, group, help and parameters."""

    name: str
    group: str
    help: str
    params: tuple[Param, ...]
    #: Parameters shown in a one-line description, such as "Conv2D 32 3x3 relu".
    key_params: tuple[str, ...] = ()
    #: Random augmentation: active only while training, the identity otherwise.
    training_only: bool = False
    #: A merge layer: it takes a list of inputs, at least ``min_inputs`` (exactly that many
    #: if ``exact``), of the layers it is connected to in a graph.
    merge: bool = False
    min_inputs: int = 1
    exact: bool = False
    #: Where Keras keeps the class, when not in ``keras.layers`` (the applications' own
    #: layers), as "module:Class"; files name it by its registered name, ``name``.
    keras_class: str = ""
    #: A whole model used as a layer (``LayerConfig.block`` holds its architecture).
    nested: bool = False

    @property
    def inputs_needed(self) -> str:
        """How many inputs the layer takes, in words."""
        if not self.merge:
            return "one input"
        return f"{'exactly' if self.exact else 'at least'} {self.min_inputs} inputs"

    @functools.cached_property
    def param_map(self) -> Mapping[str, Param]:
        """The parameters by name (computed once: a layer type does not change)."""
        return MappingProxyType({p.name: p for p in self.params})

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"{self.name} has no parameter {name!r}")


# Parameters shared by several layers -------------------------------------------------------


def _activation(default: str = "linear", initial: str | None = "relu") -> ChoiceParam:
    # Keras' default is linear; a layer added from the palette starts with relu, which is
    # what a hidden layer almost always wants.
    return ChoiceParam(
        name="activation",
        help="The function applied to the layer's output.",
        default=default,
        choices=ACTIVATIONS,
        initial=initial,
    )


def _initializer(name: str, what: str, default: str = "glorot_uniform") -> ChoiceParam:
    return ChoiceParam(
        name=name,
        help=f"How the {what} start before training.",
        default=default,
        choices=INITIALIZERS,
    )


USE_BIAS = BoolParam(name="use_bias", help="Add a learned bias to every output.", default=True)
PADDING = ChoiceParam(
    name="padding",
    help="'valid' shrinks the output; 'same' keeps its size.",
    default="valid",
    choices=PADDINGS,
)
SEED = IntParam(
    name="seed",
    help="Random seed for reproducible randomness (empty: random).",
    default=None,
    optional=True,
    minimum=0,
)
FILL_MODE = ChoiceParam(
    name="fill_mode",
    help="How the empty border of a transformed image is filled.",
    default="reflect",
    choices=FILL_MODES,
)
INTERPOLATION = ChoiceParam(
    name="interpolation",
    help="How pixels between grid points are computed.",
    default="bilinear",
    choices=INTERPOLATIONS,
)
FILL_VALUE = FloatParam(
    name="fill_value",
    help="The value used for the border when fill_mode is 'constant'.",
    default=0.0,
)


def _kernel_size(initial=(3, 3)) -> IntPairParam:
    return IntPairParam(
        name="kernel_size", help="Height and width of the convolution window.", initial=initial
    )


def _strides(help: str = "Step of the window, vertically and horizontally.") -> IntPairParam:
    return IntPairParam(name="strides", help=help, default=(1, 1))


DILATION = IntPairParam(
    name="dilation_rate",
    help="Spacing between kernel cells (atrous convolution); 1 is a plain convolution.",
    default=(1, 1),
)
DEPTH_MULTIPLIER = IntParam(
    name="depth_multiplier",
    help="Output channels per input channel in the depthwise step.",
    default=1,
)
FILTERS = IntParam(
    name="filters",
    help="Number of filters, which is the number of output channels.",
    initial=32,
)


def _rate(initial: float) -> FloatParam:
    # Keras accepts rate=1, which zeroes everything and leaves nothing to learn: refused here.
    return FloatParam(
        name="rate",
        help="Fraction of the inputs set to 0 at each training step, in [0, 1).",
        initial=initial,
        minimum=0.0,
        maximum=1.0,
        maximum_open=True,
    )


def _pooling(name: str, what: str, pool_default=(2, 2)) -> LayerType:
    return LayerType(
        name,
        "Pooling",
        f"Keeps the {what} of each window, shrinking the image (2x2 halves it).",
        (
            IntPairParam(
                name="pool_size",
                help="Height and width of the window.",
                default=pool_default,
                initial=(2, 2),
            ),
            IntPairParam(
                name="strides",
                help="Step of the window; empty means the pool size.",
                default=None,
                optional=True,
            ),
            PADDING,
        ),
        key_params=("pool_size",),
    )


def _global_pooling(name: str, what: str) -> LayerType:
    return LayerType(
        name,
        "Pooling",
        f"Keeps the {what} of each channel over the whole image: (h, w, c) becomes (c).",
        (BoolParam(name="keepdims", help="Keep the result as a 1x1 image.", default=False),),
    )


def _fill_params() -> tuple[Param, ...]:
    return (FILL_MODE, INTERPOLATION, SEED, FILL_VALUE)


LAYER_TYPES: tuple[LayerType, ...] = (
    # Core -----------------------------------------------------------------------------------
    LayerType(
        "Dense",
        "Core",
        "Fully connected: every output is a weighted sum of all inputs plus a bias.",
        (
            IntParam(name="units", help="Number of outputs (neurons).", initial=64),
            _activation(),
            USE_BIAS,
            _initializer("kernel_initializer", "weights"),
        ),
        key_params=("units", "activation"),
    ),
    LayerType(
        "Activation",
        "Core",
        "Applies an activation function on its own, element by element.",
        (_activation(default=REQUIRED, initial="relu"),),
        key_params=("activation",),
    ),
    LayerType(
        "LeakyReLU",
        "Core",
        "relu that lets a small slope through for negative inputs.",
        (
            FloatParam(
                name="negative_slope",
                help="Slope for negative inputs (at least 0).",
                default=0.3,
                minimum=0.0,
            ),
        ),
        key_params=("negative_slope",),
    ),
    LayerType(
        "ReLU",
        "Core",
        "relu as a layer, optionally capped (ReLU(6) is MobileNet's relu6) or with a slope.",
        (
            FloatParam(
                name="max_value",
                help="The largest output (empty: no cap; 6 for relu6).",
                default=None,
                optional=True,
                minimum=0.0,
            ),
            FloatParam(
                name="negative_slope",
                help="Slope for inputs below the threshold (at least 0).",
                default=0.0,
                minimum=0.0,
            ),
            FloatParam(
                name="threshold",
                help="Inputs below this are cut (or sloped); at least 0.",
                default=0.0,
                minimum=0.0,
            ),
        ),
        key_params=("max_value",),
    ),
    LayerType(
        "ELU",
        "Core",
        "Exponential linear unit: x for x > 0, alpha * (e^x - 1) below.",
        (
            FloatParam(
                name="alpha", help="The value the output tends to for very negative x.", default=1.0
            ),
        ),
        key_params=("alpha",),
    ),
    LayerType(
        "PReLU",
        "Core",
        "relu with a learned slope for negative inputs, one per value (or per shared axes).",
        (
            _initializer("alpha_initializer", "slopes", default="zeros"),
            AxesParam(
                name="shared_axes",
                help="Axes sharing one slope, e.g. [1, 2] for one slope per channel of an image.",
                default=None,
                optional=True,
                keep_int=False,
            ),
        ),
        key_params=("shared_axes",),
    ),
    LayerType(
        "Softmax",
        "Core",
        "Turns its inputs into probabilities that sum to 1 along an axis.",
        (
            IntParam(
                name="axis",
                help="The axis the probabilities sum over (-1: the last).",
                default=-1,
                minimum=None,
                maximum=None,
            ),
        ),
    ),
    LayerType(
        "Identity",
        "Core",
        "Passes its input on unchanged (a named point in the graph).",
        (),
    ),
    # Convolution ----------------------------------------------------------------------------
    LayerType(
        "Conv2D",
        "Convolution",
        "Slides small learned filters over the image; each filter makes one output channel.",
        (
            FILTERS,
            _kernel_size(),
            _strides(),
            PADDING,
            DILATION,
            IntParam(
                name="groups",
                help="Splits the channels into groups convolved apart (ResNeXt, ConvNeXt).",
                default=1,
            ),
            _activation(),
            USE_BIAS,
            _initializer("kernel_initializer", "filter weights"),
        ),
        key_params=("filters", "kernel_size", "activation"),
    ),
    LayerType(
        "Conv2DTranspose",
        "Convolution",
        "A convolution run backwards: enlarges the image (strides 2 doubles it), as decoders do.",
        (
            FILTERS,
            _kernel_size(),
            _strides(),
            PADDING,
            IntPairParam(
                name="output_padding",
                help="Extra rows and columns on one side of the output (empty: Keras' choice).",
                default=None,
                optional=True,
                minimum=0,
            ),
            DILATION,
            _activation(),
            USE_BIAS,
            _initializer("kernel_initializer", "filter weights"),
        ),
        key_params=("filters", "kernel_size", "strides"),
    ),
    LayerType(
        "SeparableConv2D",
        "Convolution",
        "A depthwise convolution per channel followed by a 1x1 convolution: far fewer weights.",
        (
            FILTERS,
            _kernel_size(),
            _strides(),
            PADDING,
            DILATION,
            DEPTH_MULTIPLIER,
            _activation(),
            USE_BIAS,
            _initializer("depthwise_initializer", "depthwise weights"),
            _initializer("pointwise_initializer", "pointwise weights"),
        ),
        key_params=("filters", "kernel_size", "activation"),
    ),
    LayerType(
        "DepthwiseConv2D",
        "Convolution",
        "Convolves every channel with its own filter, without mixing channels.",
        (
            _kernel_size(),
            _strides(),
            PADDING,
            DEPTH_MULTIPLIER,
            DILATION,
            _activation(),
            USE_BIAS,
            _initializer("depthwise_initializer", "depthwise weights"),
        ),
        key_params=("kernel_size", "activation"),
    ),
    # Pooling --------------------------------------------------------------------------------
    _pooling("MaxPooling2D", "largest value"),
    # Keras gives MaxPooling2D a default pool size but not AveragePooling2D.
    _pooling("AveragePooling2D", "average", pool_default=REQUIRED),
    _global_pooling("GlobalAveragePooling2D", "average"),
    _global_pooling("GlobalMaxPooling2D", "largest value"),
    # Regularization -------------------------------------------------------------------------
    LayerType(
        "Dropout",
        "Regularization",
        "Randomly zeroes a fraction of its inputs while training, against overfitting.",
        (_rate(0.5), SEED),
        key_params=("rate",),
    ),
    LayerType(
        "SpatialDropout2D",
        "Regularization",
        "Dropout of whole channels of an image while training.",
        (_rate(0.2), SEED),
        key_params=("rate",),
    ),
    # Normalization --------------------------------------------------------------------------
    LayerType(
        "BatchNormalization",
        "Normalization",
        "Normalises each channel to mean 0 and variance 1 over the batch, then scales and "
        "shifts it.",
        (
            IntParam(
                name="axis",
                help="The axis of the features (-1: the last, the channels).",
                default=-1,
                minimum=-8,
                maximum=8,
            ),
            FloatParam(
                name="momentum",
                help="Momentum of the moving mean and variance.",
                default=0.99,
                minimum=0.0,
                maximum=1.0,
            ),
            FloatParam(
                name="epsilon",
                help="Small number added to the variance to avoid dividing by 0.",
                default=0.001,
                minimum=0.0,
                minimum_open=True,
            ),
            BoolParam(name="center", help="Learn an offset (beta).", default=True),
            BoolParam(name="scale", help="Learn a scale (gamma).", default=True),
        ),
    ),
    LayerType(
        "LayerNormalization",
        "Normalization",
        "Normalises each sample over its features (not over the batch), then scales and shifts.",
        (
            AxesParam(
                name="axis",
                help="The axis or axes normalised over (-1: the last, the features).",
                default=-1,
            ),
            FloatParam(
                name="epsilon",
                help="Small number added to the variance to avoid dividing by 0.",
                default=0.001,
                minimum=0.0,
                minimum_open=True,
            ),
            BoolParam(name="center", help="Learn an offset (beta).", default=True),
            BoolParam(name="scale", help="Learn a scale (gamma).", default=True),
        ),
    ),
    LayerType(
        "Normalization",
        "Normalization",
        "Subtracts a mean and divides by a standard deviation, fixed or learnt from the data.",
        (
            AxesParam(
                name="axis",
                help="The axes with their own mean (-1: one per channel; empty: one for all).",
                default=-1,
                optional=True,
                keep_int=False,
            ),
            NumbersParam(
                name="mean",
                help="The mean to subtract, one per channel (empty: learnt by adapt).",
                default=None,
            ),
            NumbersParam(
                name="variance",
                help="The variance to divide by, one per channel (with mean).",
                default=None,
            ),
            BoolParam(
                name="invert", help="Undo the normalisation instead of applying it.", default=False
            ),
        ),
    ),
    LayerType(
        "LayerScale",
        "Normalization",
        "Multiplies each channel by a learned factor that starts tiny (ConvNeXt's blocks).",
        (
            FloatParam(name="init_values", help="The factors' starting value.", initial=1e-6),
            IntParam(name="projection_dim", help="The number of channels it scales.", initial=32),
        ),
        key_params=("projection_dim",),
        keras_class="keras.src.applications.convnext:LayerScale",
    ),
    # Reshaping ------------------------------------------------------------------------------
    LayerType(
        "Flatten",
        "Reshaping",
        "Unrolls an image into one long vector, as Dense layers expect.",
        (),
    ),
    LayerType(
        "Reshape",
        "Reshaping",
        "Gives the data a new shape with the same number of values, e.g. 784 to 28x28x1.",
        (
            ShapeParam(
                name="target_shape",
                help="The new shape without the batch axis; -1 means 'whatever is left'.",
                initial=(-1,),
            ),
        ),
        key_params=("target_shape",),
    ),
    LayerType(
        "ZeroPadding2D",
        "Reshaping",
        "Adds rows and columns of zeros around the image.",
        (
            PaddingParam(
                name="padding",
                help="Zeros added: n, [height, width] or [[top, bottom], [left, right]].",
                default=((1, 1), (1, 1)),
            ),
        ),
        key_params=("padding",),
    ),
    LayerType(
        "UpSampling2D",
        "Reshaping",
        "Enlarges the image by repeating (or interpolating) its pixels.",
        (
            IntPairParam(
                name="size", help="Enlargement factor for rows and columns.", default=(2, 2)
            ),
            ChoiceParam(
                name="interpolation",
                help="How new pixels are computed.",
                default="nearest",
                choices={
                    "nearest": "Repeats each pixel.",
                    "bilinear": "Blends the four nearest pixels.",
                    "bicubic": "Smooth cubic interpolation.",
                    "area": "Area-weighted average.",
                    "lanczos3": "Sharp Lanczos interpolation (radius 3).",
                    "lanczos5": "Sharp Lanczos interpolation (radius 5).",
                },
            ),
        ),
        key_params=("size",),
    ),
    LayerType(
        "Rescaling",
        "Reshaping",
        "Multiplies the input by scale and adds offset, e.g. 1/255 to bring pixels into [0, 1].",
        (
            FloatParam(
                name="scale", help="The factor every value is multiplied by.", initial=1 / 255
            ),
            FloatParam(name="offset", help="The value added after scaling.", default=0.0),
        ),
        key_params=("scale",),
    ),
    LayerType(
        "Cropping2D",
        "Reshaping",
        "Cuts rows and columns off the borders of the image.",
        (
            PaddingParam(
                name="cropping",
                help="Cut off: n, [height, width] or [[top, bottom], [left, right]].",
                default=((0, 0), (0, 0)),
                initial=((1, 1), (1, 1)),
            ),
        ),
        key_params=("cropping",),
    ),
    LayerType(
        "Permute",
        "Reshaping",
        "Reorders the axes, e.g. [2, 1, 3] swaps the rows and columns of an image.",
        (
            PermutationParam(
                name="dims",
                help="The input's axes in their new order (1: the first).",
                initial=(2, 1, 3),
            ),
        ),
        key_params=("dims",),
    ),
    # Augmentation (active only while training) ----------------------------------------------
    LayerType(
        "RandomFlip",
        "Augmentation",
        "Randomly mirrors training images (the identity when predicting).",
        (
            ChoiceParam(
                name="mode",
                help="Which flips to apply.",
                default="horizontal_and_vertical",
                choices={
                    "horizontal": "Left-right mirror, right for faces and most photos.",
                    "vertical": "Upside-down mirror.",
                    "horizontal_and_vertical": "Both, each with probability one half.",
                },
            ),
            SEED,
        ),
        key_params=("mode",),
        training_only=True,
    ),
    LayerType(
        "RandomRotation",
        "Augmentation",
        "Randomly rotates training images by a fraction of a full turn.",
        (
            FactorParam(
                name="factor",
                help="Fraction of a full turn: 0.1 rotates by up to ±36°.",
                initial=0.1,
                low=-1.0,
                high=1.0,
                rule="whole",
            ),
            *_fill_params(),
        ),
        key_params=("factor",),
        training_only=True,
    ),
    LayerType(
        "RandomZoom",
        "Augmentation",
        "Randomly zooms training images in or out (article 000's zoom_range).",
        (
            FactorParam(
                name="height_factor",
                help="Zoom range as a fraction: 0.2 zooms by ±20%.",
                initial=0.2,
                low=-1.0,
                high=1.0,
                low_open=True,
            ),
            FactorParam(
                name="width_factor",
                help="Zoom range for the width; empty keeps the aspect ratio.",
                default=None,
                low=-1.0,
                high=1.0,
                low_open=True,
                optional=True,
            ),
            *_fill_params(),
        ),
        key_params=("height_factor",),
        training_only=True,
    ),
    LayerType(
        "RandomTranslation",
        "Augmentation",
        "Randomly shifts training images by a fraction of their size.",
        (
            FactorParam(
                name="height_factor",
                help="Vertical shift as a fraction of the height.",
                initial=0.1,
            ),
            FactorParam(
                name="width_factor",
                help="Horizontal shift as a fraction of the width.",
                initial=0.1,
            ),
            *_fill_params(),
        ),
        key_params=("height_factor", "width_factor"),
        training_only=True,
    ),
    LayerType(
        "RandomContrast",
        "Augmentation",
        "Randomly changes the contrast of training images.",
        (
            FactorParam(
                name="factor",
                help="Contrast change: 0.2 picks a factor in [0.8, 1.2].",
                initial=0.2,
                low=0.0,
                high=1.0,
                rule="whole",
            ),
            RangeParam(
                name="value_range",
                help="The range of the pixel values, e.g. [0, 1] or [0, 255].",
                default=(0.0, 255.0),
            ),
            SEED,
        ),
        key_params=("factor",),
        training_only=True,
    ),
    LayerType(
        "RandomShear",
        "Augmentation",
        "Randomly slants training images (article 000's shear_range).",
        (
            FactorParam(
                name="x_factor",
                help="Horizontal shear, in [0, 1].",
                default=0.0,
                low=0.0,
                high=1.0,
                initial=0.2,
            ),
            FactorParam(
                name="y_factor",
                help="Vertical shear, in [0, 1].",
                default=0.0,
                low=0.0,
                high=1.0,
            ),
            INTERPOLATION,
            FILL_MODE,
            FILL_VALUE,
            SEED,
        ),
        key_params=("x_factor", "y_factor"),
        training_only=True,
    ),
)


def _elementwise(name: str, what: str, exact: bool = False) -> LayerType:
    return LayerType(
        name,
        "Merging",
        f"{what} Its inputs need the same shape.",
        (),
        merge=True,
        min_inputs=2,
        exact=exact,
    )


MERGE_TYPES = (
    _elementwise("Add", "Adds its inputs element by element (ResNet's skip connections)."),
    _elementwise(
        "Subtract", "Subtracts its second input from its first, element by element.", exact=True
    ),
    _elementwise("Multiply", "Multiplies its inputs element by element (a gate, attention)."),
    _elementwise("Average", "Averages its inputs element by element."),
    _elementwise("Maximum", "Keeps the largest of its inputs, element by element."),
    _elementwise("Minimum", "Keeps the smallest of its inputs, element by element."),
    LayerType(
        "Concatenate",
        "Merging",
        "Joins its inputs side by side along an axis (the channels: Inception, DenseNet).",
        (
            IntParam(
                name="axis",
                help="The axis to join along: -1 is the last (the channels of an image).",
                default=-1,
                minimum=None,
                maximum=None,
            ),
        ),
        key_params=("axis",),
        merge=True,
        min_inputs=2,
    ),
    LayerType(
        "CustomScaleLayer",
        "Merging",
        "Adds its second input, scaled, to its first (Inception-ResNet's residual blocks).",
        (
            FloatParam(
                name="scale", help="The factor the second input is multiplied by.", initial=0.17
            ),
        ),
        key_params=("scale",),
        merge=True,
        min_inputs=2,
        exact=True,
        keras_class="keras.src.applications.inception_resnet_v2:CustomScaleLayer",
    ),
)
LAYER_TYPES = (*LAYER_TYPES, *MERGE_TYPES)

#: Models used as layers, as Keras files have them (ConvNeXt's stem and downsampling blocks
#: are Sequential models inside the functional one). Not in the palette: a block comes from
#: a file, and its layers are its architecture (``LayerConfig.block``), not parameters.
MODEL_TYPES = (
    LayerType(
        "Sequential",
        "Models",
        "A Sequential model used as one layer: its layers run one after another, and its "
        "weights count as this block's.",
        (),
        nested=True,
    ),
    LayerType(
        "Functional",
        "Models",
        "A functional model used as one layer: a graph of its own, whose weights count as "
        "this block's.",
        (),
        nested=True,
    ),
)

CATALOGUE: Mapping[str, LayerType] = MappingProxyType(
    {t.name: t for t in (*LAYER_TYPES, *MODEL_TYPES)}
)


def layer_type(name: str) -> LayerType:
    """The catalogue entry of a Keras layer class name; KeyError if it is not offered."""
    return CATALOGUE[name]


def by_group(merging: bool = True) -> dict[str, list[LayerType]]:
    """The catalogue in palette order: group by group (without the merge layers, which need a
    graph, for an editor of stacks)."""
    groups = GROUPS if merging else tuple(g for g in GROUPS if g != "Merging")
    return {g: [t for t in LAYER_TYPES if t.group == g] for g in groups}
