"""Real Tk for the app's tests: an X display (a private Xvfb when there is none), the app
built in-process and pumped with ``update``, and any exception in a Tk callback turned
into a test failure (Tk itself would only print it)."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from digitpad.nets import SPECS
from digitpad.nets.mlp import MLP

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "weights"
if str(REPO) not in sys.path:  # tools/ lives beside the package, not in it
    sys.path.insert(0, str(REPO))

from tools import replay  # noqa: E402  (the stroke replay shared with benchmarks and tools)


def _display_works(display: str) -> bool:
    try:
        import tkinter

        root = tkinter.Tk(screenName=display)
        root.destroy()
        return True
    except Exception:
        return False


def _skip_or_fail(reason: str) -> None:
    """Without a display a developer's run skips the GUI tests; CI must never skip them."""
    if os.environ.get("CI"):
        pytest.fail(f"GUI tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """The X display for the tests: $DISPLAY if it works, else a private Xvfb."""
    current = os.environ.get("DISPLAY")
    if current and _display_works(current):
        yield current
        return
    if shutil.which("Xvfb") is None:
        _skip_or_fail("no X display and no Xvfb to start one (apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "2560x1600x24",
                               "-nolisten", "tcp"], pass_fds=(write_fd,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        _skip_or_fail("Xvfb did not start")
    name = f":{number}"
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = name
    yield name
    server.terminate()
    server.wait(timeout=10)
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old


class TkCallbackError(AssertionError):
    """A Tk callback raised during the test."""


class Harness:
    """The app under test, with helpers to pump Tk and to draw with generated events."""

    def __init__(self, app: object) -> None:
        from digitpad.gui.app import App

        assert isinstance(app, App)
        self.app = app
        self.root = app.root
        self.errors: list[str] = []
        self.root.report_callback_exception = self._report  # type: ignore[method-assign]

    def _report(self, kind: type[BaseException], value: BaseException, tb: object) -> None:
        self.errors.append("".join(traceback.format_exception(kind, value, tb)))  # type: ignore[arg-type]

    def check(self) -> None:
        if self.errors:
            errors, self.errors = self.errors, []
            raise TkCallbackError("a Tk callback raised:\n" + "\n".join(errors))

    def pump(self, seconds: float = 0.0) -> None:
        """Process Tk events (for ``seconds``, at least once); fail on a callback error."""
        end = time.monotonic() + seconds
        while True:
            self.root.update()
            self.check()
            if time.monotonic() >= end:
                return
            time.sleep(0.005)

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            self.pump(0.02)

    def stroke(self, points: Sequence[tuple[float, float]], release: bool = True) -> None:
        """Draw ``points`` (logical pad pixels) with generated mouse events."""
        replay.draw(self.app.pad, [points], release=release)
        self.pump()

    def key(self, keysym: str, state: int = 0) -> None:
        self.root.focus_force()
        self.root.event_generate(f"<KeyPress-{keysym}>", state=state)
        self.pump()


def save_random_nets(folder: Path, names: Sequence[str] = ("B1", "B2", "B3", "B4")) -> Path:
    """Random-weight stand-ins for the shipped nets (numpy MLPs only)."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(names):
        MLP(SPECS[name].sizes, name=name, seed=seed).save(
            folder / SPECS[name].filename, trained_on="random (test)", test_accuracy=0.1 + seed / 100)
    return folder


@pytest.fixture(scope="session")
def random_nets_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once per test process: compressing random weights takes 0.3 s, and most GUI
    tests use them. Tests that start runs check that this folder stays as it was."""
    return save_random_nets(tmp_path_factory.mktemp("shipped"))


@pytest.fixture
def random_weights(random_nets_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGITPAD_WEIGHTS", str(random_nets_folder))
    return random_nets_folder


@pytest.fixture
def real_weights(monkeypatch: pytest.MonkeyPatch) -> Path:
    assert (SHIPPED / SPECS["B1"].filename).is_file(), "the shipped weights are missing from weights/"
    monkeypatch.delenv("DIGITPAD_WEIGHTS", raising=False)
    return SHIPPED


@pytest.fixture
def make_harness(display: str) -> Iterator[Callable[..., Harness]]:
    """Builds the whole app in-process; its main loop runs once and returns at once.
    ``make(scaling=2.67)`` pretends to be a HiDPI screen (Tk's pixels per point); the
    default is a 96 dpi screen (set each time: Tk shares it between the apps of a process)."""
    made: list[Harness] = []

    def make(scaling: float = 96 / 72) -> Harness:
        import tkinter

        from digitpad.gui import build_app

        root = tkinter.Tk(className="digitpad")
        root.tk.call("tk", "scaling", scaling)
        app = build_app(root)
        harness = Harness(app)
        made.append(harness)
        app.root.after(0, app.root.quit)
        app.root.mainloop()  # returns at once: the tests drive Tk with update()
        harness.pump()
        return harness

    yield make
    for harness in made:
        errors = list(harness.errors)
        try:
            harness.app.quit()
        except Exception:  # already destroyed by the test
            pass
        if errors:
            pytest.fail("a Tk callback raised:\n" + "\n".join(errors))


@pytest.fixture(autouse=True, scope="module")
def tk_objects_die_on_the_main_thread() -> Iterator[None]:
    """Tk's images and variables must be deleted on the main thread; left to a later
    collection they may die on a worker thread of the next file's tests ("main thread is
    not in main loop", seen on a file that followed these on the same xdist worker).
    Once per file: after every test it cost 0.13 s a test."""
    yield
    gc.collect()


@pytest.fixture
def gui(random_weights: Path, make_harness: Callable[[], Harness]) -> Harness:
    """The app with random-weight B1-B4 (no K1)."""
    return make_harness()
