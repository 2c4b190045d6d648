"""Train ▸ Retrain network…, end to end: a child process trains, the dialog follows it,
and the new weights are used only when accepted; nothing is ever written to weights/."""

from __future__ import annotations

import functools
import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from tkinter import ttk

import pytest

from digitpad import dirs
from digitpad.gui import estimate, theme, training
from digitpad.gui.retrain import PROGRESS_STEPS, RetrainDialog
from digitpad.gui.timing import StallMeter
from digitpad.gui.training import Command, TrainOptions
from digitpad.nets import registry

from .conftest import SHIPPED, Harness

pytestmark = pytest.mark.gui

FAKE = Path(__file__).with_name("fake_trainer.py")


def stand_in(*flags: str) -> Command:
    def command(options: TrainOptions, out: Path) -> list[str]:
        return [sys.executable, str(FAKE), options.net, "--epochs", str(options.epochs),
                "--out", str(out), *flags]
    return command


@functools.cache
def cli_can_train() -> bool:
    done = subprocess.run([sys.executable, "-m", "digitpad", "train", "--help"],
                          capture_output=True, timeout=60)
    return done.returncode == 0


def snapshot(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())}


def start(gui: Harness, command: Command | None, epochs: int = 1,
          **extra: object) -> RetrainDialog:
    gui.app.train_command = command
    dialog = gui.app.open_retrain(extra=extra or None)
    gui.pump()
    dialog.form.epochs.set(str(epochs))
    dialog.start()
    assert dialog.job is not None, dialog.message.cget("text")
    return dialog


def wait_done(gui: Harness, dialog: RetrainDialog, timeout: float) -> None:
    gui.wait_for(lambda: dialog.outcome != "", timeout, "the training to finish")


def user_files() -> list[Path]:
    folder = dirs.user_weights_dir()
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_stand_in_run_accepted(gui: Harness, random_weights: Path) -> None:
    before = snapshot(random_weights, SHIPPED)
    dialog = start(gui, stand_in("--batches", "10"), epochs=2)
    wait_done(gui, dialog, 30)
    assert dialog.outcome == "done"
    assert dialog.fraction == pytest.approx(1.0)
    assert dialog.progress.cget("value") == PROGRESS_STEPS
    assert dialog.plot.epochs == [1, 2]
    assert "43.21%" in _result_text(dialog) and "10.00%" in _result_text(dialog)
    assert dialog.job is not None
    new = dialog.job.out
    assert new.parent == dirs.user_weights_dir() and new.is_file()
    dialog.accept()
    gui.pump()
    assert registry.chosen_path("B1") == new.resolve()
    assert gui.app.predictor.nets["B1"].meta["path"] == str(new.resolve())
    assert gui.app.predictor.test_accuracy("B1") == pytest.approx(0.4321)
    assert snapshot(random_weights, SHIPPED) == before
    restarted = registry.load("B1")  # the choice survives a restart
    assert restarted.meta["test_accuracy"] == pytest.approx(0.4321)


def test_stand_in_run_rejected(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "5"))
    wait_done(gui, dialog, 30)
    assert dialog.job is not None
    new = dialog.job.out
    assert new.is_file()
    dialog.reject()
    assert not new.exists()
    assert registry.chosen_path("B1") is None
    assert gui.app.predictor.test_accuracy("B1") == pytest.approx(0.10)


