"""Image files for upload tests, built in memory with Pillow (small and fast)."""
from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), **save_options) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, color).save(out, format=fmt, **save_options)
    return out.getvalue()


def jpeg_with_gps(size=(64, 48), orientation=None) -> bytes:
    """A JPEG whose EXIF holds a GPS position in Kunming (and an orientation, if given)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (25.0, 2.0, 30.0), 3: "E", 4: (102.0, 43.0, 10.0)})
    return image_bytes("JPEG", size=size, exif=exif)


def png_bomb(width=30000, height=30000) -> bytes:
    """A tiny valid PNG whose header declares a huge canvas (a decompression bomb)."""
    data = image_bytes("PNG", size=(1, 1))
    # The IHDR chunk starts after the 8-byte signature: length(4) type(4) then width, height.
    # signature(8) length(4) "IHDR"(4) width(4) height(4) 5 more header bytes, CRC(4)
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
