"""Configuration read from the environment.

Every setting has a safe default for development; production supplies ``SECRET_KEY``
and ``DATABASE_URL`` through the environment (see README).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
INSTANCE_DIR = PROJECT_DIR / "instance"


def _database_url() -> str:
    """Return the configured database URL, normalising the bare ``postgresql://`` scheme."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'matchmaker.sqlite3'}"
    # psycopg 3 is the installed driver; hosting providers hand out plain postgres URLs.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    # hide_parameters: a failed statement's error (and so the log) names no values, which
    # would be personal data (a NIK, a name, a phone number).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # a facilitator may keep a form open for hours in the field
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # Login throttling counts failures here. "memory://" counts per worker process, so with
    # N gunicorn workers an attacker gets up to N x 5 tries a minute; production sets a shared
    # store such as redis://localhost:6379 (see README).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Set to the number of reverse proxies in front of the app, so that X-Forwarded-For is trusted.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "").lower() in ("1", "true", "yes")
    BABEL_DEFAULT_LOCALE = "id"
    # The installation's time zone: every "today" and every date or time shown (matchmaker.clock).
    # Asia/Jakarta (WIB) by default; Asia/Makassar (WITA) or Asia/Jayapura (WIT) in other
    # provinces. Checked at start-up; create_app copies it to BABEL_DEFAULT_TIMEZONE.
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Jakarta")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(PACKAGE_DIR / "translations")
    LANGUAGES = ("id", "en")
    PASSWORD_RESET_HOURS = 48
    PER_PAGE = 25
    # NIKs held by another facilitator's household that one facilitator may submit in 24 hours
    # (each becomes a case for the coordinator); past it, no new NIK is checked for her until
    # the window moves on (see matchmaker.households.collisions).
    NIK_COLLISION_DAILY_LIMIT = int(os.environ.get("NIK_COLLISION_DAILY_LIMIT", "20"))
    # The kabupaten this installation serves: forms offer its kecamatan and desa.
    HOME_DISTRICT = os.environ.get("HOME_DISTRICT", "32.01")
    # Graduation readiness: the kabupaten minimum wage (UMK) and the BPS poverty line per person,
    # in Rupiah a month. Defaults for Kab. Bogor 2026, rounded: the UMK has been above Rp4.8 juta
    # since 2024 (Rp5 juta here, not checked against the 2026 decree); the poverty line is about
    # Rp600.000 per person. Set both from the governor's decree and BPS each January.
    GRADUATION_UMK = int(os.environ.get("GRADUATION_UMK", "5000000"))
    GRADUATION_POVERTY_LINE = int(os.environ.get("GRADUATION_POVERTY_LINE", "600000"))
    # Days without signing in online after which a phone deletes every page and queued action it
    # keeps for offline work (matchmaker.offline; enforced by the phone's script even without signal).
    OFFLINE_MAX_DAYS = int(os.environ.get("OFFLINE_MAX_DAYS", "14"))


class TestConfig(Config):
    """Settings for the test suite: a throwaway database and a fixed secret."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - only used by tests
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    # Tests load regions and search them at once: never trust a cached region index.
    REGION_INDEX_RECHECK_SECONDS = 0
