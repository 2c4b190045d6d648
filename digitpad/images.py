"""Open image files from outside safely: not an image, empty, huge, animated, 16-bit."""

from __future__ import annotations

import logging
import os
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from digitpad import preprocess

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000  # about 6300x6300; a decompression bomb claims far more
WORKING_SIDE = 1000  # larger images are shrunk to this before reading the digit


class ImageFileError(ValueError):
    """A file that cannot be read as a picture of a digit."""


def open_image(path: str | os.PathLike[str]) -> Image.Image:
    """Open and fully decode the first frame of ``path``; refuse what is not a sane image."""
    name = os.fspath(path)
    try:
        if os.path.getsize(name) == 0:
            raise ImageFileError(f"{name}: the file is empty")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(name) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageFileError(f"{name}: {width}x{height} pixels is too large an image")
                if width < 2 or height < 2:
                    raise ImageFileError(f"{name}: {width}x{height} pixels is too small to hold a digit")
                image.seek(0)  # the first frame of an animation
                image.load()
                return image.copy()
    except FileNotFoundError as exc:
        raise ImageFileError(f"{name}: no such file") from exc
    except IsADirectoryError as exc:
        raise ImageFileError(f"{name}: is a folder, not an image") from exc
    except UnidentifiedImageError as exc:
        raise ImageFileError(f"{name}: not an image file Pillow can read") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageFileError(f"{name}: refused, the image claims too many pixels") from exc
    except ImageFileError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Pillow's decoders report damaged data in many ways (OSError, SyntaxError,
        # struct.error, IndexError, ...); to the user each means the file is unreadable.
        raise ImageFileError(f"{name}: cannot decode the image ({exc})") from exc


def read_digit(path: str | os.PathLike[str]) -> np.ndarray:
    """The 28x28 float32 image the nets read, from a photo or scan of a digit.

    Raises :class:`ImageFileError` for an unreadable file and
    :class:`preprocess.EmptyDrawing` for a picture with no digit on it.
    """
    return digit_from_picture(open_image(path))


def digit_from_picture(picture: Image.Image) -> np.ndarray:
    """:func:`read_digit` for a picture already opened (``picture`` is not changed)."""
    if max(picture.size) > WORKING_SIDE:
        picture = picture.copy()
        picture.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.BOX)
    return preprocess.from_photo(picture)
