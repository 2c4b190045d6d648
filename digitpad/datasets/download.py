"""Fetch MNIST or EMNIST digits into the data folder, verified, never half-written.

Each file is streamed into a hidden temporary file next to its final place and moved
there (``os.replace``) only once its checksum matches, so an interrupted download or a
wrong file never leaves something the loader would try to read. Files already present
and valid are not fetched again. Only the standard library (urllib) is used.

* MNIST: the four ``.gz`` files from a mirror. Mirrors compress differently, so what
  is checked is the sha256 of the *uncompressed* IDX bytes (the table of the shared
  data README), which every faithful copy shares.
* EMNIST: NIST's ``gzip.zip`` (all splits, ~536 MB), checked by its md5 and by reading
  the four ``emnist-digits-*`` members as IDX. The zip is kept: the loader reads it.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import logging
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from digitpad import dirs
from digitpad.datasets import sources
from digitpad.datasets.idx import DatasetError

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MNIST_SHA256 = {  # of the uncompressed IDX bytes; see the shared data README
    "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
EMNIST_URL = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
EMNIST_MD5 = "58c8d27c78d21e728a6bc7b3cc06412e"
TIMEOUT_S = 60.0  # per connection attempt and per read, not for the whole file
CHUNK = 1 << 16
USER_AGENT = "digitpad (+https://github.com/; python urllib)"


def download(name: str, folder: Path | None = None, progress: Progress | None = None,
             base_url: str | None = None) -> list[Path]:
    """Fetch dataset ``name`` (``"mnist"`` or ``"emnist"``) into ``folder``; return its files.

    ``folder`` defaults to the data folder; files go to its ``mnist/`` or ``emnist/``
    subfolder unless a valid copy is already where the loader looks. ``progress(done,
    total)`` is called as bytes arrive (``total`` is None when the server does not say),
    last with ``done == total`` for each file; an exception it raises cancels the
    download cleanly. ``base_url`` replaces the mirror (tests point it at a local
    server). Raises :class:`DatasetError`, also for a full disk or a read-only folder.
    """
    folder = Path(folder) if folder is not None else dirs.data_dir()
    if name == "mnist":
        base = _folder_url(base_url or MNIST_URL)
        return [_fetch_mnist_file(folder, filename, base, progress) for filename in MNIST_SHA256]
    if name == "emnist":
        url = _folder_url(base_url) + sources.EMNIST_ZIP if base_url else EMNIST_URL
        return [_fetch_emnist_zip(folder, url, progress)]
    raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(sources.DATASETS)}")


def _folder_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _fetch_mnist_file(folder: Path, filename: str, base: str, progress: Progress | None) -> Path:
    present = sources._locate(folder, filename, "mnist")
    if present is not None and _idx_sha256(present) == MNIST_SHA256[filename]:
        log.info("%s is already present and valid", present)
        return present
    # a damaged copy is replaced where it is, or the loader would go on finding it
    target = present or folder / "mnist" / filename

    def verify(tmp: Path, _md5: str) -> None:
        digest = _idx_sha256(tmp)
        if digest != MNIST_SHA256[filename]:
            raise DatasetError(f"{base + filename}: checksum mismatch (sha256 of the IDX "
                               f"data is {digest}, expected {MNIST_SHA256[filename]})")

    return _fetch(base + filename, target, verify, progress)


def _fetch_emnist_zip(folder: Path, url: str, progress: Progress | None) -> Path:
    present = sources._locate(folder, sources.EMNIST_ZIP, "emnist")
    if present is not None and _file_md5(present) == EMNIST_MD5:
        log.info("%s is already present and valid", present)
        return present
    target = present or folder / "emnist" / sources.EMNIST_ZIP

    def verify(tmp: Path, md5: str) -> None:
        if md5 != EMNIST_MD5:
            raise DatasetError(f"{url}: checksum mismatch (md5 {md5}, expected {EMNIST_MD5})")
        sources._validated("emnist", sources.read_emnist_zip(tmp))  # DatasetError if not

    return _fetch(url, target, verify, progress)


def _fetch(url: str, target: Path, verify: Callable[[Path, str], None],
           progress: Progress | None) -> Path:
    """Stream ``url`` into a temporary file beside ``target``, ``verify(tmp, md5)`` it,
    then move it into place. The temporary file is removed on any failure."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise DatasetError(f"cannot write to {target.parent}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            md5 = _stream(url, handle, progress)  # network errors: DatasetError already
            handle.flush()
            os.fsync(handle.fileno())
        verify(tmp, md5)
        os.replace(tmp, target)
    except OSError as exc:  # the local side: disk full, permissions
        raise DatasetError(f"{target}: cannot write the download ({exc})") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    log.info("downloaded %s to %s", url, target)
    return target