@pytest.fixture
def no_kill(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel never falls back to killing the child, however slow the machine: a run that
    ends was ended by the child itself, on being asked (see :func:`stopped_itself`)."""
    monkeypatch.setattr(training, "KILL_AFTER_MS", 3_600_000)


def stopped_itself(dialog: RetrainDialog) -> bool:
    """The child ended on being asked (SIGTERM: exit 130), not killed. How soon is
    measured by ``benchmarks/gui_latency.py``, not here."""
    assert dialog.job is not None and dialog.job._process is not None
    return dialog.job._process.process.returncode == 130


def test_cancel_ends_the_run_and_keeps_the_old_weights(gui: Harness, no_kill: None) -> None:
    dialog = start(gui, stand_in("--batches", "10000", "--delay", "0.05"), epochs=3)
    gui.wait_for(lambda: dialog.fraction > 0, 20, "the first batch")
    dialog.cancel()
    wait_done(gui, dialog, 60)  # a guard against hanging; the run itself would take 25 min
    assert dialog.outcome == "cancelled" and stopped_itself(dialog)
    assert user_files() == []
    assert registry.chosen_path("B1") is None
    assert "previous weights are kept" in str(dialog.message.cget("text"))


def answering(dialog: RetrainDialog, *answers: bool) -> list[str]:
    """The user answers the dialog's questions with ``answers``; returns the questions."""
    asked: list[str] = []
    replies = list(answers)

    def ask(title: str, question: str) -> bool:
        asked.append(f"{title} {question}")
        return replies.pop(0)

    dialog.ask = ask
    return asked


@pytest.mark.parametrize("how", ["Close", "Escape", "window"])
def test_closing_the_dialog_asks_then_cancels_the_run(gui: Harness, how: str) -> None:
    dialog = start(gui, stand_in("--batches", "10000", "--delay", "0.05"))
    job = dialog.job
    assert job is not None
    gui.wait_for(lambda: dialog.fraction > 0, 20, "the first batch")
    asked = answering(dialog, False, True)

    def close() -> None:
        if how == "Close":
            dialog.close_button.invoke()
        elif how == "Escape":  # the pad's Clear key: easily pressed by habit
            dialog.focus_force()
            dialog.event_generate("<KeyPress-Escape>")
        else:
            dialog.tk.call(dialog.protocol("WM_DELETE_WINDOW"))
        gui.pump()

    close()  # the user says no: the run goes on
    assert len(asked) == 1 and "still training" in asked[0]
    assert dialog.winfo_exists() and job.running
    gui.wait_for(lambda: dialog.fraction > 0.0005, 20, "more batches")
    close()  # yes
    assert len(asked) == 2 and not dialog.winfo_exists()
    gui.wait_for(lambda: job.outcome != "", 10, "the run to stop")
    assert job.outcome == "cancelled" and user_files() == []


def test_closing_before_the_new_weights_are_kept_or_refused_asks(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "5"))
    wait_done(gui, dialog, 30)
    assert dialog.job is not None
    new = dialog.job.out
    asked = answering(dialog, False, True)
    dialog.close_button.invoke()
    assert dialog.winfo_exists() and new.is_file() and "Discard" in asked[0]
    dialog.close_button.invoke()
    assert not dialog.winfo_exists() and not new.exists() and dialog.outcome == "rejected"


def test_closing_an_idle_dialog_asks_nothing(gui: Harness) -> None:
    dialog = gui.app.open_retrain()
    asked = answering(dialog)
    dialog.close_button.invoke()
    assert asked == [] and not dialog.winfo_exists()


def test_after_cancel_the_progress_bar_is_empty(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "40", "--delay", "0.05"))
    gui.wait_for(lambda: dialog.fraction > 0.2, 20, "some batches")
    assert float(dialog.progress.cget("value")) > 0
    dialog.cancel_button.invoke()
    wait_done(gui, dialog, 10)
    assert dialog.outcome == "cancelled"
    assert float(dialog.progress.cget("value")) == 0 and dialog.fraction == 0
    assert str(dialog.step_label.cget("text")) == "Cancelled"
    assert dialog.start_button.instate(["!disabled"]) and dialog.cancel_button.instate(["disabled"])


def test_a_failed_run_leaves_the_progress_bar_empty(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "3", "--fail", "no"))
    wait_done(gui, dialog, 30)
    assert dialog.outcome == "error" and float(dialog.progress.cget("value")) == 0


def test_switching_net_clears_the_last_runs_plot(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "5"), epochs=2)
    wait_done(gui, dialog, 30)
    assert dialog.plot.epochs == [1, 2]
    assert dialog.form.net.get() == "B1"
    dialog.form.net.set("B2")  # the form is off until the new weights are kept or refused
    assert dialog.plot.epochs == [1, 2]
    dialog.reject()
    dialog.form.net.set("B3")
    gui.pump()
    assert dialog.plot.epochs == [] and len(dialog.plot.train_line.get_xdata()) == 0
    assert float(dialog.progress.cget("value")) == 0
    assert str(dialog.step_label.cget("text")) == "Not started"


def test_one_record_of_the_runs_outcome(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "5"))
    assert dialog.outcome == "" and dialog.job is not None and dialog.job.running
    wait_done(gui, dialog, 30)
    assert dialog.outcome == dialog.job.outcome == "done"
    dialog.accept()
    assert dialog.outcome == dialog.job.outcome == "accepted"
    assert dialog.start_button.instate(["!disabled"])


