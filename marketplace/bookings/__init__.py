"""Bookings: seats at occurrences and quantities of goods, waitlists, check-in."""
