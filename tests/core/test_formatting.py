"""How numbers, shapes and counts are written for people."""

import pytest

from nnstudio.core.formatting import counted, format_count, format_shape, readable_bytes


@pytest.mark.parametrize(
    ("shape", "text"),
    [((None, 26, 26, 32), "(None, 26, 26, 32)"), ((None,), "(None,)"), (None, "?")],
)
def test_shapes_are_written_as_keras_prints_them(shape, text):
    assert format_shape(shape) == text


def test_sizes_and_counts():
    assert readable_bytes(139_304) == "136.04 KB"
    assert readable_bytes(12) == "12.00 B"
    assert format_count(1_199_882) == "1,199,882"
    assert format_count(None) == "?"


@pytest.mark.parametrize(("count", "text"), [(0, "0 epochs"), (1, "1 epoch"), (2, "2 epochs")])
def test_a_count_agrees_with_its_noun(count, text):
    assert counted(count, "epoch") == text
