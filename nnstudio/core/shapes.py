"""Shape and parameter inference for every catalogue layer, in pure Python.

Each rule takes a layer's parameters and its input shape (batch axis first, ``None`` for an
unknown size) and returns the output shape, the weight counts and the multiply-adds, exactly as
Keras computes them (``keras/src/ops/operation_utils.py`` and each layer's ``build``); a test
compares them with Keras on hundreds of random stacks. A rule raises ``ShapeError`` where Keras
would refuse the layer, with a message that says what was received and, where one exists, a fix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from nnstudio.core.architecture import LayerConfig, Shape
from nnstudio.core.edits import Fix, InsertLayer, RemoveLayer, SetParameter
from nnstudio.core.formatting import format_shape
from nnstudio.core.params import MAX_SIZE, as_axes, show

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Inference:
    """What a layer does to its input: output shape, weights and multiply-adds per sample."""

    output_shape: Shape
    trainable: int = 0
    non_trainable: int = 0
    #: Multiply-adds for one sample; None when a size is unknown.
    macs: int | None = 0
    #: Things Keras accepts but that are probably mistakes: (message, fix or None).
    warnings: tuple[tuple[str, Fix | None], ...] = ()


class ShapeError(Exception):
    """Keras would refuse this layer on this input."""

    def __init__(
        self,
        message: str,
        fix: Fix | None = None,
        param: str | None = None,
        needs_image: str | None = None,
        needs_equal: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.fix = fix
        #: The parameter to change, where one is to blame.
        self.param = param
        #: For a layer that takes an image and received something else: the message without
        #: its hint, so that a better hint (the layer that flattened the image) can replace it.
        self.needs_image = needs_image
        #: A merge of inputs whose shapes differ (a projection or a Concatenate may fix it).
        self.needs_equal = needs_equal


@dataclass(frozen=True)
class Context:
    """Where the rule is applied: the layer and its index in the stack (for fixes)."""

    index: int
    layer: LayerConfig


def product(sizes) -> int | None:
    """The product of sizes, or None if one is unknown."""
    sizes = list(sizes)
    return None if any(s is None for s in sizes) else math.prod(sizes)


def _mul(*factors: int | None) -> int | None:
    return None if any(f is None for f in factors) else math.prod(factors)


# Input checks shared by the image layers --------------------------------------------------


def _reshape_fix(ctx: Context, shape: Shape) -> tuple[str, Fix | None]:
    """Propose a Reshape that turns a flat or 2-D input into an image (height, width, channels)."""
    target = None
    if len(shape) == 3 and None not in shape[1:]:
        target = (shape[1], shape[2], 1)
    elif len(shape) == 2 and shape[1] is not None:
        n = shape[1]
        for channels in (1, 3):
            side = math.isqrt(n // channels)
            if n % channels == 0 and side * side * channels == n:
                target = (side, side, channels)
                break
    if target is None:
        return " Insert a Reshape or start from an image dataset.", None
    text = format_shape(target)
    fix = Fix(
        f"Insert Reshape to {text} before {ctx.layer.type}",
        InsertLayer(ctx.index, LayerConfig.create("Reshape", target_shape=target)),
    )
    return f" Insert a Reshape to {text}?", fix


def _need_image(ctx: Context, shape: Shape) -> None:
    """Keras' image layers take (batch, height, width, channels)."""
    if len(shape) == 4:
        return
    hint, fix = _reshape_fix(ctx, shape)
    plain = (
        f"{ctx.layer.type} needs an image input (height, width, channels); received "
        f"{format_shape(shape)}."
    )
    raise ShapeError(plain + hint, fix, needs_image=plain)


def _need_channels(ctx: Context, shape: Shape) -> int:
    channels = shape[-1]
    if channels is None:
        raise ShapeError(
            f"{ctx.layer.type} needs to know the number of channels; received "
            f"{format_shape(shape)}. Give the input a fixed number of channels."
        )
    return channels


