"""The user's own labelled drawings, kept in SQLite in the user folder.

Each row holds what is needed to learn from it and to judge the nets on it: the
strokes (JSON), the 28x28 image the nets saw (784 bytes), the true label, each net's
probabilities at the time, and when. WAL mode lets two app windows write at once;
``PRAGMA user_version`` is the schema version, and :data:`MIGRATIONS` bring an older
file up to date. A damaged file is moved aside (with a timestamp) and a fresh one
started, so the app keeps working; :attr:`DrawingStore.notice` says what happened.

An open SQLite connection goes on writing to a file that was deleted under it, and the
drawings saved then are lost when it closes. So before each read and write the store
checks that the file at its path is still the one it opened (device and inode), and
opens (or creates) the file found there if not, saying so in :attr:`DrawingStore.notice`.
Each write is one explicit transaction whose COMMIT must succeed, with the file still
in place afterwards, or it raises :class:`DrawingsError`: a save is never reported that
did not reach the file.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import dirs

log = logging.getLogger(__name__)

MIGRATIONS = [
    """CREATE TABLE drawings (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
        strokes TEXT NOT NULL,
        image BLOB NOT NULL CHECK (length(image) = 784),
        predictions TEXT NOT NULL
    )""",
]
SCHEMA_VERSION = len(MIGRATIONS)
JOURNALS = ("-wal", "-shm")  # SQLite's files beside the database in WAL mode
LOCK_WAIT_S = 2.0  # how long a write waits for another window's write to finish


class DrawingsError(RuntimeError):
    """The drawings database cannot be read or written (locked, disk full, read-only)."""


@dataclass(frozen=True)
class Drawing:
    id: int
    created: str
    label: int
    strokes: list[list[list[float]]]
    image: np.ndarray  # float32 (28, 28) in [0, 1]
    predictions: dict[str, list[float]]  # net name -> 10 probabilities

    def predicted(self, net: str) -> int | None:
        probs = self.predictions.get(net)
        return int(np.argmax(probs)) if probs else None


def default_path() -> Path:
    return dirs.user_dir() / "drawings.db"


class DrawingStore:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.notice: str | None = None
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):  # locked, read-only folder, I/O error: the file may be fine
                raise DrawingsError(f"cannot open {self.path}: {exc}") from exc
            self.db = self._start_afresh(exc)
        self._identity = self._identities()

    def take_notice(self) -> str | None:
        """What happened to the file that the user should hear about, once."""
        notice, self.notice = self.notice, None
        return notice

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=LOCK_WAIT_S, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # a commit is on disk when it returns
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DrawingsError(f"{self.path} was written by a newer digitpad (schema {version})")
        for number in range(version, SCHEMA_VERSION):
            with db:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("PRAGMA user_version").fetchone()[0] == number:  # not done by another window
                    db.execute(MIGRATIONS[number])
                    db.execute(f"PRAGMA user_version = {number + 1}")

    def _start_afresh(self, error: Exception) -> sqlite3.Connection:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", *JOURNALS):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.replace(Path(str(aside) + suffix))
        self.notice = f"Drawings file was damaged; moved aside as {aside.name}, new one started."
        log.warning(self.notice)
        return self._open()

    def _identities(self) -> tuple[tuple[int, int] | None, ...]:
        """The file's and its journals' (device, inode), as opened."""
        return tuple(_file_identity(Path(str(self.path) + suffix)) for suffix in ("", *JOURNALS))

    def _follow_file(self) -> None:
        """Open the file now at :attr:`path` if it is not the one opened (deleted, or
        replaced by another); a deleted one is created afresh."""
        if _file_identity(self.path) == self._identity[0]:
            return
        gone = not self.path.exists()
        self.db.close()  # it wrote to the old file, which nobody will read again
        for suffix, ours in zip(JOURNALS, self._identity[1:]):
            journal = Path(str(self.path) + suffix)  # the old file's journal: never replayed
            if ours is not None and _file_identity(journal) == ours:  # into the new one
                journal.unlink(missing_ok=True)
        try:
            self.db = self._open()
        except sqlite3.Error as exc:
            raise DrawingsError(f"{self.path} is gone and cannot be made again: {exc}") from exc
        self._identity = self._identities()
        self.notice = (f"{self.path.name} was deleted while digitpad ran; a new one was started "
                       "(drawings kept before are not in it)" if gone else
                       f"{self.path.name} was replaced while digitpad ran; now using the new file")
        log.warning(self.notice)

    def _write(self, sql: str, args: Sequence[object]) -> int:
        """One transaction; it has reached the file when this returns."""
        self._follow_file()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = int(self.db.execute(sql, args).lastrowid or 0)
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise DrawingsError(f"could not save to {self.path}: {exc}") from exc
        if _file_identity(self.path) != self._identity[0]:
            raise DrawingsError(f"could not save to {self.path}: the file was deleted or "
                                "replaced while saving")
        return row

    def add(self, strokes: Sequence[Sequence[Sequence[float]]], image: np.ndarray, label: int,
            predictions: Mapping[str, Sequence[float]]) -> int:
        """Store one drawing; returns its id."""
        _check_label(label)
        pixels = np.clip(np.round(np.asarray(image, np.float32).reshape(28, 28) * 255), 0, 255)
        created = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        stroke_json = json.dumps([[[round(float(v), 2) for v in p] for p in s] for s in strokes])
        preds = json.dumps({k: [round(float(v), 6) for v in p] for k, p in predictions.items()})
        return self._write("INSERT INTO drawings (created, label, strokes, image, predictions) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (created, int(label), stroke_json, pixels.astype(np.uint8).tobytes(), preds))

    def relabel(self, drawing_id: int, label: int) -> None:
        _check_label(label)
        self._write("UPDATE drawings SET label = ? WHERE id = ?", (int(label), drawing_id))

    def delete(self, drawing_id: int) -> None:
        self._write("DELETE FROM drawings WHERE id = ?", (drawing_id,))

    def _read(self, sql: str) -> list[Any]:
        self._follow_file()
        try:
            return self.db.execute(sql).fetchall()
        except sqlite3.Error as exc:
            raise DrawingsError(f"could not read {self.path}: {exc}") from exc

    def all(self) -> list[Drawing]:
        rows = self._read("SELECT id, created, label, strokes, image, predictions FROM drawings ORDER BY id")
        return [Drawing(r[0], r[1], r[2], json.loads(r[3]),
                        np.frombuffer(r[4], np.uint8).reshape(28, 28).astype(np.float32) / 255,
                        json.loads(r[5])) for r in rows]

    def __len__(self) -> int:
        return int(self._read("SELECT count(*) FROM drawings")[0][0])

    def net_scores(self) -> dict[str, tuple[int, int]]:
        """Per net: (how often it was right, on how many of your drawings)."""
        scores: dict[str, list[int]] = {}
        for drawing in self.all():
            for net in drawing.predictions:
                right_total = scores.setdefault(net, [0, 0])
                right_total[0] += drawing.predicted(net) == drawing.label
                right_total[1] += 1
        return {net: (r, t) for net, (r, t) in scores.items()}

    def training_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Images float32 (N, 28, 28) and labels int64 (N,), for training."""
        drawings = self.all()
        if not drawings:
            return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64)
        return np.stack([d.image for d in drawings]), np.array([d.label for d in drawings], np.int64)

    def export_idx(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write the drawings as MNIST-style IDX files (gzip), usable as a dataset."""
        from digitpad.datasets.idx import write_idx

        x, y = self.training_arrays()
        paths = [Path(folder) / "my-drawings-images-idx3-ubyte.gz",
                 Path(folder) / "my-drawings-labels-idx1-ubyte.gz"]
        write_idx(paths[0], np.round(x * 255).astype(np.uint8))
        write_idx(paths[1], y.astype(np.uint8))
        return paths

    def export_png(self, folder: str | os.PathLike[str]) -> list[Path]:
        """One 28x28 PNG per drawing (ink white on black, as the nets see it)."""
        from PIL import Image

        Path(folder).mkdir(parents=True, exist_ok=True)
        paths = []
        for d in self.all():
            path = Path(folder) / f"drawing-{d.id:05d}-label-{d.label}.png"
            Image.fromarray(np.round(d.image * 255).astype(np.uint8)).save(path)
            paths.append(path)
        return paths

    def close(self) -> None:
        self.db.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``, None when there is none."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether the file itself is bad (not a database, malformed, failed its check), as
    opposed to being locked or in a folder we cannot write: only damage is moved aside."""
    text = str(error).lower()
    return any(sign in text for sign in ("not a database", "malformed", "integrity check", "corrupt"))


def _check_label(label: int) -> None:
    if not isinstance(label, (int, np.integer)) or not 0 <= int(label) <= 9:
        raise ValueError(f"a label is a digit 0-9, not {label!r}")
