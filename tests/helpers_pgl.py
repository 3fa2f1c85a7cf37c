"""Small helpers shared by the pacts/groups/listings tests."""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from marketplace.extensions import db
from models import AuditLog
from tests.factories import login


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def audit_actions(object_type: str | None = None, object_id: int | None = None) -> list[str]:
    query = select(AuditLog.action).order_by(AuditLog.id)
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditLog.object_id == object_id)
    return list(db.session.scalars(query))


def client_as(app, email: str | None):
    client = app.test_client()
    if email:
        response = login(client, email)
        assert response.status_code == 302, f"cannot log in as {email}"
    return client


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False, color=(200, 40, 40)) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."         # Make
        data[0x0110] = "Model X"             # Model
        data[0x8825] = {2: (46.0, 46.0, 1.0)}  # GPS IFD: latitude
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()
