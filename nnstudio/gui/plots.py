"""Live training curves with pyqtgraph, imported only when a plot is first made (it takes half a
second, which startup must not pay). Each curve is created once and then updated with setData,
as pyqtgraph's scrolling-plots example does. Redraws are coalesced: data arrives as fast as
training makes it, each plot is redrawn at most every REDRAW_INTERVAL ms, one plot per event
loop pass, so that tiny models (a logic gate trains hundreds of epochs a second) never keep the
GUI thread busy and a redraw never stalls it for long. The plots also keep to a budget: when
drawing them takes more than DRAW_BUDGET of the time (a big window, a slow machine), they are
redrawn less often, for every moment the GUI thread's Python spends drawing is one the training
loop may wait for (the GIL) between two batches."""

from __future__ import annotations

import html
import math
import time
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnstudio.gui import theme

TRAIN_COLOR = "#4C8FD6"
VALIDATION_COLOR = "#F08A24"
RUN_COLORS = (
    "#4C8FD6",
    "#F08A24",
    "#4FA84A",
    "#D64545",
    "#A877C9",
    "#3BB0A8",
    "#B58A62",
    "#E0609C",
    "#7F7F7F",
    "#BCBD22",
)
#: Weight of a new batch in the smoothed curve (an exponential moving average).
SMOOTHING = 0.1
#: The curves are redrawn at most this often (milliseconds).
REDRAW_INTERVAL = 200
#: The share of the time the live plots may spend drawing (CPU time of their updates and
#: paints); and the slowest they are redrawn when drawing costs more (milliseconds).
DRAW_BUDGET = 0.03
SLOWEST_REDRAW = 1000
#: How often (seconds) the redraw interval is fitted to the budget.
PACE_EVERY = 0.5


def pyqtgraph():
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True)
    return pg


_timed_class = None


def timed_plot_widget_class():
    """pyqtgraph's PlotWidget, adding the CPU time of its paints to ``paint_seconds``."""
    global _timed_class
    if _timed_class is None:
        pg = pyqtgraph()

        class TimedPlotWidget(pg.PlotWidget):
            paint_seconds = 0.0

            def paintEvent(self, event) -> None:
                start = time.thread_time()
                super().paintEvent(event)
                self.paint_seconds += time.thread_time() - start

        _timed_class = TimedPlotWidget
    return _timed_class


def next_redraw_interval(interval: float, cost: float, elapsed: float) -> int:
    """The redraw interval (ms) that keeps drawing within DRAW_BUDGET, from the current
    ``interval`` and the CPU seconds drawing cost over the last ``elapsed`` seconds: drawing
    costs about the same per redraw, so its share scales with the redraw rate. Never faster
    than REDRAW_INTERVAL, never slower than SLOWEST_REDRAW, and at most twice as fast at once
    (an idle moment says little about the next redraw's cost)."""
    share = cost / elapsed if elapsed > 0 else 0.0
    wanted = interval * share / DRAW_BUDGET
    wanted = max(wanted, interval / 2)
    return int(min(SLOWEST_REDRAW, max(REDRAW_INTERVAL, wanted)))


def nice_range(low: float, high: float) -> tuple[float, float]:
    """``low..high`` widened outward to multiples of a round step (half the span's power of
    ten): a loss falling from 2.3 to 0.05 keeps the axis 0-2.5 all along, where fitting the
    data exactly would move (and repaint) the axis at every redraw."""
    span = high - low
    if span <= 0:
        span = abs(high) or 1.0
    step = 10 ** math.floor(math.log10(span)) / 2
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    return (low - step, high + step) if low == high else (low, high)


