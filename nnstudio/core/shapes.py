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
from nnstudio.core.params import MAX_SIZE

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
    ):
        super().__init__(message)
        self.message = message
        self.fix = fix
        #: The parameter to change, where one is to blame.
        self.param = param
        #: For a layer that takes an image and received something else: the message without
        #: its hint, so that a better hint (the layer that flattened the image) can replace it.
        self.needs_image = needs_image


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


def _conv2d(ctx: Context, p: Params, shape: Shape) -> Inference:
    _strides_with_dilation(ctx, p)
    c, h, w = _conv_common(ctx, p, shape)
    kh, kw = p["kernel_size"]
    f = p["filters"]
    weights = kh * kw * c * f + (f if p["use_bias"] else 0)
    return Inference((None, h, w, f), weights, 0, _mul(h, w, f, kh, kw, c))


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


RULES: Mapping[str, Callable[[Context, Params, Shape], Inference]] = {
    "Dense": _dense,
    "Activation": _identity,
    "LeakyReLU": _identity,
    "Conv2D": _conv2d,
    "SeparableConv2D": _separable_conv2d,
    "DepthwiseConv2D": _depthwise_conv2d,
    "MaxPooling2D": _pooling,
    "AveragePooling2D": _pooling,
    "GlobalAveragePooling2D": _global_pooling,
    "GlobalMaxPooling2D": _global_pooling,
    "Dropout": _identity,
    "SpatialDropout2D": _spatial_dropout,
    "BatchNormalization": _batch_norm,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "ZeroPadding2D": _zero_padding,
    "UpSampling2D": _up_sampling,
    "Rescaling": _identity,
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