def _window_output(
    ctx: Context, shape: Shape, window, strides, padding: str, dilation=(1, 1), what="kernel"
) -> tuple[int | None, int | None]:
    """Output height and width of a sliding window, as ``compute_conv_output_shape`` does."""
    out = []
    span = tuple(d * (k - 1) + 1 for k, d in zip(window, dilation, strict=True))
    for n, s, e in zip(shape[1:3], strides, span, strict=True):
        if n is None:
            out.append(None)
        elif padding == "same":
            out.append((n - 1) // s + 1)
        else:
            out.append((n - e) // s + 1)
    if any(o is not None and o <= 0 for o in out):
        size = f"{window[0]}x{window[1]}"
        if span != tuple(window):
            size += f" (dilated to {span[0]}x{span[1]})"
        inp = "x".join("?" if n is None else str(n) for n in shape[1:3])
        raise ShapeError(
            f"{ctx.layer.type} {what} {size} is larger than the {inp} input, so the output "
            f"would be empty. Use padding='same', a smaller {what}, or less pooling before it.",
            Fix("Use padding='same'", SetParameter(ctx.index, "padding", "same")),
            param="kernel_size" if what == "kernel" else "pool_size",
        )
    return out[0], out[1]


# Rules ------------------------------------------------------------------------------------


def _identity(ctx: Context, p: Params, shape: Shape) -> Inference:
    return Inference(shape)


def _dense(ctx: Context, p: Params, shape: Shape) -> Inference:
    n_in = shape[-1]
    if n_in is None:
        raise ShapeError(
            f"Dense needs to know the size of the last axis of its input; received "
            f"{format_shape(shape)}. Give the input a fixed size."
        )
    units = p["units"]
    out = (*shape[:-1], units)
    warnings = ()
    if len(shape) > 2:
        warnings = (
            (
                f"Dense after a {len(shape) - 1}-D output works on the last axis only, giving "
                f"{format_shape(out)}. Insert Flatten before it?",
                Fix(
                    "Insert Flatten before Dense",
                    InsertLayer(ctx.index, LayerConfig.create("Flatten")),
                ),
            ),
        )
    weights = n_in * units + (units if p["use_bias"] else 0)
    return Inference(out, weights, 0, _mul(n_in, units, product(shape[1:-1])), warnings)


def _strides_with_dilation(ctx: Context, p: Params) -> None:
    # Only Conv2D refuses this; Keras' depthwise and separable convolutions accept it.
    if max(p["strides"]) > 1 and max(p["dilation_rate"]) > 1:
        raise ShapeError(
            f"{ctx.layer.type} cannot combine strides > 1 with dilation_rate > 1; received "
            f"strides={p['strides']} and dilation_rate={p['dilation_rate']}.",
            Fix("Set dilation_rate to 1", SetParameter(ctx.index, "dilation_rate", 1)),
            param="dilation_rate",
        )


def _conv_common(ctx: Context, p: Params, shape: Shape) -> tuple[int, int | None, int | None]:
    _need_image(ctx, shape)
    channels = _need_channels(ctx, shape)
    h, w = _window_output(
        ctx, shape, p["kernel_size"], p["strides"], p["padding"], p["dilation_rate"]
    )
    return channels, h, w


def _groups(ctx: Context, p: Params, channels: int) -> int:
    """Conv2D's groups: the filters and the input channels both split into that many."""
    g = p["groups"]
    for count, what in ((p["filters"], "filters"), (channels, "input channels")):
        if count % g:
            raise ShapeError(
                f"Conv2D splits its {count} {what} into groups={g}, which does not divide "
                "them: the filters and the input's channels must both be multiples of groups.",
                Fix("Set groups to 1", SetParameter(ctx.index, "groups", 1)),
                param="groups",
            )
    return g


def _conv2d(ctx: Context, p: Params, shape: Shape) -> Inference:
    _strides_with_dilation(ctx, p)
    c, h, w = _conv_common(ctx, p, shape)
    kh, kw = p["kernel_size"]
    f = p["filters"]
    per_group = c // _groups(ctx, p, c)
    weights = kh * kw * per_group * f + (f if p["use_bias"] else 0)
    return Inference((None, h, w, f), weights, 0, _mul(h, w, f, kh, kw, per_group))


def _transposed_size(n, k, s, padding, output_padding, d) -> int | None:
    """Keras' _get_output_shape_given_tf_padding, for one axis."""
    if n is None:
        return None
    k = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k, s) - k if output_padding is None else output_padding
        return (n - 1) * s + k + extra
    if output_padding is None:
        return n * s
    return (n - 1) * s + k % 2 + output_padding


def _conv2d_transpose(ctx: Context, p: Params, shape: Shape) -> Inference:
    _strides_with_dilation(ctx, p)
    _need_image(ctx, shape)
    c = _need_channels(ctx, shape)
    pads = p["output_padding"] or (None, None)
    if p["output_padding"] is not None and any(
        o >= s for o, s in zip(p["output_padding"], p["strides"], strict=True)
    ):
        raise ShapeError(
            f"Conv2DTranspose output_padding must be smaller than the strides; received "
            f"output_padding={p['output_padding']} and strides={p['strides']}.",
            Fix("Leave output_padding to Keras", SetParameter(ctx.index, "output_padding", None)),
            param="output_padding",
        )
    h, w = (
        _transposed_size(n, k, s, p["padding"], o, d)
        for n, k, s, o, d in zip(
            shape[1:3], p["kernel_size"], p["strides"], pads, p["dilation_rate"], strict=True
        )
    )
    if any(v is not None and v <= 0 for v in (h, w)):
        raise ShapeError(
            f"Conv2DTranspose would give an empty output from {format_shape(shape)}.",
            param="kernel_size",
        )
    kh, kw = p["kernel_size"]
    f = p["filters"]
    weights = kh * kw * c * f + (f if p["use_bias"] else 0)
    hi, wi = shape[1:3]
    return Inference((None, h, w, f), weights, 0, _mul(hi, wi, f, kh, kw, c))


def _equal_strides(ctx: Context, p: Params) -> None:
    """TensorFlow's depthwise convolution (under DepthwiseConv2D and SeparableConv2D) takes one
    stride for height and width; Keras passes unequal ones on, and the first batch fails. (With
    dilation_rate > 1 too, Keras dilates at stride 1 and subsamples, which takes any strides.)"""
    sh, sw = p["strides"]
    if sh != sw and max(p["dilation_rate"]) == 1:
        even = min(sh, sw)
        raise ShapeError(
            f"{ctx.layer.type} needs the same stride along height and width (TensorFlow's "
            f"depthwise convolution takes one); received strides=({sh}, {sw}). Use "
            f"strides=({even}, {even}), or a Conv2D, which takes any strides.",
            Fix(f"Set strides to ({even}, {even})", SetParameter(ctx.index, "strides", even)),
            param="strides",
        )


def _separable_conv2d(ctx: Context, p: Params, shape: Shape) -> Inference:
    _equal_strides(ctx, p)
    c, h, w = _conv_common(ctx, p, shape)
    kh, kw = p["kernel_size"]
    f, m = p["filters"], p["depth_multiplier"]
    weights = kh * kw * c * m + c * m * f + (f if p["use_bias"] else 0)
    macs = None if h is None or w is None else h * w * c * m * (kh * kw + f)
    return Inference((None, h, w, f), weights, 0, macs)


def _depthwise_conv2d(ctx: Context, p: Params, shape: Shape) -> Inference:
    _equal_strides(ctx, p)
    c, h, w = _conv_common(ctx, p, shape)
    kh, kw = p["kernel_size"]
    m = p["depth_multiplier"]
    weights = kh * kw * c * m + (c * m if p["use_bias"] else 0)
    return Inference((None, h, w, c * m), weights, 0, _mul(h, w, c, m, kh, kw))


def _pooling(ctx: Context, p: Params, shape: Shape) -> Inference:
    _need_image(ctx, shape)
    strides = p["strides"] or p["pool_size"]
    h, w = _window_output(ctx, shape, p["pool_size"], strides, p["padding"], what="pool")
    return Inference((None, h, w, shape[3]))


def _global_pooling(ctx: Context, p: Params, shape: Shape) -> Inference:
    _need_image(ctx, shape)
    c = shape[3]
    return Inference((None, 1, 1, c) if p["keepdims"] else (None, c))


def _spatial_dropout(ctx: Context, p: Params, shape: Shape) -> Inference:
    _need_image(ctx, shape)
    return Inference(shape)


def _batch_norm(ctx: Context, p: Params, shape: Shape) -> Inference:
    axis, rank = p["axis"], len(shape)
    if not -rank <= axis < rank:
        raise ShapeError(
            f"BatchNormalization axis {axis} does not exist in a {rank}-D input "
            f"{format_shape(shape)} (the batch axis included).",
            Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
            param="axis",
        )
    size = shape[axis]
    if size is None:
        what = "is the batch axis" if axis % rank == 0 else "has no fixed size"
        raise ShapeError(
            f"BatchNormalization axis {axis} {what} in {format_shape(shape)}; it normalises "
            f"the features, usually the last axis.",
            Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
            param="axis",
        )
    learned = size * (int(p["center"]) + int(p["scale"]))
    return Inference(shape, learned, 2 * size, product(shape[1:]))


def _flatten(ctx: Context, p: Params, shape: Shape) -> Inference:
    if len(shape) == 2:
        return Inference(
            shape,
            warnings=(
                (
                    f"Flatten does nothing here: its input {format_shape(shape)} is already flat.",
                    Fix("Remove this Flatten", RemoveLayer(ctx.index)),
                ),
            ),
        )
    return Inference((None, product(shape[1:])))


def _reshape(ctx: Context, p: Params, shape: Shape) -> Inference:
    target = p["target_shape"]
    if None in shape[1:]:
        return Inference((None, *(None if t == -1 else t for t in target)))
    size = math.prod(shape[1:])
    known = math.prod(t for t in target if t != -1)
    if -1 in target:
        if size % known == 0:
            return Inference((None, *(size // known if t == -1 else t for t in target)))
        holds = f"whose other sizes multiply to {known:,}, which does not divide it"
    elif size == known:
        return Inference((None, *target))
    else:
        holds = f"which holds {known:,}"
    fix = None
    rest = target[1:]
    if rest and -1 not in target and size % math.prod(rest) == 0:
        better = (-1, *rest)
        fix = Fix(
            f"Set target_shape to {format_shape(better)}",
            SetParameter(ctx.index, "target_shape", better),
        )
    raise ShapeError(
        f"Reshape cannot turn {format_shape(shape)} ({size:,} values) into "
        f"{format_shape(target)}, {holds}. The sizes must multiply to {size:,}; -1 stands for "
        f"one size computed from the input.",
        fix,
        param="target_shape",
    )


def _zero_padding(ctx: Context, p: Params, shape: Shape) -> Inference:
    _need_image(ctx, shape)
    (t, b), (left, r) = p["padding"]
    h, w = shape[1], shape[2]
    return Inference(
        (None, None if h is None else h + t + b, None if w is None else w + left + r, shape[3])
    )


def _up_sampling(ctx: Context, p: Params, shape: Shape) -> Inference:
    _need_image(ctx, shape)
    sh, sw = p["size"]
    h, w = shape[1], shape[2]
    return Inference((None, None if h is None else h * sh, None if w is None else w * sw, shape[3]))


def _augmentation(ctx: Context, p: Params, shape: Shape) -> Inference:
    if len(shape) == 3:
        hint, fix = _reshape_fix(ctx, shape)
        return Inference(
            shape,
            warnings=(
                (
                    f"{ctx.layer.type} treats a {format_shape(shape)} input as one image whose "
                    f"rows are the batch, so every sample gets mixed up.{hint}",
                    fix,
                ),
            ),
        )
    _need_image(ctx, shape)
    return Inference(shape)


def _prelu(ctx: Context, p: Params, shape: Shape) -> Inference:
    """One slope per value of a sample, with the shared axes reduced to one."""
    sizes = list(shape[1:])
    for axis in p["shared_axes"] or ():
        if not 1 <= axis < len(shape):
            raise ShapeError(
                f"PReLU shared_axes {axis} is not an axis of its {format_shape(shape)} input: "
                f"use 1 to {len(shape) - 1} (0 is the batch).",
                Fix("Share no axes", SetParameter(ctx.index, "shared_axes", None)),
                param="shared_axes",
            )
        sizes[axis - 1] = 1
    if None in sizes:
        raise ShapeError(
            f"PReLU learns one slope per value, so it needs fixed sizes; received "
            f"{format_shape(shape)}. Share the open axes (shared_axes) or fix the input size.",
            param="shared_axes",
        )
    if p["alpha_initializer"] == "orthogonal" and len(sizes) < 2:
        raise ShapeError(
            f"PReLU's slopes for a {format_shape(shape)} input are a vector, and the orthogonal "
            "initializer needs a matrix at least.",
            Fix("Start the slopes at zeros", SetParameter(ctx.index, "alpha_initializer", "zeros")),
            param="alpha_initializer",
        )
    return Inference(shape, math.prod(sizes))


def _axis_in(ctx: Context, axis: int, shape: Shape, what: str) -> int:
    rank = len(shape)
    if not -rank <= axis < rank:
        raise ShapeError(
            f"{ctx.layer.type} axis {axis} does not exist in a {rank}-D input "
            f"{format_shape(shape)} (the batch axis included).",
            Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
            param="axis",
        )
    if shape[axis] is None:
        where = "is the batch axis" if axis % rank == 0 else "has no fixed size"
        raise ShapeError(
            f"{ctx.layer.type} axis {axis} {where} in {format_shape(shape)}; {what}.",
            Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
            param="axis",
        )
    return axis % rank


def _layer_norm(ctx: Context, p: Params, shape: Shape) -> Inference:
    axes = as_axes(p["axis"])
    if not axes:
        raise ShapeError("LayerNormalization needs at least one axis.", param="axis")
    sizes = [shape[_axis_in(ctx, a, shape, "it learns one scale per value there")] for a in axes]
    learned = math.prod(sizes) * (int(p["center"]) + int(p["scale"]))
    return Inference(shape, learned, 0, product(shape[1:]))


def _normalization(ctx: Context, p: Params, shape: Shape) -> Inference:
    axes = as_axes(p["axis"])
    kept = sorted({_axis_in(ctx, a, shape, "it keeps a mean there") for a in axes})
    mean, variance = p["mean"], p["variance"]
    if (mean is None) != (variance is None):
        raise ShapeError(
            "Normalization needs both mean and variance, or neither (then adapt learns them "
            "from the data).",
            param="mean" if mean is None else "variance",
        )
    if mean is None:  # adapt: mean, variance and a count, not trained
        size = math.prod(shape[k] for k in kept)
        return Inference(shape, 0, 2 * size + 1, product(shape[1:]))
    lengths = {len(v) if isinstance(v, tuple) else None for v in (mean, variance)}
    if len(lengths) > 1:
        raise ShapeError(
            "Normalization mean and variance need the same length; received "
            f"{show(mean)} and {show(variance)}.",
            param="variance",
        )
    (length,) = lengths
    if length is not None:
        if not kept:
            raise ShapeError(
                f"Normalization with one mean for everything (no axis) takes one number, not "
                f"a list of {length}.",
                Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
                param="mean",
            )
        last = shape[kept[-1]]
        if length not in (1, last):
            raise ShapeError(
                f"Normalization has {length} means for axis {kept[-1]}, which has {last} "
                f"values in {format_shape(shape)}: give one per value.",
                param="mean",
            )
    return Inference(shape, 0, 0, product(shape[1:]))


def _layer_scale(ctx: Context, p: Params, shape: Shape) -> Inference:
    n = p["projection_dim"]
    if n not in (1, shape[-1]):  # one factor for all channels, or one per channel
        raise ShapeError(
            f"LayerScale scales {n} channels (projection_dim), but its input "
            f"{format_shape(shape)} has {shape[-1]}.",
            Fix(
                f"Set projection_dim to {shape[-1]}",
                SetParameter(ctx.index, "projection_dim", shape[-1]),
            )
            if shape[-1] is not None
            else None,
            param="projection_dim",
        )
    return Inference(shape, n, 0, product(shape[1:]))


def _cropping(ctx: Context, p: Params, shape: Shape) -> Inference:
    _need_image(ctx, shape)
    (t, b), (left, r) = p["cropping"]
    h, w = shape[1], shape[2]
    if (h is not None and t + b >= h) or (w is not None and left + r >= w):
        raise ShapeError(
            f"Cropping2D would cut {t + b} rows and {left + r} columns off a "
            f"{format_shape(shape)} image, leaving nothing: crop less.",
            param="cropping",
        )
    return Inference(
        (None, None if h is None else h - t - b, None if w is None else w - left - r, shape[3])
    )


def _permute(ctx: Context, p: Params, shape: Shape) -> Inference:
    dims = p["dims"]
    if len(dims) != len(shape) - 1:
        raise ShapeError(
            f"Permute reorders all {len(shape) - 1} axes of its {format_shape(shape)} input, "
            f"so dims needs {len(shape) - 1} entries; received {show(list(dims))}.",
            param="dims",
        )
    return Inference((None, *(shape[d] for d in dims)))


def _softmax(ctx: Context, p: Params, shape: Shape) -> Inference:
    axis, rank = p["axis"], len(shape)
    if not -rank <= axis < rank:
        raise ShapeError(
            f"Softmax axis {axis} does not exist in a {rank}-D input {format_shape(shape)}.",
            Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
            param="axis",
        )
    return Inference(shape)


RULES: Mapping[str, Callable[[Context, Params, Shape], Inference]] = {
    "Dense": _dense,
    "Activation": _identity,
    "LeakyReLU": _identity,
    "ReLU": _identity,
    "ELU": _identity,
    "PReLU": _prelu,
    "Softmax": _softmax,
    "Identity": _identity,
    "Conv2D": _conv2d,
    "Conv2DTranspose": _conv2d_transpose,
    "SeparableConv2D": _separable_conv2d,
    "DepthwiseConv2D": _depthwise_conv2d,
    "MaxPooling2D": _pooling,
    "AveragePooling2D": _pooling,
    "GlobalAveragePooling2D": _global_pooling,
    "GlobalMaxPooling2D": _global_pooling,
    "Dropout": _identity,
    "SpatialDropout2D": _spatial_dropout,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Normalization": _normalization,
    "LayerScale": _layer_scale,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "ZeroPadding2D": _zero_padding,
    "UpSampling2D": _up_sampling,
    "Rescaling": _identity,
    "Cropping2D": _cropping,
    "Permute": _permute,
    "RandomFlip": _augmentation,
    "RandomRotation": _augmentation,
    "RandomZoom": _augmentation,
    "RandomTranslation": _augmentation,
    "RandomContrast": _augmentation,
    "RandomShear": _augmentation,
}

#: Layers that take an image (batch, height, width, channels) and nothing else.
TAKES_IMAGES = frozenset(
    t
    for t, rule in RULES.items()
    if rule
    in (
        _conv2d,
        _conv2d_transpose,
        _cropping,
        _separable_conv2d,
        _depthwise_conv2d,
        _pooling,
        _global_pooling,
        _spatial_dropout,
        _zero_padding,
        _up_sampling,
        _augmentation,
    )
)

#: Layers whose output shape never depends on their parameters.
SHAPE_PRESERVING = frozenset(
    t for t, rule in RULES.items() if rule in (_identity, _augmentation, _spatial_dropout)
)


# Merge layers: a list of inputs ---------------------------------------------------------


def _shapes_text(shapes) -> str:
    texts = [format_shape(s) for s in shapes]
    return ", ".join(texts[:-1]) + f" and {texts[-1]}" if len(texts) > 1 else texts[0]


def _same_rank(ctx: Context, shapes) -> None:
    if len({len(s) for s in shapes}) > 1:
        raise ShapeError(
            f"{ctx.layer.type} needs inputs with the same number of axes; received "
            f"{_shapes_text(shapes)}. Flatten or reshape one of them first."
        )


def _broadcast(a: list, b: list) -> list | None:
    """Keras' Merge._compute_elemwise_op_output_shape: sizes aligned from the right, equal or 1
    (stretched to the other's) or unknown; None if they cannot combine."""
    if len(a) < len(b):
        a, b = b, a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b, strict=True):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            return None
    return out


def _elementwise(ctx: Context, p: Params, shapes) -> Inference:
    """Keras' Merge: sizes equal, or 1 (stretched to the other's), or unknown; an input with
    fewer axes is aligned to the others' last ones."""
    out = list(shapes[0][1:])
    for shape in shapes[1:]:
        combined = _broadcast(out, list(shape[1:]))
        if combined is None:
            raise ShapeError(
                f"{ctx.layer.type} needs equal shapes (a size of 1 is stretched to the "
                f"other's); received {_shapes_text(shapes)}.",
                needs_equal=True,
            )
        out = combined
    warnings = ()
    if len({len(s) for s in shapes}) > 1:
        warnings = (
            (
                f"{ctx.layer.type} of inputs with different numbers of axes "
                f"({_shapes_text(shapes)}) repeats the smaller over the axes it lacks: is that "
                "what you meant?",
                None,
            ),
        )
    return Inference((None, *out), warnings=warnings)


def _concatenate(ctx: Context, p: Params, shapes) -> Inference:
    _same_rank(ctx, shapes)
    rank = len(shapes[0])
    axis = p["axis"]
    if not -rank < axis < rank or axis % rank == 0:
        raise ShapeError(
            f"Concatenate axis {axis} is not an axis of its {rank}-D inputs (the batch axis, 0, "
            f"cannot be joined along): use -1, the last, or 1 to {rank - 1}.",
            Fix("Set axis to -1", SetParameter(ctx.index, "axis", -1)),
            param="axis",
        )
    axis %= rank
    for k in range(1, rank):
        sizes = {s[k] for s in shapes if s[k] is not None}
        if k != axis and len(sizes) > 1:
            raise ShapeError(
                f"Concatenate joins along axis {p['axis']}; its inputs' other sizes must "
                f"match, and they do not: received {_shapes_text(shapes)}."
            )
    out = list(shapes[0])
    joined = [s[axis] for s in shapes]
    out[axis] = None if None in joined else sum(joined)
    return Inference(tuple(out))


def _scaled_sum(ctx: Context, p: Params, shapes) -> Inference:
    """CustomScaleLayer: inputs[0] + inputs[1] * scale, broadcast as NumPy does."""
    a, b = (list(s) for s in shapes)
    combined = _broadcast(a[1:], b[1:])
    if combined is None:
        raise ShapeError(
            f"CustomScaleLayer adds its two inputs, which need equal shapes (a size of 1 is "
            f"stretched to the other's); received {_shapes_text(shapes)}.",
            needs_equal=True,
        )
    return Inference((None, *combined), macs=product(combined))


MERGES: Mapping[str, Callable[[Context, Params, list], Inference]] = {
    "Add": _elementwise,
    "Subtract": _elementwise,
    "Multiply": _elementwise,
    "Average": _elementwise,
    "Maximum": _elementwise,
    "Minimum": _elementwise,
    "Concatenate": _concatenate,
    "CustomScaleLayer": _scaled_sum,
}


def infer_merge(index: int, layer: LayerConfig, shapes: list[Shape]) -> Inference:
    """Apply a merge layer's rule to its inputs' shapes; ShapeError when Keras refuses it."""
    return MERGES[layer.type](Context(index, layer), layer.params, list(shapes))


def _softmax_of_one(ctx: Context, shape: Shape) -> tuple[str, Fix] | None:
    """Keras warns about softmax over an axis of size 1, a classic mistake: Dense(1, "softmax")."""
    activation = ctx.layer.params.get("activation")
    if activation not in ("softmax", "log_softmax") or shape[-1] != 1:
        return None
    always = "1" if activation == "softmax" else "0"
    return (
        f"{activation} over a last axis of size 1 always outputs {always}, whatever the input. "
        "For a yes/no output use sigmoid; for classes, use one unit per class.",
        Fix("Use sigmoid", SetParameter(ctx.index, "activation", "sigmoid")),
    )


def infer(index: int, layer: LayerConfig, shape: Shape) -> Inference:
    """Apply a layer's rule; ShapeError when Keras would refuse it."""
    ctx = Context(index, layer)
    result = RULES[layer.type](ctx, layer.params, shape)
    warning = _softmax_of_one(ctx, result.output_shape)
    if warning:
        result = replace(result, warnings=(*result.warnings, warning))
    too_big = [d for d in result.output_shape[1:] if d is not None and d > MAX_SIZE]
    if too_big:
        raise ShapeError(
            f"{layer.type} would output {format_shape(result.output_shape)}, a size over "
            f"{MAX_SIZE:,} that TensorFlow cannot hold."
        )
    return result
