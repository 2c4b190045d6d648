"""Draw strokes on the app's pad with generated Tk mouse events, as a person's mouse would.

The one stroke-replay helper of the tests (``tests/gui/conftest.py``), the benchmarks
(``benchmarks/gui_latency.py``) and the developer tools (``tools/screenshots.py``). It is
not part of the ``digitpad`` package: the app never replays strokes, so shipping this
would be code that nothing in the product runs. Put the repository root on ``sys.path``
and ``from tools.replay import draw``.

Points are logical pad pixels (0..280, what :mod:`digitpad.gui.pad` keeps and
:func:`digitpad.preprocess.rasterize` draws), turned into screen pixels with the pad's
current ``scale``, so the same strokes land in the same place on any screen and at any
window size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from digitpad.gui.pad import DrawingPad

Stroke = Sequence[tuple[float, float]] | np.ndarray
Event = Callable[[], None]

PAD_CENTRE = 140.0  # the middle of the 280x280 logical pad
HELD = 256  # Button1Mask: the button is down while the pointer moves


def stroke_events(pad: DrawingPad, stroke: Stroke, release: bool = True) -> Iterator[Event]:
    """The mouse events of drawing one stroke, one callable each, in order: press at the
    first point, a motion to each further point, and (``release``) the button let go at
    the last. Screen positions are taken when the stroke starts."""
    canvas, scale = pad.canvas, pad.scale
    xy = [(round(float(x) * scale), round(float(y) * scale)) for x, y in stroke]

    def event(sequence: str, x: int, y: int, **state: Any) -> Event:
        return lambda: canvas.event_generate(sequence, x=x, y=y, **state)

    yield event("<ButtonPress-1>", *xy[0])
    for x, y in xy[1:]:
        yield event("<B1-Motion>", x, y, state=HELD)
    if release:
        yield event("<ButtonRelease-1>", *xy[-1], state=HELD)


def events(pad: DrawingPad, strokes: Iterable[Stroke]) -> Iterator[Event]:
    """The mouse events of drawing every stroke, one callable each (to space them out in
    time, as a benchmark does with ``after``)."""
    for stroke in strokes:
        yield from stroke_events(pad, stroke)


def draw(pad: DrawingPad, strokes: Iterable[Stroke], release: bool = True,
         after_stroke: Callable[[], None] | None = None) -> None:
    """Draw ``strokes`` at once; ``after_stroke()`` runs after each (e.g. ``root.update``).
    ``release=False`` leaves the button down at the end of the last stroke."""
    pending = list(strokes)
    for i, stroke in enumerate(pending):
        for event in stroke_events(pad, stroke, release or i < len(pending) - 1):
            event()
        if after_stroke is not None:
            after_stroke()


def fitted(strokes: Sequence[np.ndarray], side: float) -> list[np.ndarray]:
    """``strokes`` (a pen-drawn digit, any units) scaled so their longer side is ``side``
    logical pixels, centred on the pad."""
    every = np.concatenate(strokes)
    scale = side / max(float(np.ptp(every[:, 0])), float(np.ptp(every[:, 1])), 1e-3)
    centre = (every.min(axis=0) + every.max(axis=0)) / 2
    return [(s - centre) * scale + PAD_CENTRE for s in strokes]
