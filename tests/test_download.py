"""download(): a local HTTP server stands in for the mirrors, with small fake files whose
checksums are patched in. What matters: a verified file or no file, never a half one."""

from __future__ import annotations

import gzip
import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from digitpad.datasets import download as dl
from digitpad.datasets import sources
from digitpad.datasets.idx import DatasetError, write_idx


class Mirror(ThreadingHTTPServer):
    """Serves ``files`` by name; ``behaviour[name]`` makes one misbehave ("stall": answer
    only once ``released`` is set, at the end of the test)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), MirrorHandler)
        self.files: dict[str, bytes] = {}
        self.behaviour: dict[str, str] = {}
        self.requests: list[str] = []
        self.released = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/data"


class MirrorHandler(BaseHTTPRequestHandler):
    server: Mirror

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        name = self.path.removeprefix("/data/")
        self.server.requests.append(name)
        body, behaviour = self.server.files.get(name), self.server.behaviour.get(name, "")
        if body is None:
            self.send_error(404, "Not Found")
            return
        if behaviour == "stall":
            self.server.released.wait(timeout=60)
        try:
            self.send_response(200)
            if behaviour != "no-length":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if behaviour == "drop" else body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, cancel): nothing to tell it

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    server = Mirror()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


def idx_bytes(array: np.ndarray, tmp: Path) -> bytes:
    write_idx(tmp / "scratch", array, compress=False)
    return (tmp / "scratch").read_bytes()


@pytest.fixture
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where fake files are made, apart from the folders the tests download into."""
    return tmp_path_factory.mktemp("scratch")


def fake_mnist(tmp: Path) -> dict[str, bytes]:
    """The four MNIST files, tiny; images random so that one is bigger than a chunk."""
    rng = np.random.default_rng(3)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (100, 28, 28), dtype=np.uint8),
              "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 100, dtype=np.uint8),
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (7, 28, 28), dtype=np.uint8),
              "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 7, dtype=np.uint8)}
    return {name: idx_bytes(array, tmp) for name, array in arrays.items()}


