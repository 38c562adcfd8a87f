"""Photos from citizens (defect reports, attachments of replies): only JPEG and PNG, recognised
by their content (not their name or declared type), at most 5 MB and 40 megapixels, and stored
re-encoded without any metadata (EXIF with GPS position, camera, owner; PNG text chunks). The
picture is turned upright first, as its EXIF orientation said, since that tag goes too."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


class ImageRefused(ValueError):
    """Not a JPEG or PNG, too large, or broken; the message says which, for the citizen."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_image(data: bytes) -> CleanImage:
    if len(data) > MAX_BYTES:
        raise ImageRefused("larger than 5 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # refused, not just logged
            probe = Image.open(io.BytesIO(data))
        with probe:
            kind = probe.format or ""
            if kind not in FORMATS:
                raise ImageRefused("not a JPEG or PNG picture")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRefused("more than 40 megapixels")
            probe.verify()  # the structure; decoding follows below
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            if kind == "JPEG":
                upright.save(out, "JPEG", quality=90, optimize=True)  # no exif=, no icc_profile=: none kept
            else:
                upright.save(out, "PNG", optimize=True)  # text chunks are not copied
            return CleanImage(out.getvalue(), FORMATS[kind], upright.width, upright.height)
    except ImageRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ImageRefused("more than 40 megapixels") from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ImageRefused("not a readable JPEG or PNG picture") from error


Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard at our limit
