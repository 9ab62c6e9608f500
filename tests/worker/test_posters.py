"""Poster checks: only complete images of sane size are stored; bombs and truncated files say why not."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from worker.posters import MAX_PIXELS, NotAnImage, image_extension, large_url, store_poster


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels in a few dozen bytes (what a decompression bomb does)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def jpeg(width: int = 300, height: int = 400) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_decompression_bomb_is_not_an_image_and_says_so():
    with pytest.raises(NotAnImage, match="decompression bomb"):
        image_extension(png_header_only(20000, 20000))  # 400 megapixels


def test_an_image_over_the_pixel_limit_is_refused_before_decoding():
    with pytest.raises(NotAnImage, match=f"5000 x 4000 pixels, more than {MAX_PIXELS}"):
        image_extension(png_header_only(5000, 4000))


def test_a_truncated_jpeg_is_refused():
    data = jpeg()
    assert image_extension(data) == "jpg"
    with pytest.raises(NotAnImage, match="truncated"):
        image_extension(data[: len(data) // 2])


def test_a_refused_image_leaves_no_file(tmp_path):
    with pytest.raises(NotAnImage):
        store_poster(tmp_path, 7, png_header_only(20000, 20000))
    assert list(tmp_path.iterdir()) == []
    assert store_poster(tmp_path, 7, jpeg()) == "7.jpg"


def test_large_url():
    assert large_url("https://img2.doubanio.com/view/photo/s_ratio_poster/public/p1.jpg") == \
        "https://img2.doubanio.com/view/photo/l/public/p1.jpg"
