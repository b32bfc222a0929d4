"""Live training plots: data arrives as fast as training makes it, drawing is coalesced and
spread so that one event-loop pass paints one plot."""

from nnstudio.gui.plots import TrainingPlots


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
