"""Citizens' pictures are checked by content and stored without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from handoff.media.images import ImageRefused, clean_image

GPS = 0x8825  # the EXIF GPS IFD
ORIENTATION = 0x0112


def jpeg_with_gps(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS)[2] = (51.0, 28.0, 0.0)  # latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_keeps_its_picture_and_loses_its_position_and_camera() -> None:
    original = jpeg_with_gps(orientation=6)  # taken with the phone turned: EXIF says rotate
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)
    cleaned = clean_image(original)
    assert cleaned.content_type == "image/jpeg"
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert len(image.getexif()) == 0 and "exif" not in image.info
        assert image.size == (20, 40) == (cleaned.width, cleaned.height)  # turned upright
        red, green, blue = image.convert("RGB").getpixel((10, 20))  # type: ignore[misc]
        assert red > 150 and green < 80 and blue < 80
    assert b"PhoneMaker" not in cleaned.data


def test_a_png_loses_its_text_chunks() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Erika Mustermann")
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    cleaned = clean_image(out.getvalue())
    assert cleaned.content_type == "image/png" and b"Erika" not in cleaned.data
    assert Image.open(io.BytesIO(cleaned.data)).mode == "RGBA"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7 this is not a picture", "not a readable JPEG or PNG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "not a readable JPEG or PNG"),  # a JPEG header and nothing else
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_what_is_not_a_small_jpeg_or_png_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ImageRefused, match=reason):
        clean_image(data)


def test_other_picture_formats_and_huge_pictures_are_refused() -> None:
    gif = io.BytesIO()
    Image.new("P", (4, 4)).save(gif, "GIF")
    with pytest.raises(ImageRefused, match="not a JPEG or PNG"):
        clean_image(gif.getvalue())
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, "PNG")  # 48 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 5 * 1024 * 1024
    with pytest.raises(ImageRefused, match="megapixels"):
        clean_image(bomb.getvalue())
