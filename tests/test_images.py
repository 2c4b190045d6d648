"""Opening pictures of digits from outside: every format a user might pick reads like the
drawn digit; every file that is not a sane picture is an ImageFileError, fast."""

from __future__ import annotations

import io
import resource
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from digitpad import images, preprocess
from digitpad.images import ImageFileError, open_image, read_digit
from digitpad.preprocess import EmptyDrawing, rasterize, to_mnist

SEVEN = [[(80.0, 60.0), (200.0, 60.0), (120.0, 230.0)]]
ONE = [[(140.0, 40.0), (140.0, 240.0)]]


def ink(strokes: list[list[tuple[float, float]]] = SEVEN) -> np.ndarray:
    """uint8 280x280, ink 255 on 0, smoothed a little like a scan."""
    image = rasterize(strokes).resize((140, 140), Image.Resampling.BILINEAR)
    return np.asarray(image.resize((280, 280), Image.Resampling.BILINEAR))


def page(strokes: list[list[tuple[float, float]]] = SEVEN) -> np.ndarray:
    """A dark digit on white paper."""
    return 255 - ink(strokes)


def save(tmp_path: Path, name: str, image: Image.Image, **options: object) -> Path:
    path = tmp_path / name
    image.save(path, **options)
    return path


@pytest.fixture
def expected() -> np.ndarray:
    return to_mnist(ink())


def test_png_of_a_dark_digit_on_white(tmp_path: Path, expected: np.ndarray) -> None:
    out = read_digit(save(tmp_path, "seven.png", Image.fromarray(page())))
    assert out.shape == (28, 28) and out.dtype == np.float32
    # faint anti-aliasing below a fifth of full ink is dropped as paper noise
    assert np.abs(out - expected).max() < 0.2 and np.abs(out - expected).mean() < 0.01
    assert np.abs(out - to_mnist(ink(ONE))).mean() > 0.05  # and it is the seven


@pytest.mark.parametrize(("name", "convert", "options"), [
    ("seven.jpg", "L", {"quality": 85}),
    ("seven-rgb.jpg", "RGB", {"quality": 85}),
    ("seven-cmyk.jpg", "CMYK", {"quality": 95}),
    ("palette.png", "P", {}),
    ("bilevel.png", "1", {}),
    ("seven.bmp", "RGB", {}),
    ("seven.webp", "RGB", {"quality": 90}),
])
def test_formats_and_modes(tmp_path: Path, expected: np.ndarray, name: str, convert: str,
                           options: dict[str, object]) -> None:
    path = save(tmp_path, name, Image.fromarray(page()).convert(convert), **options)
    out = read_digit(path)
    assert np.abs(out - expected).mean() < 0.01 and np.abs(out - expected).max() < 0.25


def test_16_bit_png(tmp_path: Path, expected: np.ndarray) -> None:
    path = save(tmp_path, "deep.png", Image.fromarray(page().astype(np.uint16) * 257))
    assert open_image(path).mode.startswith("I")
    np.testing.assert_allclose(read_digit(path), read_digit(
        save(tmp_path, "flat.png", Image.fromarray(page()))), atol=1e-5)
    big = Image.fromarray(page()).resize((1500, 1500), Image.Resampling.BILINEAR)
    deep = save(tmp_path, "big-deep.png", Image.fromarray(np.asarray(big).astype(np.uint16) * 257))
    assert np.abs(read_digit(deep) - expected).mean() < 0.02


def test_float_tiff_in_zero_to_one(tmp_path: Path, expected: np.ndarray) -> None:
    path = save(tmp_path, "float.tiff", Image.fromarray(page().astype(np.float32) / 255))
    assert open_image(path).mode == "F"
    assert np.abs(read_digit(path) - expected).mean() < 0.01


def test_ink_on_a_transparent_background(tmp_path: Path, expected: np.ndarray) -> None:
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)  # black everywhere: only alpha shows the ink
    rgba[..., 3] = ink()
    path = save(tmp_path, "ink.png", Image.fromarray(rgba))
    assert np.abs(read_digit(path) - expected).mean() < 0.01
    la = save(tmp_path, "ink-la.png", Image.fromarray(rgba).convert("LA"))
    assert np.abs(read_digit(la) - expected).mean() < 0.01


def test_light_digit_on_dark_background(tmp_path: Path, expected: np.ndarray) -> None:
    path = save(tmp_path, "chalk.png", Image.fromarray(ink()))
    assert np.abs(read_digit(path) - expected).mean() < 0.01


def test_animated_gif_reads_its_first_frame(tmp_path: Path) -> None:
    first, second = (Image.fromarray(page(s)).convert("P") for s in (SEVEN, ONE))
    path = tmp_path / "anim.gif"
    first.save(path, save_all=True, append_images=[second], duration=100, loop=0)
    assert Image.open(path).n_frames == 2
    alone = save(tmp_path, "first.gif", first)
    np.testing.assert_allclose(read_digit(path), read_digit(alone), atol=1e-6)
    assert open_image(path).size == (280, 280)


