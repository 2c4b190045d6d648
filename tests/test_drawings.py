"""The user's drawings database: round trip, relabel, scores, export, damage and concurrency."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from digitpad.datasets.idx import read_idx
from digitpad.drawings import SCHEMA_VERSION, DrawingsError, DrawingStore

STROKES = [[[10.0, 20.0], [30.5, 40.25]], [[5.0, 5.0]]]


def image(value: float = 0.5) -> np.ndarray:
    x = np.zeros((28, 28), np.float32)
    x[5:20, 12:15] = value
    return x


def probs(digit: int) -> list[float]:
    p = [0.01] * 10
    p[digit] = 0.91
    return p


def test_round_trip_in_the_user_folder(isolated_user_dir: Path) -> None:
    store = DrawingStore()
    assert store.path.parent == isolated_user_dir
    drawing_id = store.add(STROKES, image(), 7, {"B1": probs(1), "vote": probs(7)})
    [d] = store.all()
    assert (d.id, d.label, d.strokes) == (drawing_id, 7, STROKES)
    np.testing.assert_allclose(d.image, image(), atol=1 / 255)
    assert d.predicted("B1") == 1 and d.predicted("vote") == 7 and d.predicted("K1") is None
    assert DrawingStore().all()[0].label == 7  # survives reopening


def test_relabel_delete_and_scores(tmp_path: Path) -> None:
    store = DrawingStore(tmp_path / "d.db")
    a = store.add(STROKES, image(), 1, {"B1": probs(1), "B2": probs(7)})
    b = store.add(STROKES, image(), 4, {"B1": probs(9), "B2": probs(4)})
    assert store.net_scores() == {"B1": (1, 2), "B2": (1, 2)}
    store.relabel(b, 9)
    assert store.net_scores() == {"B1": (2, 2), "B2": (0, 2)}
    store.delete(a)
    assert len(store) == 1 and store.all()[0].id == b


@pytest.mark.parametrize("label", [-1, 10, 3.5, "3"])
def test_labels_must_be_digits(tmp_path: Path, label: object) -> None:
    with pytest.raises(ValueError, match="digit"):
        DrawingStore(tmp_path / "d.db").add(STROKES, image(), label, {})  # type: ignore[arg-type]


def test_training_arrays_and_idx_export(tmp_path: Path) -> None:
    store = DrawingStore(tmp_path / "d.db")
    for label in (3, 5):
        store.add(STROKES, image(label / 10), label, {})
    x, y = store.training_arrays()
    assert x.shape == (2, 28, 28) and x.dtype == np.float32 and y.tolist() == [3, 5]
    images_path, labels_path = store.export_idx(tmp_path / "export")
    assert read_idx(images_path).shape == (2, 28, 28) and read_idx(labels_path).tolist() == [3, 5]
    pngs = store.export_png(tmp_path / "png")
    assert [p.name for p in pngs] == ["drawing-00001-label-3.png", "drawing-00002-label-5.png"]


def test_damaged_file_is_moved_aside_and_work_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "drawings.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)
    store = DrawingStore(path)
    assert store.notice and "damaged" in store.notice
    assert len(list(tmp_path.glob("drawings.db.damaged-*"))) == 1
    store.add(STROKES, image(), 2, {})
    assert len(store) == 1


def test_newer_schema_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    store = DrawingStore(path)
    store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()
    with pytest.raises(DrawingsError, match="newer"):
        DrawingStore(path)


def test_two_windows_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    stores = [DrawingStore(path), DrawingStore(path)]

    def write(store: DrawingStore, label: int) -> None:
        for _ in range(50):
            store.add(STROKES, image(), label, {"B1": probs(label)})

    threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    labels = [d.label for d in DrawingStore(path).all()]
    assert labels.count(0) == 50 and labels.count(1) == 50
    assert stores[0].db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_write_failure_is_a_clear_error_and_keeps_data(tmp_path: Path) -> None:
    store = DrawingStore(tmp_path / "d.db")
    store.add(STROKES, image(), 1, {})
    store.db.execute("PRAGMA query_only = ON")  # as a read-only folder or full disk would refuse
    with pytest.raises(DrawingsError, match="could not save"):
        store.add(STROKES, image(), 2, {})
    assert [d.label for d in store.all()] == [1]


def test_unopenable_file_is_an_error_and_is_not_moved(tmp_path: Path) -> None:
    folder_in_the_way = tmp_path / "drawings.db"
    folder_in_the_way.mkdir()
    with pytest.raises(DrawingsError, match="cannot open"):
        DrawingStore(folder_in_the_way)
    assert folder_in_the_way.is_dir() and not list(tmp_path.glob("*.damaged-*"))


def test_read_failures_are_drawings_errors(tmp_path: Path) -> None:
    store = DrawingStore(tmp_path / "d.db")
    store.db.execute("DROP TABLE drawings")
    with pytest.raises(DrawingsError, match="could not read"):
        store.all()


def test_a_deleted_file_is_made_again_said_and_written(tmp_path: Path) -> None:
    path = tmp_path / "drawings.db"
    store = DrawingStore(path)
    store.add(STROKES, image(), 1, {})
    path.unlink()  # as a user or a clean-up tool might, while the app runs
    store.add(STROKES, image(), 2, {})
    notice = store.take_notice()
    assert notice and "deleted" in notice and store.take_notice() is None
    assert [d.label for d in store.all()] == [2]
    store.close()
    assert [d.label for d in DrawingStore(path).all()] == [2]  # after a restart: there


def test_a_replaced_file_is_the_one_used(tmp_path: Path) -> None:
    path = tmp_path / "drawings.db"
    store = DrawingStore(path)
    store.add(STROKES, image(), 1, {})
    other = DrawingStore(tmp_path / "backup.db")
    other.add(STROKES, image(), 5, {})
    other.close()
    (tmp_path / "backup.db").replace(path)
    assert [d.label for d in store.all()] == [5]
    assert "replaced" in (store.take_notice() or "")


def test_a_deleted_file_that_cannot_be_made_again_fails_the_save(tmp_path: Path) -> None:
    path = tmp_path / "drawings.db"
    store = DrawingStore(path)
    path.unlink()
    path.mkdir()  # something in the way: no database can be made there
    with pytest.raises(DrawingsError, match="cannot be made again"):
        store.add(STROKES, image(), 2, {})


def test_a_commit_that_fails_is_an_error_and_keeps_nothing(tmp_path: Path) -> None:
    store = DrawingStore(tmp_path / "d.db")
    store.add(STROKES, image(), 1, {})
    # a deferred constraint is checked at COMMIT: the one statement succeeds, the commit fails
    store.db.executescript("""
        PRAGMA foreign_keys = ON;
        CREATE TABLE parent (id INTEGER PRIMARY KEY);
        CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
        CREATE TRIGGER orphan AFTER INSERT ON drawings BEGIN INSERT INTO child VALUES (99); END;
    """)
    with pytest.raises(DrawingsError, match="could not save"):
        store.add(STROKES, image(), 2, {})
    assert [d.label for d in store.all()] == [1]
    assert not store.db.in_transaction
