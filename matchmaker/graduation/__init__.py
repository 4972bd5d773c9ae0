"""Graduation: the readiness checklist, graduation records and their approval, follow-up check-ins."""
