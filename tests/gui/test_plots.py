"""Live training plots: data arrives as fast as training makes it, drawing is coalesced and
spread so that one event-loop pass paints one plot."""

import pytest

from nnstudio.gui.plots import (
    DRAW_BUDGET,
    PACE_EVERY,
    REDRAW_INTERVAL,
    SLOWEST_REDRAW,
    TrainingPlots,
    next_redraw_interval,
    nice_range,
)


def drawn(plots, key) -> int:
    x, _ = plots.curves[key].getData()
    return 0 if x is None else len(x)


def test_batches_are_drawn_one_plot_per_pass_and_flushed_at_the_end(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.reset("accuracy", steps_per_epoch=100)
    for step in range(100):
        plots.add_batches([(0, step, {"loss": 1 / (step + 1), "accuracy": step / 100})])
    assert drawn(plots, "loss_batch") == 0  # nothing drawn per batch
    assert len(plots.data["loss_batch"][0]) == 100
    plots._draw_next()
    assert (drawn(plots, "loss_batch"), drawn(plots, "metric_batch")) in ((100, 0), (0, 100))
    plots._draw_next()
    assert drawn(plots, "loss_batch") == drawn(plots, "metric_batch") == 100
    assert not plots._timer.isActive()  # nothing left to draw

    plots.add_epoch(0, {"loss": 0.1, "accuracy": 0.9, "val_loss": 0.2, "learning_rate": 1e-3})
    qtbot.waitUntil(lambda: drawn(plots, "rate") == 1, timeout=2000)  # the timer draws it
    plots.add_batches([(1, 0, {"loss": 0.05, "accuracy": 0.95})])
    plots.flush()
    assert drawn(plots, "loss_batch") == 101
    assert drawn(plots, "loss_val") == 1
    assert drawn(plots, "metric_val") == 0  # no validation accuracy was given


def test_the_redraw_interval_keeps_drawing_within_its_budget():
    # 10% of the time spent drawing at 200 ms: three times the budget, so a third as often.
    slower = next_redraw_interval(REDRAW_INTERVAL, cost=0.1, elapsed=1.0)
    assert slower == int(REDRAW_INTERVAL * 0.1 / DRAW_BUDGET)
    assert next_redraw_interval(REDRAW_INTERVAL, cost=5.0, elapsed=1.0) == SLOWEST_REDRAW
    # Cheap again: back towards live, at most twice as fast at a time, never faster than live.
    assert next_redraw_interval(SLOWEST_REDRAW, 0.0, 1.0) == SLOWEST_REDRAW // 2
    assert next_redraw_interval(REDRAW_INTERVAL, 0.0, 1.0) == REDRAW_INTERVAL
    assert next_redraw_interval(REDRAW_INTERVAL, 0.0, 0.0) == REDRAW_INTERVAL


def test_plots_costly_to_paint_are_redrawn_less_often(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.resize(600, 700)
    plots.show()
    plots.reset("accuracy", steps_per_epoch=10)
    before = plots.drawing_seconds()
    plots.add_batches([(0, step, {"loss": 1 / (step + 1), "accuracy": 0.5}) for step in range(10)])
    plots.flush()
    qtbot.waitUntil(lambda: plots.drawing_seconds() > before, timeout=2000)  # painted, timed
    assert plots.redraw_interval == REDRAW_INTERVAL

    clock = [1000.0]
    plots.clock = lambda: clock[0]
    plots._paced = (clock[0], plots.drawing_seconds())
    plots._draw_seconds += 0.2  # a second in which drawing took a fifth of the time
    clock[0] += PACE_EVERY
    plots.add_batches([(1, 0, {"loss": 0.1, "accuracy": 0.6})])
    plots.flush()
    assert plots.redraw_interval > 3 * REDRAW_INTERVAL
    assert plots._timer.interval() == plots.redraw_interval // 2


def test_nice_ranges_move_only_when_the_data_crosses_a_step():
    assert nice_range(0.05, 2.3) == (0.0, 2.5)
    assert nice_range(0.1, 0.97) == pytest.approx((0.1, 1.0))
    assert nice_range(2.3, 2.3) == (2.0, 2.5)  # one point
    assert nice_range(1.0, 1.0) == (0.5, 1.5)  # never empty
    assert nice_range(0.0, 0.0) == (-0.5, 0.5)
    assert nice_range(-3.2, -1.1) == (-3.5, -1.0)


def test_the_y_axis_follows_the_data_in_steps_unless_the_person_zoomed(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.reset("accuracy", steps_per_epoch=10, epochs=3)
    view = plots.loss.getPlotItem().getViewBox()

    def y_range():
        low, high = view.viewRange()[1]
        return round(low, 2), round(high, 2)

    plots.add_batches([(0, s, {"loss": 2.3 - 0.2 * s, "accuracy": 0.1 * s}) for s in range(10)])
    plots.flush()
    assert y_range() == (-0.05, 2.55)  # 0 to 2.5, padded
    plots.add_batches([(1, s, {"loss": 0.3 - 0.02 * s, "accuracy": 0.9}) for s in range(10)])
    plots.flush()
    assert y_range() == (-0.05, 2.55)  # the same steps: the axis did not move
    plots.add_batches([(2, 0, {"loss": 4.2, "accuracy": 0.9})])
    plots.flush()
    assert y_range() == (-0.09, 4.59)  # 0 to 4.5

    view.sigRangeChangedManually.emit([False, True])  # the person zoomed
    view.setYRange(1, 2, padding=0)
    plots.add_batches([(2, 1, {"loss": 9.0, "accuracy": 0.9})])
    plots.flush()
    assert y_range() == (1, 2)
    plots.reset("accuracy", steps_per_epoch=10, epochs=3)  # a new training fits again
    plots.add_batches([(0, 0, {"loss": 1.0, "accuracy": 0.5})])
    plots.flush()
    assert y_range() == (0.48, 1.52)


def test_the_learning_rate_axis_spans_whole_decades(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.reset("accuracy", steps_per_epoch=1, epochs=3)
    view = plots.rate.getPlotItem().getViewBox()
    for epoch, rate in enumerate((1e-3, 1e-3, 2.5e-4)):
        plots.add_epoch(epoch, {"loss": 0.5, "learning_rate": rate})
        plots.flush()
        low, high = view.viewRange()[1]  # log10 of the rates
        assert (round(low), round(high)) == ((-4, -2) if epoch < 2 else (-5, -2))
    plots.reset("accuracy", steps_per_epoch=1, epochs=3)
    assert [round(v) for v in view.viewRange()[1]] == [-4, -1]  # empty: decades, not 2..8