def test_start_is_grey_while_it_cannot_be_pressed(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "10000", "--delay", "0.05"))
    assert dialog.start_button.instate(["disabled"])
    style = ttk.Style(dialog)
    for option in ("background", "lightcolor", "darkcolor"):
        disabled = style.lookup("Accent.TButton", option, ["disabled"])
        assert disabled == style.lookup("TButton", option, ["disabled"]) == theme.BG, option
    assert style.lookup("Accent.TButton", "foreground", ["disabled"]) == theme.HINT
    dialog.cancel()
    wait_done(gui, dialog, 10)


def test_the_dialog_says_what_the_net_needs_and_how_long_it_takes(gui: Harness) -> None:
    dialog = gui.app.open_retrain()
    gui.pump()
    text = str(dialog.needs.cget("text"))
    assert "B1 trains with numpy" in text and "estimate" in text and "epochs" in text
    dialog.form.net.set("K1")
    text = str(dialog.needs.cget("text"))
    assert "TensorFlow" in text and ("GPU" in text or "not installed" in text)
    before = str(dialog.needs.cget("text"))
    dialog.form.epochs.set("3")
    assert str(dialog.needs.cget("text")) != before or "not installed" in before


@pytest.mark.parametrize(("machine", "says"), [
    (estimate.Machine(tensorflow=False, cuda_build=False, gpu=False), "not installed"),
    (estimate.Machine(tensorflow=True, cuda_build=False, gpu=False), "no GPU"),
    (estimate.Machine(tensorflow=True, cuda_build=False, gpu=True), "cannot use it"),
    (estimate.Machine(tensorflow=True, cuda_build=True, gpu=True), "GPU was found, which it uses"),
])
def test_what_k1_needs(machine: estimate.Machine, says: str) -> None:
    assert says in estimate.describe(estimate.Plan("K1", epochs=10), machine)


def test_estimates_follow_the_measured_times() -> None:
    cpu = estimate.Machine(tensorflow=True, cuda_build=False, gpu=False)
    gpu = estimate.Machine(tensorflow=True, cuda_build=True, gpu=True)
    k1 = estimate.Plan("K1", epochs=30)
    assert estimate.seconds(k1, cpu) > 30 * 60  # half an hour and more on 2 CPU cores
    assert estimate.seconds(k1, gpu) < 5 * 60
    b1 = estimate.Plan("B1", epochs=30)
    assert estimate.seconds(b1, cpu) < 2 * 60
    assert estimate.seconds(estimate.Plan("B1", epochs=30, teacher=True), cpu) > \
        estimate.seconds(b1, cpu) + 60
    assert estimate.seconds(estimate.Plan("B1", epochs=30, limit=5500), cpu) < \
        estimate.seconds(b1, cpu)
    assert estimate.duration(30) == "under a minute" and estimate.duration(3700) == "about 1 h 02 min"


def test_quitting_the_app_stops_the_run(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "10000", "--delay", "0.05"))
    job = dialog.job
    assert job is not None and job._process is not None
    gui.wait_for(lambda: dialog.fraction > 0, 20, "the first batch")
    gui.app.quit()
    assert job._process.process.poll() is not None
    assert user_files() == []


def test_a_failed_run_says_why(gui: Harness) -> None:
    dialog = start(gui, stand_in("--batches", "3", "--fail", "the data is damaged"))
    wait_done(gui, dialog, 30)
    assert dialog.outcome == "error"
    assert "the data is damaged" in str(dialog.message.cget("text"))
    assert user_files() == []
    assert dialog.start_button.instate(["!disabled"])


def test_drawing_and_predicting_go_on_while_training(gui: Harness, tmp_path: Path) -> None:
    """While the child trains (held after its first batch until told to go on), the pad
    draws and reads and Tk's timers keep running. How long the event loop may stall is
    measured by ``benchmarks/gui_latency.py``, not here."""
    go_on = tmp_path / "go-on"
    dialog = start(gui, stand_in("--batches", "60", "--delay", "0.001", "--hold", str(go_on)))
    meter = StallMeter(gui.root)
    meter.start()
    gui.wait_for(lambda: dialog.fraction > 0, 20, "the first batch")
    gui.stroke([(140.0, float(y)) for y in range(50, 236, 5)])
    assert gui.app.prediction is not None
    ticks = meter.count
    gui.wait_for(lambda: meter.count >= ticks + 5, 20, "the event loop's timer")
    assert dialog.outcome == "" and dialog.job is not None and dialog.job.running
    go_on.touch()
    wait_done(gui, dialog, 60)
    meter.stop()
    assert dialog.outcome == "done"
    dialog.reject()