def _stream(url: str, handle: BinaryIO, progress: Progress | None) -> str:
    """Copy ``url`` into ``handle`` chunk by chunk; return the md5 of what came."""
    md5 = hashlib.md5(usedforsecurity=False)
    done = 0
    with _open(url) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if progress:
            progress(0, total)
        while chunk := _read(response, url, done):
            handle.write(chunk)
            md5.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    if total is not None and done != total:
        raise DatasetError(f"{url}: download cut short ({done} of {total} bytes)")
    if progress and total is None:
        progress(done, done)
    return md5.hexdigest()


def _open(url: str) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        raise DatasetError(f"{url}: download failed (HTTP {exc.code} {exc.reason})") from exc
    except urllib.error.URLError as exc:
        raise DatasetError(f"{url}: download failed ({exc.reason})") from exc
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise DatasetError(f"{url}: download failed ({exc!r})") from exc


def _read(response: http.client.HTTPResponse, url: str, done: int) -> bytes:
    try:
        return response.read(CHUNK)
    except (http.client.HTTPException, OSError) as exc:
        raise DatasetError(f"{url}: download failed after {done} bytes ({exc!r})") from exc


def _idx_sha256(path: Path) -> str | None:
    """sha256 of the uncompressed content (gzip or plain); None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        log.info("%s is not a readable file (%s)", path, exc)
        return None
    return digest.hexdigest()


def _file_md5(path: Path) -> str | None:
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def cli_progress(label: str, stream: TextIO | None = None, width: int = 30,
                 tty: bool | None = None) -> Progress:
    """A progress callback for people: ``label [#####.....]  45%  5.1/11.3 MB``.

    On a terminal it redraws one line of ``stream`` (default stderr) at most ten times a
    second, so a fast connection does not spend its time printing, and ends the line when
    a file is complete (``done == total``); a new file starts on a new line. Anywhere else
    (a log, a pipe) each redraw would stay in the file, so it writes a plain line at every
    tenth of a file instead (every 10 MB when the server gives no size) and when it ends.
    """
    out = stream or sys.stderr
    if tty is None:
        try:
            tty = out.isatty()
        except (AttributeError, ValueError, OSError):
            tty = False
    return _redrawn(label, out, width) if tty else _logged(label, out, width)


def _redrawn(label: str, out: TextIO, width: int) -> Progress:
    state = {"last": 0.0, "open": False}

    def draw(done: int, total: int | None) -> None:
        finished = total is not None and done >= total
        now = time.monotonic()
        if not finished and state["open"] and now - state["last"] < 0.1:
            return
        state["last"], state["open"] = now, not finished
        out.write(f"\r{label} {_bar(done, total, width)}" + ("\n" if finished else ""))
        out.flush()

    return draw


LOG_STEP_BYTES = 10_000_000  # without a Content-Length, a log line per this many bytes


def _logged(label: str, out: TextIO, width: int) -> Progress:
    step = {"last": 0}  # the last step written: a tenth of the file, or LOG_STEP_BYTES

    def draw(done: int, total: int | None) -> None:
        if done == 0:  # a new file starts
            step["last"] = 0
            return
        finished = total is not None and done >= total
        current = 10 * done // total if total else done // LOG_STEP_BYTES
        if current > step["last"] or finished:
            step["last"] = current
            out.write(f"{label} {_bar(done, total, width)}\n")
            out.flush()

    return draw


def _bar(done: int, total: int | None, width: int) -> str:
    if not total:
        return f"[{'?' * width}]  {done / 1e6:.1f} MB"
    filled = min(width, width * done // total)
    return (f"[{'#' * filled}{'.' * (width - filled)}] {min(100, 100 * done // total):3d}%  "
            f"{done / 1e6:.1f}/{total / 1e6:.1f} MB")
