"""Households: KPM profiles, the caseload, import and export of household sheets."""
