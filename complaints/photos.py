"""Photo uploads from residents: check, then re-encode.

`clean_photo(uploaded)` is the one gate every uploaded photo passes (portal, public API)
before complaints/services.py stores it. `check_photo(uploaded)` is its cheap first half: the
byte size and the image header (format, width and height), no pixel decoded, so a door can
refuse a bad photo, and count its rate limits, before anything costs memory. It trusts nothing the client says: the format is
what Pillow finds in the bytes (not the file name or content type), decompression bombs are
refused before any pixel is decoded, and the picture is re-encoded from its pixels, so EXIF
(camera, time and GPS location) and any other metadata or trailing payload are dropped.
"""
from __future__ import annotations

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.signing import BadSignature, TimestampSigner
from django.template.defaultfilters import filesizeformat
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A 50-megapixel phone photo (8160 x 6120) passes; a small file declaring a huge canvas, such
# as a 7700 x 7700 PNG (59 MP, 230 MB once decoded), does not.
MAX_PHOTO_PIXELS = 50_000_000
# Stored photos are scaled down to this longest side: plenty to see a broken pipe, and
# light to load on a phone.
MAX_STORED_SIDE = 2560

# Pillow format name -> (stored extension, save options)
ALLOWED_FORMATS = {
    # Many phone cameras write "multi-picture" JPEGs; only the first (main) picture is kept.
    "MPO": ("jpg", {"quality": 85, "optimize": True}),
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}

MESSAGES = {
    "too_large": _("The photo is larger than %(max)s."),
    "not_image": _("The file is not a photo we can read. Please send a JPEG, PNG or WebP picture."),
    "bad_format": _("Only JPEG, PNG and WebP photos are accepted."),
    "too_many_pixels": _("The photo's dimensions are too large."),
    "too_many_pixels_sized": _("The photo is %(width)d × %(height)d pixels; photos of at most %(megapixels)d "
                         "megapixels are accepted. Please send a smaller photo."),
    "broken": _("The photo is damaged and cannot be opened."),
}


def _refuse(code: str, message: str | None = None, **params):
    raise ValidationError(MESSAGES[message or code], code=code, params=params or None)


def _read(uploaded) -> bytes:
    if uploaded.size is not None and uploaded.size > MAX_PHOTO_BYTES:
        _refuse("too_large", max=filesizeformat(MAX_PHOTO_BYTES))
    uploaded.seek(0)
    data = uploaded.read(MAX_PHOTO_BYTES + 1)
    uploaded.seek(0)
    if len(data) > MAX_PHOTO_BYTES:
        _refuse("too_large", max=filesizeformat(MAX_PHOTO_BYTES))
    return data


def check_photo(uploaded) -> None:
    """Refuse an upload that is too big, not an allowed image, or too many pixels, from its size
    and its header alone (Pillow's open() reads the header and decodes no pixel).

    Raises ValidationError (codes: too_large, not_image, bad_format, too_many_pixels)."""
    with warnings.catch_warnings():
        # Pillow warns past its own limit (89 MP), which is above ours: _open_checked refuses first.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            _open_checked(_read(uploaded)).close()
        except Image.DecompressionBombError:  # past twice Pillow's limit, refused inside open()
            _refuse("too_many_pixels")
        except (OSError, SyntaxError, ValueError, EOFError):
            _refuse("not_image")


def clean_photo(uploaded) -> ContentFile:
    """Check one uploaded photo and return it re-encoded, under a random name.

    Raises ValidationError (codes: too_large, not_image, bad_format, too_many_pixels, broken)
    with a message for the resident. The returned ContentFile holds only pixels: no EXIF, no
    GPS, no comments; its EXIF orientation has been applied to the pixels first."""
    data = _read(uploaded)

    with warnings.catch_warnings():
        # Pillow warns past its own limit (89 MP), which is above ours: _open_checked refuses first.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            return _reencode(data)
        except Image.DecompressionBombError:  # past twice Pillow's limit, refused inside open()
            _refuse("too_many_pixels")


def _open_checked(data: bytes) -> Image.Image:
    """Open without decoding pixels, and refuse what is not an allowed format or too big."""
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        _refuse("not_image")
    if image.format not in ALLOWED_FORMATS:
        _refuse("bad_format")
    width, height = image.size
    if width * height > MAX_PHOTO_PIXELS:
        _refuse("too_many_pixels", "too_many_pixels_sized", width=width, height=height,
                megapixels=MAX_PHOTO_PIXELS // 1_000_000)
    return image


def _reencode(data: bytes) -> ContentFile:
    try:
        _open_checked(data).verify()
        # verify() leaves the image unusable; open again to decode the pixels.
        image = _open_checked(data)
        # JPEG can decode at 1/2, 1/4 or 1/8 scale; the stored photo is no bigger than this anyway.
        image.draft(image.mode, (MAX_STORED_SIDE, MAX_STORED_SIDE))
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(MESSAGES["broken"], code="broken") from exc

    extension, save_options = ALLOWED_FORMATS[image.format]
    fmt = "JPEG" if image.format == "MPO" else image.format
    image = ImageOps.exif_transpose(image)  # a copy without the orientation tag
    image = _pixels_only(image, fmt)
    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))

    out = io.BytesIO()
    # No exif=, no pnginfo=, no comment=: only the pixels are written.
    image.save(out, format=fmt, **save_options)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """A fresh image with the same pixels and none of the source's info dict."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    clean.paste(image)
    return clean


# ---------------------------------------------------------------------------
# Serving: photos are personal data, so they are never under /media/ but behind
# complaints.views.photo, which applies the scoping rule to every request.
# ---------------------------------------------------------------------------
_URL_SIGNER_SALT = "complaints.photo-url"


def signed_photo_url(attachment, request=None) -> str:
    """The photo's URL for a machine client (API, Open311) that has just been shown the record
    through the scoping rule: it carries a signature valid for PHOTO_URL_SECONDS, so the client
    can fetch it without a session. Absolute when `request` is given."""
    token = TimestampSigner(salt=_URL_SIGNER_SALT).sign(str(attachment.pk))
    url = f"{attachment.get_absolute_url()}?{urlencode({'t': token})}"
    return request.build_absolute_uri(url) if request is not None else url


def photo_signature_is_valid(pk: int, token: str) -> bool:
    """Whether `token` was issued by signed_photo_url for photo `pk` and has not expired."""
    try:
        return TimestampSigner(salt=_URL_SIGNER_SALT).unsign(token, max_age=settings.PHOTO_URL_SECONDS) == str(pk)
    except BadSignature:  # SignatureExpired is one too
        return False
