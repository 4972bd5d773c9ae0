"""Helpers of the API tests: tokens for users, bearer requests, a valid new household body."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from matchmaker.auth.tokens import create_token
from matchmaker.models import User
from tests.conftest import SUKAMAJU

# A woman born 12 March 1985 in Kec. Cibungbulang: the NIK's date part agrees (day + 40).
NEW_HOUSEHOLD: dict[str, Any] = {
    "nik": "3201165203850002",
    "full_name": "Imas Masitoh",
    "birth_date": "1985-03-12",
    "phone": "0813-1111-2222",
    "desa_code": SUKAMAJU,
    "components": {"anak_sd": 2},
    "skills_text": "jahit baju",
    "work_preference": "own_business",
    "travel_range": "kecamatan",
    "hours_per_week": 20,
}


def token_for(user: User, scope: str = "write", days: int = 30) -> str:
    """A new token of ``user`` (its secret)."""
    return create_token(user, f"script {scope}", scope, days).secret


def bearer(secret: str, language: str | None = None, **headers: str) -> dict[str, str]:
    """Request headers carrying ``secret`` (and an Accept-Language when given)."""
    out = {"Authorization": f"Bearer {secret}", **headers}
    if language:
        out["Accept-Language"] = language
    return out


def call(client: FlaskClient, method: str, url: str, secret: str | None, *, language: str | None = None,
         headers: dict[str, str] | None = None, **kwargs: Any):
    """``method`` on ``url`` with the token ``secret`` (none when None)."""
    all_headers = dict(headers or {})
    if secret is not None:
        all_headers.update(bearer(secret, language))
    elif language:
        all_headers["Accept-Language"] = language
    return client.open(url, method=method, headers=all_headers, **kwargs)
