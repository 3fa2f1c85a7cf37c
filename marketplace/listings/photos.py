"""Listing photos: checked by content, re-encoded without metadata, stored under random names.

An upload is accepted only when Pillow recognises it as JPEG, PNG or WebP
(whatever its name says), its pixel count is sane (decompression bombs are
refused before decoding), and it decodes completely. What is stored is a
fresh WebP encoding of the pixels (no EXIF, no GPS, no comments), in a
display size and a thumbnail.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import time
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from models import MAX_PHOTOS_PER_LISTING, Listing, ListingPhoto, User
from models.errors import Conflict, ValidationFailed

from .. import audit
from ..extensions import db
from ..tx import on_commit, on_rollback
from .services import back_to_review_if_needed, ensure_editable

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # ~ 7700 x 5200; a phone's 50 MP sensor is refused, 12-48 MP accepted
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
DISPLAY_SIZE = (1600, 1600)
THUMB_SIZE = (400, 400)
SIZES = ("display", "thumb")
CONTENT_TYPE = "image/webp"

# Pillow's own guard: above this it warns, above twice this it raises. Ours is
# the explicit check below; this one stays as a second line of defence.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "listings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(message: str):
    raise ValidationFailed(message, fields={"photo": [message]})


def read_image(data: bytes) -> Image.Image:
    """Return the decoded image or raise ValidationFailed with a message a person understands."""
    if not data:
        _refuse(_("Choose a photo to upload."))
    if len(data) > MAX_BYTES:
        _refuse(_("The photo is larger than %(mb)d MB. Choose a smaller one.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    _refuse(_("This file is not a JPEG, PNG or WebP photo."))
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    _refuse(_("The photo has too many pixels (%(w)d × %(h)d). Use one under %(mp)d megapixels.",
                              w=width, h=height, mp=MAX_PIXELS // 1_000_000))
                probe.verify()
            # verify() leaves the image unusable: open again and decode every pixel.
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_("The photo has too many pixels. Use one under %(mp)d megapixels.", mp=MAX_PIXELS // 1_000_000))
    except UnidentifiedImageError:
        _refuse(_("This file is not a JPEG, PNG or WebP photo."))
    except (OSError, SyntaxError, ValueError, EOFError):
        _refuse(_("This photo is damaged or incomplete and cannot be read. Try exporting it again."))
    return image


def _encode(image: Image.Image, size: tuple[int, int]) -> tuple[bytes, tuple[int, int]]:
    copy = image.copy()
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=/icc_profile= arguments: the new file carries pixels only.
    copy.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue(), copy.size


def read_upload(data: bytes, alt_text: str) -> Image.Image:
    """The uploaded image, or ValidationFailed naming every problem of the file and its description at once."""
    alt_text = (alt_text or "").strip()
    errors = {}
    if not alt_text:
        errors["alt_text"] = [_("Describe the photo for people who cannot see it.")]
    elif len(alt_text) > 250:
        errors["alt_text"] = [_("Use at most %(n)d characters.", n=250)]
    try:
        image = read_image(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        image = None
    if errors:
        if image is not None:
            image.close()
        first = errors.get("photo", errors.get("alt_text"))[0]
        raise ValidationFailed(first, fields=errors)
    return image


def check_upload(data: bytes, alt_text: str) -> None:
    """read_upload's checks alone: stores nothing."""
    read_upload(data, alt_text).close()


def add_photo(actor: User, listing: Listing, data: bytes, alt_text: str) -> ListingPhoto:
    """Check, re-encode and store one photo; the row is written in the caller's transaction."""
    ensure_editable(listing)
    if len(listing.photos) >= MAX_PHOTOS_PER_LISTING:
        raise Conflict(_("A listing has at most %(n)d photos. Remove one first.", n=MAX_PHOTOS_PER_LISTING))
    image = read_upload(data, alt_text)
    alt_text = alt_text.strip()
    with image:
        image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant, then drop the tag
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
        display, (width, height) = _encode(image, DISPLAY_SIZE)
        thumb, _size = _encode(image, THUMB_SIZE)
    token = secrets.token_urlsafe(24)
    photo = ListingPhoto(listing=listing, token=token, content_type=CONTENT_TYPE, alt_text=alt_text,
                         width=width, height=height,
                         position=max((p.position for p in listing.photos), default=-1) + 1)
    folder = upload_dir()
    written = []

    def remove_written():  # the row was never committed: nothing may point at these files
        for path in written:
            path.unlink(missing_ok=True)

    on_rollback(remove_written)
    for size, blob in (("display", display), ("thumb", thumb)):
        path = folder / photo.filename(size)
        path.write_bytes(blob)
        written.append(path)
    db.session.add(photo)
    back_to_review_if_needed(listing)
    db.session.flush()
    audit.record(actor, "listing.add_photo", listing, after={"photo_id": photo.id})
    return photo


def delete_photo(actor: User, photo: ListingPhoto) -> None:
    paths = [upload_dir() / photo.filename(size) for size in SIZES]
    listing = photo.listing
    listing.photos.remove(photo)
    db.session.flush()
    audit.record(actor, "listing.remove_photo", listing, before={"photo_id": photo.id})

    def unlink():
        for path in paths:
            path.unlink(missing_ok=True)

    on_commit(unlink)


def photo_path(photo: ListingPhoto, size: str) -> Path:
    return upload_dir() / photo.filename(size)


# <token>-<size>.<ext>, as ListingPhoto.filename writes them; anything else in the folder is not ours.
_PHOTO_FILE = re.compile(r"^(?P<token>[A-Za-z0-9_-]+)-(?:display|thumb)\.(?:webp|jpg|png)$")


def orphan_photo_files(grace: dt.timedelta) -> list[Path]:
    """Photo files no row points at, last written more than `grace` ago.

    Only a process killed between writing a photo and committing its row leaves one (a failed
    request removes its own files). The grace period keeps uploads still in flight."""
    folder = upload_dir()
    known = set(db.session.scalars(select(ListingPhoto.token)))
    cutoff = time.time() - grace.total_seconds()
    orphans = []
    for path in sorted(folder.iterdir()):
        match = _PHOTO_FILE.match(path.name)
        if match and match["token"] not in known and path.stat().st_mtime < cutoff:
            orphans.append(path)
    return orphans