def plot_widget(
    palette: QPalette,
    title: str,
    y_label: str,
    x_label: str = "epoch",
    grid=True,
    legend=False,
    timed=False,
):
    """A pyqtgraph PlotWidget in the window's colours (light or dark). The grid is drawn by the
    axes over the whole plot, so a plot with a grid repaints its axes whenever a curve changes:
    live plots go without. A ``timed`` one notes what its paints cost (``paint_seconds``)."""
    pg = pyqtgraph()
    cls = timed_plot_widget_class() if timed else pg.PlotWidget
    widget = cls(background=palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    item = widget.getPlotItem()
    item.setTitle(title, color=text.name())
    for axis in ("left", "bottom"):
        item.getAxis(axis).enableAutoSIPrefix(False)  # "epoch (x0.001)" confuses
        item.getAxis(axis).setTextPen(text)
        item.getAxis(axis).setPen(theme.muted_text(palette))
    item.setLabel("left", y_label)
    item.setLabel("bottom", x_label)
    if grid:
        item.showGrid(x=True, y=True, alpha=0.15)
    if legend:
        item.addLegend(offset=(-10, 10), labelTextColor=text)
    widget.setMinimumHeight(150)
    return widget


class Legend(QLabel):
    """What a plot's curves are, in a line above it: pyqtgraph's legend sits on the curves
    (a falling loss runs right under it), and a line of text never covers anything."""

    LINE, THIN, DOTS, SQUARES, DASHED = "━━", "──", "●", "■━", "╌╌"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.entries: list[tuple[str, str, str]] = []

    def set_entries(self, entries) -> None:
        """(name, colour, glyph) for each curve."""
        self.entries = list(entries)
        self.setText(
            " &nbsp; ".join(
                f"<span style='color:{color}'>{glyph}</span>&nbsp;{html.escape(name)}"
                for name, color, glyph in self.entries
            )
        )


class TrainingPlots(QWidget):
    """Loss, the metric (accuracy or mae) and the learning rate, as training goes."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        pg = pyqtgraph()
        palette = self.palette()
        self.loss = plot_widget(palette, "Loss", "loss", grid=False, timed=True)
        # One legend, above the plots, serves both: the colours mean the same in each.
        faint_color = theme.tinted(QColor(TRAIN_COLOR), 70).name()
        self.legend = Legend()
        self.legend.set_entries(
            [
                ("training, per batch", faint_color, Legend.THIN),
                ("training, smoothed", TRAIN_COLOR, Legend.LINE),
                ("training, per epoch", TRAIN_COLOR, Legend.DOTS),
                ("validation", VALIDATION_COLOR, Legend.SQUARES),
            ]
        )
        self.metric_plot = plot_widget(
            palette, "Accuracy", "accuracy", grid=False, legend=False, timed=True
        )
        self.rate = plot_widget(
            palette, "Learning rate", "learning rate", grid=False, legend=False, timed=True
        )
        # Rates span orders of magnitude (1e-3 would sit on a linear axis' zero line).
        self.rate.getPlotItem().setLogMode(y=True)
        self.rate.getPlotItem().getAxis("left").setStyle(maxTickLevel=0)  # no crowded minors
        self.rate.setMaximumHeight(170)
        # Small enough minimums that the Training tab (status, result, three plots, log) fits
        # a 1280x800 window: the window's minimum height is its tallest tab's.
        for widget, least in ((self.loss, 100), (self.metric_plot, 100), (self.rate, 90)):
            widget.setMinimumHeight(least)
        # The three share their epoch axis: it is named once, under the last; the rate's plot,
        # the smallest, says what it is on its axis rather than in a title.
        for widget in (self.loss, self.metric_plot):
            widget.getPlotItem().setLabel("bottom", "")
        self.rate.getPlotItem().setTitle(None)
        self.rate.getPlotItem().setLabel("left", "rate")
        faint = pg.mkPen(theme.tinted(QColor(TRAIN_COLOR), 70), width=1)
        self.curves = {}
        for name, widget in (("loss", self.loss), ("metric", self.metric_plot)):
            item = widget.getPlotItem()
            item.setClipToView(True)
            item.setDownsampling(auto=True, mode="peak")  # thousands of batches stay cheap
            self.curves[f"{name}_batch"] = item.plot(
                pen=faint, name="training, per batch", antialias=False
            )
            self.curves[f"{name}_smooth"] = item.plot(
                pen=pg.mkPen(TRAIN_COLOR, width=2), name="training, smoothed"
            )
            self.curves[f"{name}_epoch"] = item.plot(
                pen=None,
                symbol="o",
                symbolSize=6,
                symbolBrush=TRAIN_COLOR,
                name="training, per epoch",
            )
            self.curves[f"{name}_val"] = item.plot(
                pen=pg.mkPen(VALIDATION_COLOR, width=2),
                symbol="s",
                symbolSize=6,
                symbolBrush=VALIDATION_COLOR,
                name="validation",
            )
        self.curves["rate"] = self.rate.getPlotItem().plot(
            pen=pg.mkPen("#888888", width=2), stepMode=None
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.loss, 3)
        layout.addWidget(self.metric_plot, 3)
        layout.addWidget(self.rate, 2)
        self._dirty: set[str] = set()
        self._turn = 0
        # One plot per tick, in turn: each event-loop pass paints one plot, not three.
        self._timer = QTimer(self)
        self.redraw_interval = REDRAW_INTERVAL
        self._timer.setInterval(REDRAW_INTERVAL // 2)
        self._timer.timeout.connect(self._draw_next)
        self._draw_seconds = 0.0
        # The plots' y ranges, fitted by steps (nice_range, decades for the rate) unless the person
        # zoomed or panned a plot, or asked pyqtgraph to fit it (its "A" button).
        for name in ("loss", "metric", "rate"):
            self._view(name).sigRangeChangedManually.connect(
                lambda *_, name=name: self._user_ranged.add(name)
            )
        self._user_ranged: set[str] = set()
        self.clock = time.perf_counter  # wall time, for pacing
        self._paced = (self.clock(), 0.0)  # when, and what drawing had cost by then
        self.reset()

    def reset(
        self,
        metric: str = "accuracy",
        steps_per_epoch: int = 1,
        keep: bool = False,
        epochs: int | None = None,
    ) -> None:
        """Start new curves (or, to continue training, keep the old ones). With the run's
        ``epochs``, the epoch axis spans the whole run from the start: it does not change
        (and repaint) as the curves grow."""
        self.set_metric(metric)
        self.steps = max(1, steps_per_epoch)
        for widget in (self.loss, self.metric_plot, self.rate):
            if epochs:
                widget.getPlotItem().setXRange(0, epochs, padding=0.02)
            else:
                widget.getPlotItem().enableAutoRange(x=True)
        if keep:
            return
        self.data = {key: ([], []) for key in self.curves}
        self._smooth = {"loss": None, "metric": None}
        self._bounds: dict[str, tuple[float, float]] = {}
        self._y_ranges: dict[str, tuple[float, float]] = {}
        self._user_ranged.clear()
        for name in ("loss", "metric", "rate"):
            self._view(name).enableAutoRange(y=False)
        # Nothing drawn yet: nothing of the previous run's ranges either.
        for name in ("loss", "metric"):
            self._view(name).setYRange(0, 1, padding=0.02)
        # Until a rate arrives, whole decades (an empty log axis is labelled 2, 3, ... 8).
        self._view("rate").setYRange(-4, -1, padding=0.02)
        self._dirty.clear()
        for curve in self.curves.values():
            curve.setData([], [])

    def set_metric(self, metric: str) -> None:
        """Name the second plot for the task's metric: accuracy for classes, mean absolute
        error for numbers (a regression's plots never say "Accuracy")."""
        self.metric_name = metric
        title = "Mean absolute error" if metric == "mae" else metric.capitalize()
        self.metric_plot.getPlotItem().setTitle(title)
        self.metric_plot.getPlotItem().setLabel("left", metric)

    def _append(self, key: str, x: float, y: float) -> None:
        if y is None or not math.isfinite(y):
            return
        xs, ys = self.data[key]
        xs.append(x)
        ys.append(y)
        plot = key.split("_")[0]
        low, high = self._bounds.get(plot, (y, y))
        self._bounds[plot] = (min(low, y), max(high, y))

    def _add_batch(self, name: str, x: float, value: float) -> None:
        self._append(f"{name}_batch", x, value)
        previous = self._smooth[name]
        smooth = value if previous is None else previous + SMOOTHING * (value - previous)
        self._smooth[name] = smooth
        self._append(f"{name}_smooth", x, smooth)

    def add_batches(self, batches: Sequence[tuple[int, int, dict]]) -> None:
        for epoch, step, logs in batches:
            x = epoch + (step + 1) / self.steps
            for name, key in (("loss", "loss"), ("metric", self.metric_name)):
                value = logs.get(key)
                if value is not None:
                    self._add_batch(name, x, value)
        self._redraw("loss_batch", "loss_smooth", "metric_batch", "metric_smooth")

    def show_run(self, run) -> None:
        """A recorded run's curves as they were when it ended (a reopened project's last run):
        its epochs, and its loss per batch (thinned) spread over them."""
        history = run.history
        metric = next((m for m in ("accuracy", "mae") if m in history), "accuracy")
        rows = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
        first = run.first_epoch - 1
        self.reset(metric, epochs=first + rows or None)
        for i in range(rows):
            self.add_epoch(first + i, {k: v[i] for k, v in history.items() if i < len(v)})
        losses = run.batch_losses
        for j, value in enumerate(losses):
            self._add_batch("loss", first + rows * (j + 1) / len(losses), value)
        self._redraw("loss_batch", "loss_smooth")
        self.flush()

    def add_epoch(self, epoch: int, logs: dict) -> None:
        x = epoch + 1
        self._append("loss_epoch", x, logs.get("loss"))
        self._append("loss_val", x, logs.get("val_loss"))
        self._append("metric_epoch", x, logs.get(self.metric_name))
        self._append("metric_val", x, logs.get(f"val_{self.metric_name}"))
        self._append("rate", x, logs.get("learning_rate"))
        self._redraw("loss_epoch", "loss_val", "metric_epoch", "metric_val", "rate")

    def _redraw(self, *keys: str) -> None:
        self._dirty.update(keys)
        if not self._timer.isActive():
            self._timer.start()

    def _view(self, plot: str):
        widget = {"loss": self.loss, "metric": self.metric_plot, "rate": self.rate}[plot]
        return widget.getPlotItem().getViewBox()

    def _fit_y(self, plot: str) -> None:
        """Set the plot's y range to the nice range around its data, if that changed."""
        view = self._view(plot)
        if plot in self._user_ranged or plot not in self._bounds or view.autoRangeEnabled()[1]:
            return
        low, high = self._bounds[plot]
        if plot != "rate":
            wanted = nice_range(low, high)
        elif low > 0:  # on a log axis, whole decades with one to spare each side (a range
            # within one decade is labelled at every 0.0001, overlapping)
            wanted = (math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)
        else:
            return
        if wanted != self._y_ranges.get(plot):
            self._y_ranges[plot] = wanted
            view.setYRange(*wanted, padding=0.02)

    def _draw(self, keys) -> None:
        start = time.thread_time()
        for key in keys:
            self.curves[key].setData(*self.data[key])
        for plot in {key.split("_")[0] for key in keys}:
            self._fit_y(plot)
        self._draw_seconds += time.thread_time() - start
        self._dirty.difference_update(keys)
        if not self._dirty:
            self._timer.stop()
        self._pace()

    def drawing_seconds(self) -> float:
        """CPU seconds spent updating and painting the plots so far."""
        widgets = (self.loss, self.metric_plot, self.rate)
        return self._draw_seconds + sum(w.paint_seconds for w in widgets)

    def _pace(self) -> None:
        """Every PACE_EVERY seconds, fit the redraw interval to the drawing budget."""
        now = self.clock()
        since, cost_then = self._paced
        if now - since < PACE_EVERY:
            return
        cost = self.drawing_seconds()
        self._paced = (now, cost)
        self.redraw_interval = next_redraw_interval(
            self.redraw_interval, cost - cost_then, now - since
        )
        self._timer.setInterval(self.redraw_interval // 2)

    def _draw_next(self) -> None:
        """Draw the next plot (loss, metric, rate, in turn) that has new data."""
        for _ in range(3):
            self._turn = (self._turn + 1) % 3
            prefix = ("loss_", "metric_", "rate")[self._turn]
            keys = [key for key in self._dirty if key.startswith(prefix)]
            if keys:
                self._draw(keys)
                return
        self._timer.stop()

    def flush(self) -> None:
        """Draw everything that has arrived, now."""
        self._draw(list(self._dirty))


class RunsPlot(QWidget):
    """One curve per selected run, for the chosen metric (per epoch)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.widget = plot_widget(self.palette(), "Runs", "")
        self.legend = Legend()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.widget)
        self.curves = []

    def show_runs(self, runs, metric: str) -> None:
        pg = pyqtgraph()
        item = self.widget.getPlotItem()
        item.clear()
        item.setTitle(metric.replace("_", " "))
        self.curves = []
        self.legend.set_entries(
            [
                (f"run {run.id}", RUN_COLORS[i % len(RUN_COLORS)], Legend.LINE)
                for i, run in enumerate(runs)
            ]
        )
        for i, run in enumerate(runs):
            values = run.history.get(metric, [])
            color = RUN_COLORS[i % len(RUN_COLORS)]
            first = run.first_epoch  # a continued run takes up where its weights had got to
            self.curves.append(
                item.plot(
                    list(range(first, first + len(values))),
                    values,
                    pen=pg.mkPen(color, width=2),
                    symbol="o",
                    symbolSize=5,
                    symbolBrush=color,
                    name=f"run {run.id}",
                )
            )


def save_png(widgets, path, width: int = 1200) -> None:
    """Plots (pyqtgraph PlotWidgets) one under the other in a PNG file, each rendered by
    pyqtgraph's ImageExporter at ``width`` pixels (sharper than a screenshot of the window).
    Raises OSError if the file cannot be written."""
    import pyqtgraph.exporters as exporters
    from PySide6.QtGui import QImage, QPainter

    images = []
    for widget in widgets:
        exporter = exporters.ImageExporter(widget.getPlotItem())
        exporter.parameters()["width"] = width
        images.append(exporter.export(toBytes=True))
    height = sum(image.height() for image in images)
    sheet = QImage(width, max(height, 1), QImage.Format.Format_ARGB32)
    sheet.fill(widgets[0].backgroundBrush().color() if widgets else QColor("white"))
    painter = QPainter(sheet)
    top = 0
    for image in images:
        painter.drawImage(0, top, image)
        top += image.height()
    painter.end()
    if not sheet.save(str(path), "PNG"):
        raise OSError(f"{path} could not be written (is the folder writable?)")


def weights_text(weights: Sequence[np.ndarray], limit: int = 20) -> str:
    """A small model's learned weights as Keras' get_weights lists them (article 000 reads
    2x + 1 in them); only their count for a model with more than ``limit``."""
    total = sum(np.size(w) for w in weights)
    if not weights:
        return ""
    if total > limit:
        return f"{total:,} learned weights."
    shown = "; ".join(np.array2string(np.asarray(w), precision=5) for w in weights)
    return f"Learned weights (Keras' get_weights): {shown}"


class PredictionPlots(QWidget):
    """A regression of many inputs (a table's rows): each answer against the truth, on the
    diagonal where it is right, and the residuals (answer - truth), which show whether the
    model is off more for some values than others."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.scatter = plot_widget(self.palette(), "Predicted against true", "predicted", "true")
        self.scatter.setToolTip(
            "One dot per test row: on the dashed diagonal the answer is exactly right; above "
            "it the model answers too much, below too little"
        )
        self.residuals = plot_widget(self.palette(), "Residuals", "predicted - true", "true")
        self.residuals.setToolTip(
            "How far each answer is off: spread evenly around 0 the model's error does not "
            "depend on the value; a slope or a funnel says it does (more data, features or a "
            "larger model may help)"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scatter)
        layout.addWidget(self.residuals)

    def show_predictions(self, y_true, y_pred) -> None:
        pg = pyqtgraph()
        truth, answers = np.ravel(y_true).astype(float), np.ravel(y_pred).astype(float)
        dots = {"pen": None, "symbol": "o", "symbolSize": 5, "symbolBrush": RUN_COLORS[0]}
        item = self.scatter.getPlotItem()
        item.clear()
        if len(truth):
            low = float(min(truth.min(), answers.min()))
            high = float(max(truth.max(), answers.max()))
            item.plot(
                [low, high], [low, high],
                pen=pg.mkPen(RUN_COLORS[2], width=2, style=Qt.PenStyle.DashLine),
            )  # fmt: skip
        item.plot(truth, answers, **dots)
        item = self.residuals.getPlotItem()
        item.clear()
        item.addLine(y=0, pen=pg.mkPen(RUN_COLORS[2], width=2, style=Qt.PenStyle.DashLine))
        item.plot(truth, answers - truth, **dots)


class FunctionPlot(QWidget):
    """A regression of one x: the data as dots, the model's answers as a line, and (once
    ``mark`` is called) the point just asked."""

    def __init__(self, title: str = "The learned function", parent=None) -> None:
        super().__init__(parent)
        self.widget = plot_widget(self.palette(), title, "y", "x")
        self.legend = Legend()
        self.widget.setToolTip(
            "The data the model learned from (dots), its answers (line) and, for a function "
            "you typed, the true f(x) without noise (dashed)"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.widget)
        self._marker = None

    def show_function(self, x, y, model_x, model_y, truth=None) -> None:
        """The data as dots, the model's answers as a line and, if given, the true function
        ``truth = (x, f(x))`` as a dashed line under it."""
        pg = pyqtgraph()
        item = self.widget.getPlotItem()
        item.clear()
        self._marker = None
        entries = [("data", RUN_COLORS[0], Legend.DOTS), ("the model", RUN_COLORS[1], Legend.LINE)]
        if truth is not None:
            entries.append(("true f(x)", RUN_COLORS[2], Legend.DASHED))
        self.legend.set_entries(entries)
        if truth is not None:
            item.plot(
                np.ravel(truth[0]),
                np.ravel(truth[1]),
                pen=pg.mkPen(RUN_COLORS[2], width=2, style=Qt.PenStyle.DashLine),
                name="true f(x)",
            )
        order = np.argsort(np.ravel(x))
        item.plot(
            np.ravel(x)[order],
            np.ravel(y)[order],
            pen=None,
            symbol="o",
            symbolSize=4,
            symbolBrush=RUN_COLORS[0],
            name="data",
        )
        order = np.argsort(np.ravel(model_x))
        item.plot(
            np.ravel(model_x)[order],
            np.ravel(model_y)[order],
            pen=pg.mkPen(RUN_COLORS[1], width=3),
            name="the model",
        )

    def mark(self, x: float, y: float) -> None:
        """Show the point (x, the model's y) just asked."""
        if self._marker is None:
            self._marker = self.widget.getPlotItem().plot(
                [x], [y], pen=None, symbol="x", symbolSize=14, symbolBrush=RUN_COLORS[3],
                symbolPen=RUN_COLORS[3], name="asked",
            )  # fmt: skip
            if not any(name == "asked" for name, _, _ in self.legend.entries):
                self.legend.set_entries([*self.legend.entries, ("asked", RUN_COLORS[3], "✕")])
        else:
            self._marker.setData([x], [y])
