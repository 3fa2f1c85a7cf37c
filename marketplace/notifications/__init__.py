"""In-app notifications, mirrored by email through the outbox."""
