"""Kinds of layer parameter: how a value is read, checked, written back and shown.

Every parameter has a *parse* step and a *check* step, kept apart on purpose:

- ``parse`` turns a JSON (or Python) value into the canonical value and raises ``ValueError``
  when the value has the wrong type ("units must be an integer; received "10""). Such a file
  cannot be read as an architecture at all.
- ``problems`` lists what is wrong with a well-typed value ("rate must be in [0, 1); received
  1.5"). Such an architecture is readable and editable, and ``summarize`` pins the problem to its
  layer, which is what an editor needs while a user is typing.

Messages leave out the owner ("Dropout rate"); the caller puts it in front.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

#: The largest size TensorFlow accepts for one dimension (int32 shapes).
MAX_SIZE = 2**31 - 1


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of a parameter that Keras has no default for: it must be given.
REQUIRED: Any = _Required()


def show(value: Any, limit: int = 40) -> str:
    """A short, JSON-like rendering of a received value for error messages."""
    if isinstance(value, tuple):
        value = list(value)
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def parse_int(raw: Any, what: str = "an integer") -> int:
    if not _is_int(raw):
        raise ValueError(f"must be {what}; received {show(raw)}")
    return int(raw)


def parse_float(raw: Any, what: str = "a number") -> float:
    if not _is_number(raw):
        raise ValueError(f"must be {what}; received {show(raw)}")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number; received {show(raw)}")
    return value


def _as_list(raw: Any) -> list | None:
    return list(raw) if isinstance(raw, list | tuple) else None


def _fmt_float(value: float) -> str:
    return f"{value:g}"


def _interval(low, high, low_open=False, high_open=False) -> str:
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    return f"{left}{_fmt_float(low)}, {_fmt_float(high)}{right}"


@dataclass(frozen=True, kw_only=True)
class Param:
    """One constructor argument of a Keras layer, under its Keras name."""

    name: str
    help: str
    #: The Keras default, or ``REQUIRED`` when Keras has none.
    default: Any = REQUIRED
    #: The value a new layer starts with, when it is not the default (required parameters
    #: must have one).
    initial: Any = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def start_value(self) -> Any:
        """The value a freshly added layer gets."""
        return self.default if self.initial is None else self.initial

    def parse(self, raw: Any) -> Any:
        raise NotImplementedError

    def problems(self, value: Any) -> list[str]:
        return []

    def to_json(self, value: Any) -> Any:
        return value

    def to_keras(self, value: Any) -> Any:
        return value

    def format(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True, kw_only=True)
class IntParam(Param):
    minimum: int | None = 1
    maximum: int | None = MAX_SIZE
    #: ``None`` is a valid value (for instance a random seed left unset).
    optional: bool = False

    def parse(self, raw: Any) -> int | None:
        if raw is None and self.optional:
            return None
        return parse_int(raw, "an integer or null" if self.optional else "an integer")

    def problems(self, value: int | None) -> list[str]:
        if value is None:
            return []
        if self.minimum is not None and value < self.minimum:
            return [f"must be at least {self.minimum}; received {value}"]
        if self.maximum is not None and value > self.maximum:
            return [f"must be at most {self.maximum:,}; received {value:,}"]
        return []


@dataclass(frozen=True, kw_only=True)
class FloatParam(Param):
    minimum: float | None = None
    maximum: float | None = None
    minimum_open: bool = False
    maximum_open: bool = False
    #: ``None`` is a valid value (ReLU's max_value: no cap).
    optional: bool = False

    def parse(self, raw: Any) -> float | None:
        if raw is None and self.optional:
            return None
        return parse_float(raw, "a number or null" if self.optional else "a number")

    def problems(self, value: float | None) -> list[str]:
        if value is None:
            return []
        low, high = self.minimum, self.maximum
        too_low = low is not None and (value <= low if self.minimum_open else value < low)
        too_high = high is not None and (value >= high if self.maximum_open else value > high)
        if not (too_low or too_high):
            return []
        if low is not None and high is not None:
            rule = "in " + _interval(low, high, self.minimum_open, self.maximum_open)
        elif low is not None:
            rule = ("greater than " if self.minimum_open else "at least ") + _fmt_float(low)
        else:
            rule = ("less than " if self.maximum_open else "at most ") + _fmt_float(high)
        return [f"must be {rule}; received {_fmt_float(value)}"]

    def format(self, value: float | None) -> str:
        return "none" if value is None else _fmt_float(value)


@dataclass(frozen=True, kw_only=True)
class BoolParam(Param):
    def parse(self, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise ValueError(f"must be true or false; received {show(raw)}")
        return raw

    def format(self, value: bool) -> str:
        return "yes" if value else "no"


@dataclass(frozen=True, kw_only=True)
class ChoiceParam(Param):
    #: The allowed values, each with a one-line explanation (shown as tooltip).
    choices: Mapping[str, str] = field(default_factory=dict)

    def parse(self, raw: Any) -> str:
        if not isinstance(raw, str) or raw not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise ValueError(f"must be one of {allowed}; received {show(raw)}")
        return raw


@dataclass(frozen=True, kw_only=True)
class IntPairParam(Param):
    """An int or a pair of ints, as Keras accepts for kernel_size, strides, pool_size..."""

    minimum: int = 1
    #: ``None`` is a valid value (pooling strides: "same as pool_size").
    optional: bool = False

    def parse(self, raw: Any) -> tuple[int, int] | None:
        if raw is None and self.optional:
            return None
        if _is_int(raw):
            return (int(raw), int(raw))
        items = _as_list(raw)
        if items is not None and len(items) == 2 and all(_is_int(v) for v in items):
            return (int(items[0]), int(items[1]))
        what = "an integer or a list of 2 integers" + (", or null" if self.optional else "")
        raise ValueError(f"must be {what}; received {show(raw)}")

    def problems(self, value: tuple[int, int] | None) -> list[str]:
        if value is None:
            return []
        if min(value) < self.minimum:
            return [f"must be at least {self.minimum}; received {self.format(value)}"]
        if max(value) > MAX_SIZE:
            return [f"must be at most {MAX_SIZE:,}; received {self.format(value)}"]
        return []

    def to_json(self, value):
        return None if value is None else list(value)

    def format(self, value) -> str:
        return "none" if value is None else f"{value[0]}x{value[1]}"


@dataclass(frozen=True, kw_only=True)
class ShapeParam(Param):
    """A target shape without the batch axis; one entry may be -1 ("whatever is left")."""

    def parse(self, raw: Any) -> tuple[int, ...]:
        items = _as_list(raw)
        if items is None or not items or not all(_is_int(v) for v in items):
            raise ValueError(f"must be a non-empty list of integers; received {show(raw)}")
        return tuple(int(v) for v in items)

    def problems(self, value: tuple[int, ...]) -> list[str]:
        if any(v < -1 for v in value) or any(v > MAX_SIZE for v in value):
            return [
                "entries must be positive sizes, or -1 for one size computed from the input; "
                f"received {self.format(value)}"
            ]
        if 0 in value:
            return [f"would give a zero-size output; received {self.format(value)}"]
        if value.count(-1) > 1:
            return [f"may contain -1 only once; received {self.format(value)}"]
        return []

    def to_json(self, value):
        return list(value)

    def format(self, value) -> str:
        return "(" + ", ".join(str(v) for v in value) + ("," if len(value) == 1 else "") + ")"


@dataclass(frozen=True, kw_only=True)
class PaddingParam(Param):
    """ZeroPadding2D padding: an int, (height, width) or ((top, bottom), (left, right))."""

    def parse(self, raw: Any) -> tuple[tuple[int, int], tuple[int, int]]:
        if _is_int(raw):
            return ((int(raw), int(raw)), (int(raw), int(raw)))
        items = _as_list(raw)
        if items is not None and len(items) == 2:
            if all(_is_int(v) for v in items):
                h, w = (int(v) for v in items)
                return ((h, h), (w, w))
            pairs = [_as_list(v) for v in items]
            if all(p is not None and len(p) == 2 and all(_is_int(v) for v in p) for p in pairs):
                (t, b), (left, r) = ((int(v) for v in p) for p in pairs)
                return ((t, b), (left, r))
        raise ValueError(
            "must be an integer, a list [height, width] or a list "
            f"[[top, bottom], [left, right]]; received {show(raw)}"
        )

    def problems(self, value) -> list[str]:
        flat = [v for pair in value for v in pair]
        if min(flat) < 0:
            return [f"must not be negative; received {self.format(value)}"]
        if max(flat) > MAX_SIZE:
            return [f"must be at most {MAX_SIZE:,}; received {self.format(value)}"]
        return []

    def to_json(self, value):
        (t, b), (left, r) = value
        if t == b == left == r:
            return t
        if t == b and left == r:
            return [t, left]
        return [[t, b], [left, r]]

    def format(self, value) -> str:
        return show(self.to_json(value))


@dataclass(frozen=True, kw_only=True)
class FactorParam(Param):
    """A random-augmentation factor: a number f (meaning [-f, f]) or a pair [low, high].

    Keras checks these in two ways, reproduced exactly: most layers check every number against
    the bounds ("each"); RandomRotation and RandomContrast check a pair only as a whole
    ("whole": refused when low is above the upper bound or high below the lower bound).
    """

    low: float = -1.0
    high: float = 1.0
    low_open: bool = False
    rule: str = "each"
    #: ``None`` is a valid value ("same as height_factor" for RandomZoom's width_factor).
    optional: bool = False

    def parse(self, raw: Any) -> float | tuple[float, float] | None:
        if raw is None and self.optional:
            return None
        if _is_number(raw):
            return parse_float(raw)
        items = _as_list(raw)
        if items is not None and len(items) == 2 and all(_is_number(v) for v in items):
            return (parse_float(items[0]), parse_float(items[1]))
        what = "a number or a list [low, high]" + (", or null" if self.optional else "")
        raise ValueError(f"must be {what}; received {show(raw)}")

    def _inside(self, v: float) -> bool:
        above_low = v > self.low if self.low_open else v >= self.low
        return above_low and v <= self.high

    def problems(self, value) -> list[str]:
        if value is None:
            return []
        if isinstance(value, tuple):
            if self.rule == "each":
                ok = all(self._inside(v) for v in value)
            else:
                ok = not (value[0] > self.high or value[1] < self.low)
        else:
            ok = self._inside(value)
        if ok:
            return []
        rule = _interval(self.low, self.high, self.low_open)
        return [f"must be a number (or a pair) in {rule}; received {self.format(value)}"]

    def to_json(self, value):
        return list(value) if isinstance(value, tuple) else value

    def format(self, value) -> str:
        if value is None:
            return "none"
        if isinstance(value, tuple):
            return f"[{_fmt_float(value[0])}, {_fmt_float(value[1])}]"
        return _fmt_float(value)


@dataclass(frozen=True, kw_only=True)
class RangeParam(Param):
    """A pair of numbers [low, high], such as the value range of the input pixels."""

    def parse(self, raw: Any) -> tuple[float, float]:
        items = _as_list(raw)
        if items is None or len(items) != 2 or not all(_is_number(v) for v in items):
            raise ValueError(f"must be a list [low, high] of two numbers; received {show(raw)}")
        return (parse_float(items[0]), parse_float(items[1]))

    def problems(self, value) -> list[str]:
        if value[0] >= value[1]:
            return [f"must have low < high; received {self.format(value)}"]
        return []

    def to_json(self, value):
        return list(value)

    def format(self, value) -> str:
        return f"[{_fmt_float(value[0])}, {_fmt_float(value[1])}]"


@dataclass(frozen=True, kw_only=True)
class AxesParam(Param):
    """An axis or a list of axes (Normalization, LayerNormalization, PReLU's shared_axes); the
    batch axis is 0, and negative axes count from the last."""

    #: ``None`` is a valid value (Normalization: one mean for everything; PReLU: none shared).
    optional: bool = False
    #: A single axis is given as an int (LayerNormalization keeps an int an int).
    keep_int: bool = True

    def parse(self, raw: Any) -> int | tuple[int, ...] | None:
        if raw is None and self.optional:
            return None
        if _is_int(raw):
            return int(raw) if self.keep_int else (int(raw),)
        items = _as_list(raw)
        if items is not None and all(_is_int(v) for v in items):
            return tuple(int(v) for v in items)
        what = "an axis or a list of axes" + (", or null" if self.optional else "")
        raise ValueError(f"must be {what}; received {show(raw)}")

    def to_json(self, value):
        return list(value) if isinstance(value, tuple) else value

    def format(self, value) -> str:
        if value is None:
            return "none"
        return show(self.to_json(value))


def as_axes(value: int | tuple[int, ...] | None) -> tuple[int, ...]:
    """An AxesParam value as a tuple of axes (none for None)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else tuple(value)


@dataclass(frozen=True, kw_only=True)
class NumbersParam(Param):
    """A number, or one number per channel (Normalization's mean and variance), or null."""

    def parse(self, raw: Any) -> float | tuple[float, ...] | None:
        if raw is None:
            return None
        if _is_number(raw):
            return parse_float(raw)
        items = _as_list(raw)
        if items is not None and items and all(_is_number(v) for v in items):
            return tuple(parse_float(v) for v in items)
        raise ValueError(f"must be a number, a list of numbers or null; received {show(raw)}")

    def to_json(self, value):
        return list(value) if isinstance(value, tuple) else value

    def format(self, value) -> str:
        if value is None:
            return "none"
        if isinstance(value, tuple):
            return "[" + ", ".join(_fmt_float(v) for v in value) + "]"
        return _fmt_float(value)


@dataclass(frozen=True, kw_only=True)
class PermutationParam(ShapeParam):
    """Permute's dims: the input's axes (1 is the first after the batch) in their new order."""

    def problems(self, value: tuple[int, ...]) -> list[str]:
        if sorted(value) != list(range(1, len(value) + 1)):
            n = len(value)
            return [f"must hold each of the axes 1 to {n} once; received {self.format(value)}"]
        return []
