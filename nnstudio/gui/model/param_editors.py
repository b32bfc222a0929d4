"""One editor widget per kind of catalogue parameter: spin boxes with the parameter's range,
combo boxes for choices, check boxes, and validated text for shapes, paddings and factors.

Every editor emits ``value_edited`` with a value the core's ``Param.parse`` accepts, and
``session_started`` when it gains focus (typing in one field merges into one undo step).
``set_value`` shows a model value without emitting anything; a value outside the editor's range
(read from a file) widens the range rather than being clamped, so nothing changes unasked.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from nnstudio.core.params import (
    MAX_SIZE,
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
from nnstudio.gui import theme
from nnstudio.gui.widgets import ValidatedLineEdit, numbers_in

INT_LIMIT = 2**31 - 1


class ParamEditor(QWidget):
    value_edited = Signal(object)
    session_started = Signal()

    def __init__(self, param: Param, parent=None) -> None:
        super().__init__(parent)
        self.param = param
        self._problem: str | None = None
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def _add(self, widget: QWidget, stretch: int = 1) -> None:
        widget.installEventFilter(self)
        widget.setToolTip(self.param.help)
        self._layout.addWidget(widget, stretch)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.session_started.emit()
        return super().eventFilter(obj, event)

    def _emit(self, value: Any) -> None:
        self.value_edited.emit(value)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def show_problem(self, message: str | None) -> None:
        """Mark the editor red with the message, or clear the mark."""
        if message == self._problem:
            return  # restyling is costly: only on a change
        self._problem = message
        style = f"border: 2px solid {theme.ERROR_COLOR}; border-radius: 3px;" if message else ""
        for child in self.findChildren(QWidget):
            child.setStyleSheet(style)
            child.setToolTip(message or self.param.help)


class IntEditor(ParamEditor):
    def __init__(self, param: IntParam, parent=None) -> None:
        super().__init__(param, parent)
        self.spin = QSpinBox()
        self.spin.setAccessibleName(param.name)
        low = -INT_LIMIT if param.minimum is None else param.minimum
        self._none = low - 1 if param.optional else None
        self.spin.setRange(
            low - 1 if param.optional else low, min(param.maximum or INT_LIMIT, INT_LIMIT)
        )
        if param.optional:
            self.spin.setSpecialValueText("random" if param.name == "seed" else "none")
        self.spin.setGroupSeparatorShown(True)
        self._add(self.spin)
        self.spin.valueChanged.connect(self._on_changed)

    def _on_changed(self, value: int) -> None:
        self.value_edited.emit(None if value == self._none else value)

    def set_value(self, value: int | None) -> None:
        shown = self._none if value is None else value
        self.spin.blockSignals(True)
        self.spin.setRange(min(self.spin.minimum(), shown), max(self.spin.maximum(), shown))
        self.spin.setValue(shown)
        self.spin.blockSignals(False)


class _FloatSpin(QDoubleSpinBox):
    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"


class FloatEditor(ParamEditor):
    def __init__(self, param: FloatParam, parent=None) -> None:
        super().__init__(param, parent)
        self.spin = _FloatSpin()
        self.spin.setAccessibleName(param.name)
        self.spin.setDecimals(8)
        gap = 1e-6
        low = -1e9 if param.minimum is None else param.minimum + (gap if param.minimum_open else 0)
        high = 1e9 if param.maximum is None else param.maximum - (gap if param.maximum_open else 0)
        self.spin.setRange(low, high)
        self.spin.setSingleStep(0.05 if high <= 1 else 0.1)
        if param.name == "epsilon":
            self.spin.setSingleStep(0.0005)
        self._add(self.spin)
        self.spin.valueChanged.connect(self._emit)

    def set_value(self, value: float) -> None:
        self.spin.blockSignals(True)
        self.spin.setRange(min(self.spin.minimum(), value), max(self.spin.maximum(), value))
        self.spin.setValue(value)
        self.spin.blockSignals(False)


class BoolEditor(ParamEditor):
    def __init__(self, param: BoolParam, parent=None) -> None:
        super().__init__(param, parent)
        self.check = QCheckBox()
        self.check.setAccessibleName(param.name)
        self._add(self.check)
        self.check.toggled.connect(self._emit)

    def set_value(self, value: bool) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(value)
        self.check.blockSignals(False)


class ChoiceEditor(ParamEditor):
    def __init__(self, param: ChoiceParam, parent=None) -> None:
        super().__init__(param, parent)
        self.combo = QComboBox()
        self.combo.setAccessibleName(param.name)
        for i, (choice, about) in enumerate(param.choices.items()):
            self.combo.addItem(choice)
            self.combo.setItemData(i, about, Qt.ItemDataRole.ToolTipRole)
        self._add(self.combo)
        self.combo.currentTextChanged.connect(self._emit)

    def set_value(self, value: str) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentText(value)
        self.combo.blockSignals(False)


class PairEditor(ParamEditor):
    """Two spin boxes (height × width); optional pairs have an "auto" box for None."""

    def __init__(self, param: IntPairParam, parent=None) -> None:
        super().__init__(param, parent)
        self.spins = (QSpinBox(), QSpinBox())
        for spin, axis in zip(self.spins, ("height", "width"), strict=True):
            spin.setRange(param.minimum, min(MAX_SIZE, INT_LIMIT))
            spin.setAccessibleName(f"{param.name} {axis}")
            spin.valueChanged.connect(self._on_changed)
        self._add(self.spins[0])
        times = QLabel("×")
        self._layout.addWidget(times, 0)
        self._add(self.spins[1])
        self.auto = None
        if param.optional:
            self.auto = QCheckBox("auto")
            self.auto.setAccessibleName(f"{param.name} auto")
            self._add(self.auto, 0)
            self.auto.toggled.connect(self._on_changed)

    def _on_changed(self, *_) -> None:
        automatic = self.auto is not None and self.auto.isChecked()
        for spin in self.spins:
            spin.setEnabled(not automatic)
        self.value_edited.emit(
            None if automatic else (self.spins[0].value(), self.spins[1].value())
        )

    def set_value(self, value) -> None:
        for widget in (*self.spins, self.auto):
            if widget is not None:
                widget.blockSignals(True)
        if self.auto is not None:
            self.auto.setChecked(value is None)
        for spin, v in zip(self.spins, value or (2, 2), strict=True):
            spin.setRange(min(spin.minimum(), v), spin.maximum())
            spin.setValue(v)
            spin.setEnabled(value is not None)
        for widget in (*self.spins, self.auto):
            if widget is not None:
                widget.blockSignals(False)


def _numbers(text: str) -> list[float]:
    return [float(n) for n in numbers_in(text) if n not in ("?", "None", "none")]


def _ints(text: str) -> list[int]:
    values = _numbers(text)
    if any(v != int(v) for v in values):
        raise ValueError("use whole numbers")
    return [int(v) for v in values]


def _text_parser(param: Param):
    """The parser of a typed text into a value the parameter accepts."""

    def parse(text: str):
        if not text.strip() and _may_be_none(param):
            return None
        try:
            return param.parse(_raw_value(param, text))
        except ValueError as e:
            raise ValueError(f"{param.name} {e}") from None

    return parse


def _raw_value(param: Param, text: str) -> Any:
    """The numbers typed, in the shape the parameter reads: a list, a pair of pairs (a
    padding of four numbers) or, where one is allowed, a single number."""
    if isinstance(param, ShapeParam | PermutationParam):
        return _ints(text)
    if isinstance(param, PaddingParam):
        raw = _ints(text)
        if len(raw) == 4:
            return [raw[:2], raw[2:]]
        return raw[0] if len(raw) == 1 else raw
    if isinstance(param, AxesParam):
        raw = _ints(text)
        return raw[0] if len(raw) == 1 and param.keep_int else raw
    raw = _numbers(text)  # a number, a factor, numbers or a range: one number or more
    single = len(raw) == 1 and isinstance(param, FactorParam | NumbersParam | FloatParam)
    return raw[0] if single else raw


def _may_be_none(param: Param) -> bool:
    return getattr(param, "optional", False) or (not param.required and param.default is None)


def _text_of(param: Param, value) -> str:
    if value is None:
        return ""
    flat = param.to_json(value)
    if isinstance(flat, list):
        flat = [v for item in flat for v in (item if isinstance(item, list) else [item])]
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in flat)
    return f"{flat:g}" if isinstance(flat, float) else str(flat)


class TextEditor(ParamEditor):
    """Typed numbers for shapes, paddings, factors and ranges: "28, 28, 1", "-0.1, 0.2"."""

    HINTS: ClassVar[dict[type, str]] = {
        ShapeParam: "sizes, e.g. 28, 28, 1 (-1: computed)",
        PaddingParam: "n, or height, width, or top, bottom, left, right",
        FactorParam: "f for [-f, f], or low, high",
        RangeParam: "low, high",
        AxesParam: "axes, e.g. -1 or 1, 2",
        NumbersParam: "one number, or one per channel",
        PermutationParam: "axes in their new order, e.g. 2, 1, 3",
        FloatParam: "a number",
    }
    #: What an empty field means, where it may be empty.
    EMPTY: ClassVar[dict[str, str]] = {
        "width_factor": "same as height_factor",
        "max_value": "empty: no cap",
        "shared_axes": "empty: none shared",
        "mean": "empty: learnt by adapt",
        "variance": "empty: learnt by adapt",
        "axis": "empty: one for all",
    }

    def __init__(self, param: Param, parent=None) -> None:
        super().__init__(param, parent)
        self.line = ValidatedLineEdit(_text_parser(param))
        self.line.setAccessibleName(param.name)
        hint = self.HINTS[type(param)]
        if _may_be_none(param):
            hint = self.EMPTY.get(param.name, f"{hint} (empty: none)")
        self.line.setPlaceholderText(hint)
        self._add(self.line)
        self.line.value_edited.connect(self.value_edited)

    def set_value(self, value) -> None:
        self.line.show_value(value, _text_of(self.param, value))

    def show_problem(self, message: str | None) -> None:
        if not self.line.error:
            super().show_problem(message)


def editor_for(param: Param) -> ParamEditor:
    if isinstance(param, FloatParam) and param.optional:
        return TextEditor(param)  # a number, or empty for none
    kinds = {
        IntParam: IntEditor,
        FloatParam: FloatEditor,
        BoolParam: BoolEditor,
        ChoiceParam: ChoiceEditor,
        IntPairParam: PairEditor,
    }
    return kinds.get(type(param), TextEditor)(param)
