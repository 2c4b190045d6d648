"""Accuracy of networks on a labelled set: overall, per digit, and the confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.nets.base import Classifier
from digitpad.nets.vote import combine


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


def predict_in_batches(net: Classifier, x: np.ndarray, batch: int = 2000) -> np.ndarray:
    """(N, 10) probabilities of ``net`` for images (N, 28, 28)."""
    return np.concatenate([net.predict_proba(x[i:i + batch]) for i in range(0, len(x), batch)])


def evaluate(nets: dict[str, Classifier], x: np.ndarray, y: np.ndarray) -> dict[str, Report]:
    """A report per net, plus ``"vote"`` (:func:`digitpad.nets.vote.combine`) when there are several."""
    probs = {name: predict_in_batches(net, x) for name, net in nets.items()}
    if len(probs) > 1:
        probs["vote"] = combine(probs)
    return {name: Report(name, y, p.argmax(axis=1)) for name, p in probs.items()}


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
