"""Poster storage: the site serves posters from ``POSTER_DIR``, one file per movie id.

Only a complete image in a web format is stored: at most ``MAX_BYTES`` (the client stops reading there) and
``MAX_PIXELS`` (checked from the header, before anything is decoded), decoded in full so a truncated file is
refused; a decompression bomb or a truncated image is :class:`NotAnImage` with the reason.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 16_000_000  # Douban's ``l`` posters are about 1080 x 1500 (1.6 megapixels)


class NotAnImage(ValueError):
    """The downloaded bytes are not a poster image."""


def large_url(url: str) -> str:
    """The ``l`` size of a Douban poster URL (the largest one served without a signed URL)."""
    return re.sub(r"/view/photo/[a-z_]+/public/", "/view/photo/l/public/", url)


def image_extension(data: bytes) -> str:
    """The file extension of ``data`` if it is a complete image in a web format, else :class:`NotAnImage`."""
    if not data or len(data) > MAX_BYTES:
        raise NotAnImage(f"{len(data)} bytes")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise NotAnImage(f"{width} x {height} pixels, more than {MAX_PIXELS}")
            image.load()  # decodes everything: a truncated file fails here
    except Image.DecompressionBombError as exc:
        raise NotAnImage(f"decompression bomb: {exc}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NotAnImage(str(exc) or exc.__class__.__name__) from None
    if kind not in FORMATS:
        raise NotAnImage(f"unexpected image format {kind}")
    return FORMATS[kind]


def store_poster(poster_dir: str | os.PathLike, movie_id: int, data: bytes) -> str:
    """Check ``data`` is an image and write it as ``<movie_id>.<ext>`` atomically; returns the relative path."""
    ext = image_extension(data)
    directory = Path(poster_dir)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{movie_id}.{ext}"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{movie_id}-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, directory / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for other in FORMATS.values():
        if other != ext:
            (directory / f"{movie_id}.{other}").unlink(missing_ok=True)
    return name
