"""City moderation: the review queue, decisions on listings, reports,
appeals, user suspension and the audit log page.

The audit log's append-only guards live with the model
(models/audit_log.py) so they hold wherever the model is used.
"""
from models.audit_log import AuditLogIsAppendOnly

__all__ = ["AuditLogIsAppendOnly"]
