"""Listing photos: checked by content, bombs and broken files refused, EXIF stripped, served safely."""
from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from marketplace.extensions import db
from models import ListingPhoto, ListingStatus
from tests.factories import make_group, make_listing, make_pact, make_user
from tests.helpers_pgl import client_as, count, image_bytes


def _setup(app, status=ListingStatus.PUBLISHED):
    with app.app_context():
        member = make_user("mem@example.org")
        group = make_group(coordinator=make_user(), members=[member], needs_review=False)
        listing = make_listing(make_pact(group), status=status)
        db.session.commit()
        return listing.id


def _upload(client, listing_id, data: bytes, name="photo.jpg", alt="Ripe tomatoes in a crate"):
    # Encoded in memory: the test client would otherwise spool bodies over 500 kB to a temporary file.
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(data), filename=name), "alt_text": alt})
    return client.post(f"/listings/{listing_id}/photos", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _huge_png_header(width=20000, height=20000) -> bytes:
    """A small, valid-looking PNG whose header claims width x height pixels."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = data[12:29]  # b"IHDR" + 13 bytes of fields
    fields = struct.pack(">II", width, height) + bytes(ihdr[12:17])
    chunk = b"IHDR" + fields
    data[12:29] = chunk
    data[29:33] = struct.pack(">I", zlib.crc32(chunk))
    return bytes(data)


def _refused(app, client, listing_id, data, name, message):
    response = _upload(client, listing_id, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:300]
    assert "There is a problem" in page and message in page, message
    with app.app_context():
        assert count(ListingPhoto) == 0
    folder = Path(app.config["UPLOAD_DIR"]) / "listings"
    assert not folder.exists() or not any(folder.iterdir())


def test_bad_files_are_refused_with_a_clear_message(app):
    listing_id = _setup(app)
    client = client_as(app, "mem@example.org")
    _refused(app, client, listing_id, b"just some text, honestly\n" * 20, "holiday.jpg",
             "This file is not a JPEG, PNG or WebP photo.")
    _refused(app, client, listing_id, b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10), "big.jpg",
             "The photo is larger than 5 MB.")
    _refused(app, client, listing_id, _huge_png_header(), "bomb.png", "The photo has too many pixels")
    good = image_bytes("JPEG", size=(400, 300))
    _refused(app, client, listing_id, good[: len(good) // 2], "cut.jpg",
             "This photo is damaged or incomplete")
    corrupted = bytearray(image_bytes("PNG", size=(200, 200)))
    corrupted[60:90] = b"\x00" * 30  # broken compressed data and CRC
    _refused(app, client, listing_id, bytes(corrupted), "broken.png", "This photo is damaged or incomplete")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    _refused(app, client, listing_id, gif.getvalue(), "anim.jpg", "This file is not a JPEG, PNG or WebP photo.")
    _refused(app, client, listing_id, b"", "empty.jpg", "Choose a photo to upload.")


def test_alt_text_is_required(app):
    listing_id = _setup(app)
    client = client_as(app, "mem@example.org")
    response = _upload(client, listing_id, image_bytes(), alt="   ")
    assert response.status_code == 422
    assert "Describe the photo" in response.get_data(as_text=True)
    with app.app_context():
        assert count(ListingPhoto) == 0


def test_accepted_photo_is_reencoded_without_exif_and_served(app):
    listing_id = _setup(app)
    client = client_as(app, "mem@example.org")
    original = image_bytes("JPEG", size=(3000, 2000), exif=True)
    assert "exif" in Image.open(io.BytesIO(original)).info
    assert _upload(client, listing_id, original, name="IMG_0001 secret name.jpg").status_code == 302
    with app.app_context():
        photo = db.session.scalar(select(ListingPhoto))
        assert photo.alt_text == "Ripe tomatoes in a crate"
        assert (photo.width, photo.height) == (1600, 1067)
        names = sorted(p.name for p in (Path(app.config["UPLOAD_DIR"]) / "listings").iterdir())
        assert names == sorted([photo.filename("display"), photo.filename("thumb")])
        assert not any("secret" in n or "IMG" in n for n in names)
        photo_id = photo.id
    for size, longest in (("display", 1600), ("thumb", 400)):
        response = app.test_client().get(f"/listings/{listing_id}/photos/{photo_id}/{size}")
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        served = Image.open(io.BytesIO(response.data))
        assert served.format == "WEBP" and max(served.size) == longest
        assert len(served.getexif()) == 0 and "exif" not in served.info
    assert app.test_client().get(f"/listings/{listing_id}/photos/{photo_id}/original").status_code == 404
    page = app.test_client().get(f"/listings/{listing_id}").get_data(as_text=True)
    assert 'alt="Ripe tomatoes in a crate"' in page


def test_png_and_webp_accepted_and_six_at_most(app):
    listing_id = _setup(app)
    client = client_as(app, "mem@example.org")
    for i in range(6):
        fmt = ("PNG", "WEBP", "JPEG")[i % 3]
        assert _upload(client, listing_id, image_bytes(fmt), name=f"p{i}.bin").status_code == 302, fmt
    page = client.get(f"/listings/{listing_id}/photos").get_data(as_text=True)
    assert "This listing has the most photos allowed (6)." in page
    response = _upload(client, listing_id, image_bytes())
    assert response.status_code == 409 and "at most 6 photos" in response.get_data(as_text=True)
    with app.app_context():
        assert count(ListingPhoto) == 6
        first = db.session.scalar(select(ListingPhoto).order_by(ListingPhoto.position))
        path = Path(app.config["UPLOAD_DIR"]) / "listings" / first.filename("thumb")
        first_id = first.id
    assert path.exists()
    assert client.post(f"/listings/{listing_id}/photos/{first_id}/delete").status_code == 302
    assert not path.exists()
    with app.app_context():
        assert count(ListingPhoto) == 5


def test_photos_of_unpublished_listings_are_not_served_to_the_public(app):
    listing_id = _setup(app, status=ListingStatus.DRAFT)
    client = client_as(app, "mem@example.org")
    assert _upload(client, listing_id, image_bytes("PNG")).status_code == 302
    with app.app_context():
        photo_id = db.session.scalar(select(ListingPhoto.id))
    url = f"/listings/{listing_id}/photos/{photo_id}/thumb"
    assert client.get(url).status_code == 200
    assert app.test_client().get(url).status_code == 404
    # A photo id under another listing's URL is not served either.
    other = _setup_other(app)
    assert app.test_client().get(f"/listings/{other}/photos/{photo_id}/thumb").status_code == 404


def _setup_other(app):
    with app.app_context():
        listing = make_listing(make_pact(make_group()))
        db.session.commit()
        return listing.id


def _upload_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"]) / "listings"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_failed_request_leaves_no_photo_files_behind(app, monkeypatch):
    """The files are written before the row's commit; when the request fails after that, they are removed."""
    from marketplace.listings import photos

    listing_id = _setup(app)
    client = client_as(app, "mem@example.org")

    def audit_fails(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(photos.audit, "record", audit_fails)
        assert _upload(client, listing_id, image_bytes("JPEG")).status_code == 500
    assert _upload_files(app) == []

    def commit_fails():
        from sqlalchemy.exc import OperationalError

        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", commit_fails)
        assert _upload(client, listing_id, image_bytes("JPEG")).status_code == 500
    assert _upload_files(app) == []
    with app.app_context():
        assert count(ListingPhoto) == 0

    # And a request that commits keeps its files.
    assert _upload(client, listing_id, image_bytes("JPEG")).status_code == 302
    assert len(_upload_files(app)) == 2


def test_photos_prune_removes_only_old_files_without_a_row(app, runner):
    """What a process killed between writing the files and committing the row leaves is pruned; kept photos,
    files of an upload still in flight (younger than the grace period) and files not named like ours stay."""
    listing_id = _setup(app)
    assert _upload(client_as(app, "mem@example.org"), listing_id, image_bytes("JPEG")).status_code == 302
    kept = _upload_files(app)
    folder = Path(app.config["UPLOAD_DIR"]) / "listings"
    an_hour_ago = time.time() - 2 * 3600
    orphans = [folder / "Zk3-orphan_token-display.webp", folder / "Zk3-orphan_token-thumb.webp"]
    in_flight = folder / "fresh_token-display.webp"
    not_ours = folder / "README.txt"
    for path in (*orphans, in_flight, not_ours):
        path.write_bytes(b"x")
    for path in (*orphans, not_ours, *(folder / name for name in kept)):
        os.utime(path, (an_hour_ago, an_hour_ago))

    dry = runner.invoke(args=["photos", "prune", "--dry-run"])
    assert dry.exit_code == 0 and "2 orphan file(s) found" in dry.output
    assert all(path.exists() for path in orphans)

    result = runner.invoke(args=["photos", "prune"])
    assert result.exit_code == 0, result.output
    assert "removed Zk3-orphan_token-display.webp" in result.output and "2 orphan file(s) removed" in result.output
    assert not any(path.exists() for path in orphans)
    assert in_flight.exists() and not_ours.exists()
    assert set(kept) <= set(_upload_files(app))
    assert runner.invoke(args=["photos", "prune", "--older-than", "0"]).exit_code != 0