def test_form_refuses_bad_values(gui: Harness) -> None:
    dialog = gui.app.open_retrain()
    dialog.form.toggle_advanced()
    dialog.form.learning_rate.set("fast")
    dialog.start()
    assert dialog.job is None
    assert "learning rate" in str(dialog.message.cget("text"))
    dialog.form.learning_rate.set("0.01")
    dialog.form.epochs.set("0")
    dialog.start()
    assert dialog.job is None and "epochs" in str(dialog.message.cget("text"))


def test_learning_from_k1_is_offered_to_the_numpy_nets_only(gui: Harness, tmp_path: Path) -> None:
    dialog = gui.app.open_retrain()
    form = dialog.form
    form.toggle_advanced()
    gui.pump()
    assert form.teacher_check.winfo_ismapped() and form.teacher_check.instate(["!disabled"])
    assert form.options().teacher is None
    form.teacher_check.invoke()
    argv = form.options().argv(tmp_path / "out.npz")
    assert argv[argv.index("--teacher") + 1] == "K1" and argv[argv.index("--teacher-weight") + 1] == "0.8"
    form.net.set("K1")
    gui.pump()
    assert form.teacher_check.instate(["disabled"]) and form.options().teacher is None
    form.net.set("B3")
    form.set_enabled(False)
    assert form.teacher_check.instate(["disabled"])
    form.set_enabled(True)
    assert form.teacher_check.instate(["!disabled"]) and form.options().teacher == "K1"


def test_missing_data_is_greyed_out_with_the_reason(gui: Harness, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITPAD_DATA", str(tmp_path / "no-data"))
    dialog = gui.app.open_retrain()
    for name in ("mnist", "emnist"):
        assert dialog.form.data_buttons[name].instate(["disabled"])
        assert "not found" in dialog.form.reasons[name]
    dialog.start()
    assert dialog.job is None and "not found" in str(dialog.message.cget("text"))


@pytest.mark.slow
def test_real_training_end_to_end(gui: Harness, random_weights: Path, mnist_available: Path) -> None:
    if not cli_can_train():
        pytest.skip("'digitpad train' is not available yet")
    before = snapshot(random_weights, SHIPPED)
    dialog = start(gui, None, epochs=1, limit=1200, test_limit=500)
    wait_done(gui, dialog, 180)
    assert dialog.outcome == "done", dialog.message.cget("text")
    assert dialog.fraction == pytest.approx(1.0)  # the last batch reported
    assert dialog.progress.cget("value") == PROGRESS_STEPS
    assert dialog.plot.epochs == [1]
    assert dialog.job is not None
    new = dialog.job.out
    dialog.accept()
    gui.pump()
    assert gui.app.predictor.nets["B1"].meta["path"] == str(new.resolve())
    assert snapshot(random_weights, SHIPPED) == before


@pytest.mark.slow
def test_real_training_cancelled(gui: Harness, mnist_available: Path, no_kill: None) -> None:
    if not cli_can_train():
        pytest.skip("'digitpad train' is not available yet")
    dialog = start(gui, None, epochs=5, limit=20000, test_limit=500)
    gui.wait_for(lambda: dialog.fraction > 0, 120, "the first batch")
    dialog.cancel()
    wait_done(gui, dialog, 60)  # a guard against hanging; how soon: benchmarks/gui_latency.py
    assert dialog.outcome == "cancelled" and stopped_itself(dialog)
    assert user_files() == [] and registry.chosen_path("B1") is None


def _result_text(dialog: RetrainDialog) -> str:
    return " ".join(str(w.cget("text")) for w in _walk(dialog.result) if "text" in w.keys())


def _walk(widget: object) -> list:  # type: ignore[type-arg]
    children = widget.winfo_children()  # type: ignore[attr-defined]
    return [*children, *[g for c in children for g in _walk(c)]]


def test_the_plot_is_as_wide_as_the_dialog_asks_on_a_hidpi_screen(
        random_weights: Path, make_harness: Callable[..., Harness]) -> None:
    gui = make_harness(scaling=2 * 96 / 72)
    dialog = gui.app.open_retrain()
    gui.pump(0.1)
    assert dialog.plot.figure.dpi == pytest.approx(200, rel=0.01)  # not the pixel ratio twice
    assert abs(dialog.plot.widget.winfo_width() - 2 * 440) <= 4  # not stretched, then doubled
    assert dialog.winfo_width() < 2 * 500
