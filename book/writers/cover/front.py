"""The front panel's picture: the `cover:` image cropped to fill the front plus its bleed, flattened."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from book.printing.cover import Rect
from book.writers.epub.cover import BACKGROUND

MIN_DPI = 300  # KDP and IngramSpark: 300 dpi at print size


class FrontError(Exception):
    """The cover image cannot be used; the message says why."""


@dataclass(frozen=True)
class FrontImage:
    """The cropped, flattened front as a data: URL, and its resolution at print size."""

    url: str
    width_px: int
    height_px: int
    dpi: float


def _crop_to(image: Image.Image, aspect: float) -> Image.Image:
    """The largest centred crop of `image` with width / height = `aspect` (fill, never stretch)."""
    width, height = image.size
    if width / height > aspect:
        new_width = max(1, round(height * aspect))
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = max(1, round(width / aspect))
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB with no alpha: a transparent pixel would become a soft mask, which printers refuse."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        return Image.alpha_composite(ground, rgba).convert("RGB")
    return image.convert("RGB")


def front_image(path: Path, area: Rect) -> FrontImage:
    """`path` cropped to `area`'s proportions and flattened to RGB; Pillow's own limit on pixel
    count (a decompression bomb) is reported like any unreadable image."""
    try:
        with Image.open(path) as opened:
            opened.load()
            image = opened.copy()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise FrontError(f"cover '{path.name}' is not a readable image ({exc})") from exc
    cropped = _flatten(_crop_to(image, area.width / area.height))
    out = io.BytesIO()
    # JPEG at high quality: a photographic front at 300 dpi stays a few megabytes; Pillow's encoder
    # is deterministic, and no EXIF or timestamps are written.
    cropped.save(out, format="JPEG", quality=95, subsampling=0, optimize=False)
    url = "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
    return FrontImage(url, cropped.width, cropped.height, cropped.width / area.width)
