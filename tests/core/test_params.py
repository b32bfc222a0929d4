"""Parameter kinds: parsing (wrong types raise) and checking (out of range is a problem)."""

import math

import pytest

from nnstudio.core.catalogue import CATALOGUE
from nnstudio.core.params import (
    BoolParam,
    FactorParam,
    FloatParam,
    IntPairParam,
    IntParam,
    PaddingParam,
    RangeParam,
    ShapeParam,
)

UNITS = IntParam(name="units", help="")
RATE = CATALOGUE["Dropout"].param("rate")
KERNEL = IntPairParam(name="kernel_size", help="")


@pytest.mark.parametrize("raw", ["10", 10.0, True, None, [10], {"n": 1}])
def test_int_refuses_other_types(raw):
    with pytest.raises(ValueError, match="must be an integer; received"):
        UNITS.parse(raw)


def test_int_range():
    assert UNITS.parse(10) == 10
    assert UNITS.problems(0) == ["must be at least 1; received 0"]
    assert UNITS.problems(2**40)[0].startswith("must be at most 2,147,483,647")


def test_optional_int_accepts_null():
    seed = CATALOGUE["Dropout"].param("seed")
    assert seed.parse(None) is None
    assert seed.problems(None) == []


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf])
def test_float_refuses_non_finite(raw):
    with pytest.raises(ValueError, match="finite"):
        RATE.parse(raw)


def test_float_accepts_int_and_checks_open_bounds():
    assert RATE.parse(0) == 0.0
    assert isinstance(RATE.parse(0), float)
    assert RATE.problems(0.0) == []
    assert RATE.problems(1.0) == ["must be in [0, 1); received 1"]
    assert FloatParam(name="x", help="", minimum=0.0, minimum_open=True).problems(0.0) == [
        "must be greater than 0; received 0"
    ]


def test_bool_is_strict():
    with pytest.raises(ValueError, match="true or false"):
        BoolParam(name="use_bias", help="").parse(1)


def test_choice_lists_what_is_allowed():
    padding = CATALOGUE["Conv2D"].param("padding")
    with pytest.raises(ValueError, match="must be one of 'valid', 'same'; received \"SAME\""):
        padding.parse("SAME")


def test_an_int_is_accepted_wherever_keras_takes_an_int_or_a_tuple():
    assert KERNEL.parse(3) == (3, 3)
    assert KERNEL.parse([3, 5]) == (3, 5)
    assert KERNEL.parse((3, 5)) == (3, 5)
    assert KERNEL.format((3, 5)) == "3x5"
    assert KERNEL.to_json((3, 5)) == [3, 5]
    for raw in ([3], [3, 4, 5], "3", [3.0, 3]):
        with pytest.raises(ValueError, match="must be an integer or a list of 2 integers"):
            KERNEL.parse(raw)
    assert KERNEL.problems((0, 3)) == ["must be at least 1; received 0x3"]


def test_padding_forms():
    p = PaddingParam(name="padding", help="")
    assert p.parse(2) == ((2, 2), (2, 2))
    assert p.parse([1, 2]) == ((1, 1), (2, 2))
    assert p.parse([[0, 1], [2, 3]]) == ((0, 1), (2, 3))
    assert p.to_json(((1, 1), (2, 2))) == [1, 2]
    assert p.to_json(((0, 1), (2, 3))) == [[0, 1], [2, 3]]
    assert p.problems(((0, -1), (0, 0)))


def test_target_shape():
    p = ShapeParam(name="target_shape", help="")
    assert p.parse([28, 28, 1]) == (28, 28, 1)
    assert p.problems((-1, -1)) == ["may contain -1 only once; received (-1, -1)"]
    assert p.problems((-2, 4))
    with pytest.raises(ValueError, match="must be a non-empty list of integers"):
        p.parse([])


def test_factor_rules_follow_keras():
    zoom = CATALOGUE["RandomZoom"].param("height_factor")  # each number in (-1, 1]
    assert zoom.parse(0.2) == 0.2
    assert zoom.parse([-0.2, 0.3]) == (-0.2, 0.3)
    assert zoom.problems(-1.0)
    assert zoom.problems(1.0) == []
    assert zoom.problems((0.5, -1.0))
    rotation = CATALOGUE["RandomRotation"].param("factor")  # a pair is checked as a whole
    assert rotation.problems((-3.0, 0.5)) == []
    assert rotation.problems((2.0, 3.0))
    assert rotation.problems(2.0)
    contrast = CATALOGUE["RandomContrast"].param("factor")
    assert contrast.problems(-0.5)
    width = CATALOGUE["RandomZoom"].param("width_factor")
    assert width.parse(None) is None
    assert FactorParam(name="f", help="").format((0.1, 0.2)) == "[0.1, 0.2]"


def test_value_range():
    p = RangeParam(name="value_range", help="")
    assert p.parse([0, 255]) == (0.0, 255.0)
    assert p.problems((1.0, 0.0))
