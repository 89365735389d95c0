"""complaints.photos.clean_photo: the one gate every uploaded photo passes."""
from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from complaints.photos import MAX_PHOTO_BYTES, MAX_STORED_SIDE, clean_photo
from tests.complaints.photo_files import GPS_IFD, image_bytes, jpeg_with_gps, png_bomb, upload


@pytest.fixture(autouse=True)
def _english():
    """The refusals' messages are lazy: they are translated when a test reads them."""
    with translation.override("en"):
        yield


def refusal(data, name="photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        clean_photo(upload(data, name))
    return caught.value


@pytest.mark.parametrize("fmt, extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_accepted_formats_are_reencoded_under_a_random_name(fmt, extension):
    first = clean_photo(upload(image_bytes(fmt), name="我的照片.jpg"))
    second = clean_photo(upload(image_bytes(fmt), name="我的照片.jpg"))

    assert first.name.endswith(f".{extension}") and "照片" not in first.name
    assert first.name != second.name
    assert Image.open(io.BytesIO(first.read())).format == fmt


def test_multi_picture_jpeg_from_a_phone_camera_is_kept_as_its_main_picture():
    out = io.BytesIO()
    frames = [Image.new("RGB", (64, 48), "red"), Image.new("RGB", (64, 48), "blue")]
    frames[0].save(out, format="MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"

    photo = clean_photo(upload(out.getvalue()))

    stored = Image.open(io.BytesIO(photo.read()))
    assert photo.name.endswith(".jpg") and stored.format == "JPEG"
    assert getattr(stored, "n_frames", 1) == 1 and stored.getpixel((10, 10))[0] > 200


def test_format_comes_from_the_content_not_the_name_or_content_type():
    photo = clean_photo(upload(image_bytes("PNG"), name="holiday.jpg", content_type="image/jpeg"))
    assert photo.name.endswith(".png")


def test_exif_and_gps_are_dropped_and_orientation_applied():
    # Orientation 6: the camera was turned; the 64x48 pixels show a 48x64 picture.
    photo = clean_photo(upload(jpeg_with_gps(size=(64, 48), orientation=6)))

    stored = Image.open(io.BytesIO(photo.read()))
    assert stored.size == (48, 64)
    assert dict(stored.getexif()) == {}
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert "exif" not in stored.info


def test_large_photos_are_scaled_down():
    photo = clean_photo(upload(image_bytes("JPEG", size=(MAX_STORED_SIDE * 2, 100))))
    assert Image.open(io.BytesIO(photo.read())).size == (MAX_STORED_SIDE, 50)


def test_text_renamed_to_jpg_is_refused():
    error = refusal(b"this is not a picture, just text\n" * 10, name="fake.jpg")
    assert error.code == "not_image"
    assert "JPEG, PNG or WebP" in error.messages[0]


def test_other_image_formats_are_refused():
    assert refusal(image_bytes("GIF"), name="anim.jpg").code == "bad_format"


def test_oversized_file_is_refused_before_decoding():
    data = image_bytes("JPEG") + b"\0" * MAX_PHOTO_BYTES
    error = refusal(data)
    assert error.code == "too_large"
    assert "larger than 5.0" in error.messages[0]


@pytest.mark.parametrize("width, height, message", [
    (30000, 30000, "dimensions are too large"),
    (9000, 9000, "The photo is 9000 × 9000 pixels; photos of at most 50 megapixels are accepted."),
    (7700, 7700, "The photo is 7700 × 7700 pixels; photos of at most 50 megapixels are accepted."),
])
def test_decompression_bomb_is_refused(width, height, message):
    # 900 megapixels trips Pillow's own bomb check; 81 and 59 megapixels pass Pillow but not ours.
    error = refusal(png_bomb(width, height), name="bomb.png")
    assert error.code == "too_many_pixels"
    assert message in error.messages[0]


def test_truncated_image_is_refused():
    data = image_bytes("JPEG", size=(400, 300))
    assert refusal(data[: len(data) // 3]).code == "broken"
