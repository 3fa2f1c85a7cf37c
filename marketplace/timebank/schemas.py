"""Marshmallow schemas of the wallet API (output only: the API is read-only)."""
from __future__ import annotations

from marshmallow import Schema, fields

from .. import schema_messages as checks


class EntriesQuerySchema(Schema):
    before_id = fields.Integer(load_default=None, validate=checks.between(1), error_messages=checks.WHOLE)
    limit = fields.Integer(load_default=50, validate=checks.between(1, 200), error_messages=checks.WHOLE)


class WalletSchema(Schema):
    account_id = fields.Integer()
    balance_minutes = fields.Integer()
    held_minutes = fields.Integer()
    available_minutes = fields.Integer()
    floor_minutes = fields.Integer(allow_none=True)


class EntrySchema(Schema):
    id = fields.Integer()
    created_at = fields.DateTime()
    amount_minutes = fields.Integer()
    reason = fields.String()
    reference = fields.String()
    transfer_id = fields.Integer()


class EntriesPageSchema(Schema):
    entries = fields.List(fields.Nested(EntrySchema))
    next_before_id = fields.Integer(allow_none=True)