@pytest.fixture
def mnist_mirror(mirror: Mirror, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Mirror:
    raw = fake_mnist(scratch)
    mirror.files = {name: gzip.compress(data, mtime=0) for name, data in raw.items()}
    monkeypatch.setattr(dl, "MNIST_SHA256", {n: hashlib.sha256(d).hexdigest() for n, d in raw.items()})
    return mirror


def fake_emnist_zip(tmp: Path, members: dict[str, bytes] | None = None) -> bytes:
    rng = np.random.default_rng(5)
    if members is None:
        members = {}
        for split, n in (("train", 9), ("test", 4)):
            images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            labels = rng.integers(0, 10, n, dtype=np.uint8)
            members[f"gzip/emnist-digits-{split}-images-idx3-ubyte.gz"] = gzip.compress(
                idx_bytes(images, tmp))
            members[f"gzip/emnist-digits-{split}-labels-idx1-ubyte.gz"] = gzip.compress(
                idx_bytes(labels, tmp))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_mnist_downloads_verified_and_loadable(mnist_mirror: Mirror, tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    folder = tmp_path / "data"
    paths = dl.download("mnist", folder, progress=lambda d, t: calls.append((d, t)),
                        base_url=mnist_mirror.url)
    assert paths == [folder / "mnist" / name for name in sources.MNIST_FILES.values()]
    for path in paths:
        assert path.read_bytes() == mnist_mirror.files[path.name]
    assert sorted(leftovers(folder)) == sorted(paths)  # no temporary file remains
    dataset = sources.load("mnist", folder)
    assert dataset.train_images.shape == (100, 28, 28) and len(dataset.test_labels) == 7
    # progress: each file from (0, size) up to (size, size), never going back
    sizes = [len(mnist_mirror.files[p.name]) for p in paths]
    starts = [i for i, (done, _) in enumerate(calls) if done == 0]
    assert len(starts) == 4 and max(sizes) > dl.CHUNK
    for start, end, size in zip(starts, [*starts[1:], len(calls)], sizes, strict=True):
        run = calls[start:end]
        assert all(total == size for _, total in run)
        assert [d for d, _ in run] == sorted(d for d, _ in run) and run[-1][0] == size
    assert len(calls) > 8  # the big file came in several chunks


def test_default_folder_is_the_data_folder(mnist_mirror: Mirror, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITPAD_DATA", str(tmp_path / "cache"))
    paths = dl.download("mnist", base_url=mnist_mirror.url)
    assert all(p.parent == tmp_path / "cache" / "mnist" for p in paths)


def test_checksum_mismatch_leaves_nothing(mnist_mirror: Mirror, tmp_path: Path) -> None:
    name = "train-labels-idx1-ubyte.gz"
    mnist_mirror.files[name] = gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07")
    with pytest.raises(DatasetError, match=f"{name}: checksum mismatch"):
        dl.download("mnist", tmp_path, base_url=mnist_mirror.url)
    assert leftovers(tmp_path) == [tmp_path / "mnist" / "train-images-idx3-ubyte.gz"]


@pytest.mark.parametrize(("behaviour", "message"), [("drop", "cut short"), ("missing", "HTTP 404")])
def test_broken_transfer_leaves_nothing(mnist_mirror: Mirror, tmp_path: Path,
                                        behaviour: str, message: str) -> None:
    name = "train-images-idx3-ubyte.gz"
    if behaviour == "missing":
        del mnist_mirror.files[name]
    mnist_mirror.behaviour[name] = behaviour
    with pytest.raises(DatasetError, match=message) as info:
        dl.download("mnist", tmp_path, base_url=mnist_mirror.url)
    assert name in str(info.value)
    assert leftovers(tmp_path) == []


def test_stalled_server_times_out(mnist_mirror: Mirror, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dl, "TIMEOUT_S", 0.3)
    mnist_mirror.behaviour["train-images-idx3-ubyte.gz"] = "stall"  # until the test is over
    with pytest.raises(DatasetError, match="download failed"):  # so only a timeout ends it
        dl.download("mnist", tmp_path, base_url=mnist_mirror.url)
    assert leftovers(tmp_path) == []


def test_no_server_is_a_dataset_error(tmp_path: Path) -> None:
    with Mirror() as closed:
        url = closed.url  # the port is free again once the server is closed
    with pytest.raises(DatasetError, match="download failed"):
        dl.download("mnist", tmp_path, base_url=url)
    with pytest.raises(DatasetError, match="download failed"):
        dl.download("mnist", tmp_path, base_url="gopher://nowhere/")
    assert leftovers(tmp_path) == []


def test_unknown_length_still_reports_the_end(mnist_mirror: Mirror, tmp_path: Path) -> None:
    mnist_mirror.behaviour = {name: "no-length" for name in mnist_mirror.files}
    calls: list[tuple[int, int | None]] = []
    dl.download("mnist", tmp_path, progress=lambda d, t: calls.append((d, t)),
                base_url=mnist_mirror.url)
    assert calls[0] == (0, None)
    finals = [c for c in calls if c[1] is not None]
    assert [d for d, _ in finals] == [len(b) for b in mnist_mirror.files.values()]
    assert all(d == t for d, t in finals)


def test_present_valid_files_are_not_fetched_again(mnist_mirror: Mirror, tmp_path: Path) -> None:
    first = dl.download("mnist", tmp_path, base_url=mnist_mirror.url)
    stamps = [p.stat().st_mtime_ns for p in first]
    mnist_mirror.requests.clear()
    assert dl.download("mnist", tmp_path, base_url=mnist_mirror.url) == first
    assert mnist_mirror.requests == []
    assert [p.stat().st_mtime_ns for p in first] == stamps


def test_files_found_elsewhere_count_and_damaged_ones_are_replaced(
        mnist_mirror: Mirror, tmp_path: Path) -> None:
    for name, body in mnist_mirror.files.items():  # in the data folder itself, plain IDX
        (tmp_path / name).write_bytes(gzip.decompress(body))
    damaged = tmp_path / "t10k-labels-idx1-ubyte.gz"
    damaged.write_bytes(b"\x1f\x8b broken")
    paths = dl.download("mnist", tmp_path, base_url=mnist_mirror.url)
    assert paths == [tmp_path / name for name in sources.MNIST_FILES.values()]
    assert mnist_mirror.requests == ["t10k-labels-idx1-ubyte.gz"]
    assert damaged.read_bytes() == mnist_mirror.files[damaged.name]
    assert not (tmp_path / "mnist").exists()


def test_file_url(mnist_mirror: Mirror, tmp_path: Path) -> None:
    source = tmp_path / "mirror"
    source.mkdir()
    for name, body in mnist_mirror.files.items():
        (source / name).write_bytes(body)
    paths = dl.download("mnist", tmp_path / "data", base_url=source.as_uri())
    assert [p.read_bytes() for p in paths] == [mnist_mirror.files[p.name] for p in paths]


def test_progress_callback_can_cancel(mnist_mirror: Mirror, tmp_path: Path) -> None:
    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int | None) -> None:
        if done > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        dl.download("mnist", tmp_path, progress=cancel, base_url=mnist_mirror.url)
    assert leftovers(tmp_path) == []


@pytest.fixture
def emnist_mirror(mirror: Mirror, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Mirror:
    mirror.files["gzip.zip"] = fake_emnist_zip(scratch)
    monkeypatch.setattr(dl, "EMNIST_MD5", hashlib.md5(mirror.files["gzip.zip"]).hexdigest())
    return mirror


def test_emnist_zip_downloads_and_loads(emnist_mirror: Mirror, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert dl.download("emnist", folder, base_url=emnist_mirror.url) == [
        folder / "emnist" / "gzip.zip"]
    dataset = sources.load("emnist", folder)
    assert dataset.train_images.shape == (9, 28, 28) and len(dataset.test_labels) == 4
    emnist_mirror.requests.clear()
    dl.download("emnist", folder, base_url=emnist_mirror.url)
    assert emnist_mirror.requests == []


@pytest.mark.parametrize(("zip_holds", "message"), [
    ("the digits, but md5 differs", "gzip.zip: checksum mismatch"),
    ("letters only", "no member gzip/emnist-digits"),
])
def test_wrong_emnist_zip_is_refused(emnist_mirror: Mirror, tmp_path: Path, zip_holds: str,
                                     message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dl, "EMNIST_MD5", "0" * 32)
    if zip_holds == "letters only":
        wrong = fake_emnist_zip(tmp_path, {"gzip/emnist-letters-train-images-idx3-ubyte.gz": b""})
        emnist_mirror.files["gzip.zip"] = wrong
        monkeypatch.setattr(dl, "EMNIST_MD5", hashlib.md5(wrong).hexdigest())
    with pytest.raises(DatasetError, match=message):
        dl.download("emnist", tmp_path / "data", base_url=emnist_mirror.url)
    assert leftovers(tmp_path / "data") == []


def test_unknown_dataset() -> None:
    with pytest.raises(ValueError, match="unknown dataset"):
        dl.download("cifar", Path("/nonexistent"))


def test_cli_progress_draws_one_line_per_file() -> None:
    out = io.StringIO()
    bar = dl.cli_progress("mnist", out, tty=True)
    bar(0, 2_000_000)
    for done in range(1000, 2_000_000, 1000):
        bar(done, 2_000_000)  # a burst: redrawn at most every 0.1 s
    bar(2_000_000, 2_000_000)
    bar(0, None)
    bar(5_500_000, 5_500_000)
    text = out.getvalue()
    assert text.count("\r") < 20
    lines = text.split("\n")
    assert lines[0].endswith("mnist [" + "#" * 30 + "] 100%  2.0/2.0 MB")
    assert "[" + "?" * 30 + "]  0.0 MB" in lines[1] and "5.5/5.5 MB" in lines[1]
    assert lines[2] == ""


def test_cli_progress_writes_plain_lines_when_not_a_terminal() -> None:
    """In a log every redraw would stay as one more line: a line per tenth of a file."""
    out = io.StringIO()  # not a terminal, as stderr redirected to a file is not
    bar = dl.cli_progress("mnist", out)
    bar(0, 2_000_000)
    for done in range(1000, 2_000_001, 1000):
        bar(done, 2_000_000)
    bar(0, None)
    for done in range(1_000_000, 25_000_001, 1_000_000):
        bar(done, None)
    bar(25_000_000, 25_000_000)
    text = out.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert [line.split("]")[1].split("%")[0].strip() for line in lines[:10]] == [
        str(p) for p in range(10, 101, 10)]
    assert len(lines) == 10 + 2 + 1  # then at 10 and 20 MB of a file of unknown size, and its end
    assert lines[-1].endswith("25.0/25.0 MB")


def test_full_disk_is_a_dataset_error(mnist_mirror: Mirror, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dl.os, "fsync", no_space)
    with pytest.raises(DatasetError, match="No space left"):
        dl.download("mnist", tmp_path, base_url=mnist_mirror.url)
    assert leftovers(tmp_path) == []