def test_large_photo_is_shrunk_first(tmp_path: Path, expected: np.ndarray,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    photo = Image.fromarray(page()).resize((3000, 2000), Image.Resampling.BILINEAR)
    path = save(tmp_path, "photo.jpg", photo.convert("RGB"), quality=80)
    read_sizes: list[tuple[int, int]] = []
    from_photo = preprocess.from_photo

    def spy(picture: Image.Image) -> np.ndarray:
        read_sizes.append(picture.size)
        return from_photo(picture)

    monkeypatch.setattr(preprocess, "from_photo", spy)
    out = read_digit(path)
    assert [max(size) for size in read_sizes] == [images.WORKING_SIDE]  # not 3000x2000
    assert out.shape == (28, 28) and out.max() > 0.9


def test_blank_pages_are_empty_drawings(tmp_path: Path) -> None:
    for name, value in (("white.png", 255), ("black.png", 0), ("grey.jpg", 128)):
        path = save(tmp_path, name, Image.new("L", (300, 200), value))
        with pytest.raises(EmptyDrawing):
            read_digit(path)
    speckled = np.full((300, 300), 250, dtype=np.uint8)
    speckled[::7, ::11] = 235  # paper texture, not a digit
    with pytest.raises(EmptyDrawing):
        read_digit(save(tmp_path, "paper.png", Image.fromarray(speckled)))


def test_open_image_returns_a_loaded_copy(tmp_path: Path) -> None:
    path = save(tmp_path, "seven.png", Image.fromarray(page()))
    image = open_image(path)
    path.unlink()  # the file is closed: the image does not need it any more
    assert image.size == (280, 280) and np.asarray(image).min() == 0


def png_claiming(width: int, height: int) -> bytes:
    """A valid small PNG whose header says ``width`` x ``height``: a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", (8, 8), 1).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    at = data.find(b"IHDR")
    data[at + 4:at + 12] = struct.pack(">II", width, height)
    data[at + 17:at + 21] = struct.pack(">I", zlib.crc32(bytes(data[at:at + 17])))
    return bytes(data)


@pytest.mark.parametrize(("side", "message"), [
    (20000, "too many pixels"),  # beyond Pillow's own limit: refused while reading the header
    (10000, "too many pixels"),  # Pillow only warns: the warning is made an error
    (7000, "too large"),  # under Pillow's limit, over ours
])
def test_decompression_bomb_is_refused_without_decoding(tmp_path: Path, side: int, message: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(side, side))
    decoded: list[object] = []
    load = ImageFile.ImageFile.load

    def spy(image: ImageFile.ImageFile) -> object:
        decoded.append(image)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImageFileError, match=message):
        read_digit(path)
    assert decoded == []  # refused from the header alone
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000  # decoding 7000x7000 would take 49 MB at least


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"hello, this is text and not a picture\n" * 10, "not an image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "not an image|cannot decode"),
])
def test_files_that_are_not_images(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "digit.png"
    path.write_bytes(content)
    with pytest.raises(ImageFileError, match=message) as info:
        read_digit(path)
    assert str(path) in str(info.value)


def test_missing_file_folder_and_tiny_image(tmp_path: Path) -> None:
    with pytest.raises(ImageFileError, match="no such file"):
        open_image(tmp_path / "nope.png")
    with pytest.raises(ImageFileError, match="folder"):
        open_image(tmp_path)
    tiny = save(tmp_path, "dot.png", Image.new("L", (1, 1), 0))
    with pytest.raises(ImageFileError, match="too small"):
        read_digit(tiny)
    line = save(tmp_path, "line.png", Image.new("L", (500, 1), 0))
    with pytest.raises(ImageFileError, match="too small"):
        read_digit(line)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP"])
def test_damaged_files_fail_cleanly(tmp_path: Path, fmt: str) -> None:
    """Cut short or with a flipped byte: the digit, an empty page, or ImageFileError."""
    buffer = io.BytesIO()
    Image.fromarray(page()).resize((64, 64)).save(buffer, fmt)
    data = buffer.getvalue()
    path = tmp_path / f"damaged.{fmt.lower()}"
    for cut in np.linspace(1, len(data) - 1, 12).astype(int):
        flipped = bytearray(data)
        flipped[cut] ^= 0xFF
        for damaged in (data[:cut], bytes(flipped)):
            path.write_bytes(damaged)
            try:
                out = read_digit(path)
            except (ImageFileError, EmptyDrawing):
                continue
            assert out.shape == (28, 28) and np.isfinite(out).all()
