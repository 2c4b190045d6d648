"""Accuracy of networks on a labelled set: overall, per digit, and the confusion matrix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from digitpad.nets import VOTE
from digitpad.nets.base import Classifier
from digitpad.reading import Reader, readings


@dataclass(frozen=True)
class Report:
    name: str
    labels: np.ndarray  # (N,) true digits
    predicted: np.ndarray  # (N,) predicted digits

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.labels == self.predicted)) if len(self.labels) else 0.0

    def per_digit(self) -> np.ndarray:
        """(10,) accuracy on each true digit (NaN where a digit is absent)."""
        confusion = self.confusion()
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diag(confusion) / confusion.sum(axis=1)

    def confusion(self) -> np.ndarray:
        """(10, 10) counts: row = true digit, column = predicted digit."""
        matrix = np.zeros((10, 10), dtype=np.int64)
        np.add.at(matrix, (self.labels, self.predicted), 1)
        return matrix

    def worst_confusions(self, count: int = 5) -> list[tuple[int, int, int]]:
        """The most frequent mistakes as (true, predicted, how many), most frequent first."""
        matrix = self.confusion()
        np.fill_diagonal(matrix, 0)
        order = np.argsort(matrix, axis=None)[::-1][:count]
        pairs = [(int(i // 10), int(i % 10), int(matrix.flat[i])) for i in order]
        return [p for p in pairs if p[2] > 0]


def evaluate(nets: Mapping[str, Classifier], x: np.ndarray, y: np.ndarray) -> dict[str, Report]:
    """A report per net, plus ``"vote"`` when there are several, each read as the app reads
    (:mod:`digitpad.reading`); every net runs once on ``x`` (N, 28, 28)."""
    per_net = Reader(nets).probabilities(x)
    names = [*per_net, VOTE] if len(per_net) > 1 else list(per_net)
    return {name: Report(name, y, np.array([r.digit for r in readings(per_net, name)], np.int64))
            for name in names}


def format_table(reports: dict[str, Report], title: str) -> str:
    head = f"{'net':<6}{'accuracy':>10}  " + " ".join(f"{d:>6}" for d in range(10))
    lines = [title, head, "-" * len(head)]
    for name, report in reports.items():
        digits = " ".join(f"{a * 100:6.2f}" if np.isfinite(a) else "     -" for a in report.per_digit())
        lines.append(f"{name:<6}{report.accuracy * 100:9.2f}%  {digits}")
    return "\n".join(lines)


def format_confusion(report: Report) -> str:
    matrix = report.confusion()
    lines = [f"confusion of {report.name} (rows: true digit, columns: predicted)",
             "     " + "".join(f"{d:>6}" for d in range(10))]
    lines += [f"{t:>4} " + "".join(f"{n:>6}" for n in row) for t, row in enumerate(matrix)]
    worst = ", ".join(f"{t}->{p} x{n}" for t, p, n in report.worst_confusions())
    lines.append(f"worst confusions: {worst or 'none'}")
    return "\n".join(lines)
