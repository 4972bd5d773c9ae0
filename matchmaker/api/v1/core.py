"""What every ``/api/v1`` route shares: token authentication, language, problem+json errors,
rate limits per token, ETags, cursors and the audit row of each request.

Only ``Authorization: Bearer <token>`` authenticates here, for reads and writes alike: a
session cookie is ignored, so a page on another site cannot make a logged-in browser call the
API (no CSRF hole), and every request is tied to a token that its owner can revoke. The API
is therefore exempt from Flask-WTF's CSRF check.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions
from werkzeug.wrappers import Response

from ...audit import record_audit
from ...auth import tokens
from ...extensions import csrf, db, limiter, login_manager
from ...models import ApiTokenScope, utcnow
from .schemas import MARSHMALLOW_MESSAGES

PROBLEM_JSON = "application/problem+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_RATE_LIMIT = "300 per minute"
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class ApiProblem(HTTPException):
    """An error answered as problem+json: ``slug`` names its type, ``errors`` the fields at fault."""

    def __init__(self, status: int, slug: str, title: str, detail: str, *,
                 errors: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.code = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors or {}
        self.extra_headers = headers or {}


def _titles() -> dict[int, tuple[str, str, str]]:
    """Slug, title and detail of each HTTP error status, in the current language."""
    return {
        400: ("bad-request", _("Request not understood"), _("The request could not be understood.")),
        401: ("unauthorized", _("Token needed"),
              _("Send a valid personal access token: Authorization: Bearer <token>.")),
        403: ("forbidden", _("Not allowed"), _("Your account does not have access to this.")),
        404: ("not-found", _("Not found"), _("It does not exist or is not available to you.")),
        405: ("method-not-allowed", _("Method not allowed"), _("This address does not accept this method.")),
        409: ("conflict", _("Conflict"), _("The request conflicts with the current state.")),
        412: ("precondition-failed", _("Changed in the meantime"),
              _("The household was changed since you read it. Read it again and repeat your change.")),
        413: ("too-large", _("File too large"), _("The request is larger than the app accepts.")),
        415: ("unsupported-media-type", _("Unsupported body"), _("Send the body as application/json.")),
        422: ("validation", _("Some fields are not valid"), _("Correct the fields listed in errors.")),
        428: ("precondition-required", _("If-Match needed"),
              _("Send the ETag you read in an If-Match header, so that no change is overwritten unseen.")),
        429: ("too-many-requests", _("Please wait"), _("Too many requests for this token.")),
        500: ("server-error", _("Something went wrong"), _("The error has been noted. Try again later.")),
        503: ("unavailable", _("Temporarily unavailable"), _("The database cannot be reached. Try again in a minute.")),
    }


def problem(status: int, detail: str | None = None, *, errors: dict[str, list[str]] | None = None,
            headers: dict[str, str] | None = None) -> ApiProblem:
    """An :class:`ApiProblem` for ``status`` with its usual title (and detail unless given)."""
    slug, title, usual = _titles().get(status, ("error", _("Error"), _("The request failed.")))
    return ApiProblem(status, slug, title, detail or usual, errors=errors, headers=headers)


def problem_response(error: ApiProblem) -> Response:
    """The problem+json answer of ``error``."""
    body: dict[str, Any] = {
        "type": f"urn:mitra-graduasi:problem:{error.slug}",
        "title": error.title,
        "status": error.code,
        "detail": error.detail,
        "instance": request.path,
    }
    if error.errors:
        body["errors"] = error.errors
    response = jsonify(body)
    response.status_code = error.code or 500
    response.content_type = PROBLEM_JSON
    for name, value in error.extra_headers.items():
        response.headers[name] = value
    return response


def _translate(message: Any) -> str:
    text = str(message)
    return str(MARSHMALLOW_MESSAGES.get(text, text))


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Webargs' nested ``{"json": {"components": {"x": ["…"]}}}`` as ``{"components.x": ["…"]}``."""
    if isinstance(messages, dict):
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            # Lists of nested errors are keyed by index; "_schema" is about the whole body.
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            for field_name, texts in _flatten(value, name).items():
                out.setdefault(field_name, []).extend(texts)
        return out
    if isinstance(messages, list | tuple):
        out = {}
        for item in messages:
            for field_name, texts in _flatten(item, prefix).items():
                out.setdefault(field_name, []).extend(texts)
        return out
    return {prefix: [_translate(messages)]}


def handle_http_exception(error: HTTPException) -> Response:
    """Every HTTP error of an API route, including webargs' validation errors, as problem+json."""
    if "api_language_stack" not in g:
        # Refused before the blueprint's own checks ran (the rate limit is checked first).
        use_caller_language()
    if isinstance(error, ApiProblem):
        return problem_response(error)
    if isinstance(error, RateLimitExceeded):
        return problem_response(_rate_limited())
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    if "messages" in data:
        errors: dict[str, list[str]] = {}
        for location_messages in data["messages"].values():
            for name, texts in _flatten(location_messages).items():
                errors.setdefault(name, []).extend(texts)
        if status == 400:  # webargs' "Invalid JSON body."
            return problem_response(problem(400, " ".join(errors.get("", [])) or None, errors=None))
        return problem_response(problem(status, errors=errors))
    headers = {}
    if status == 405 and error.get_headers():
        headers = {name: value for name, value in error.get_headers() if name == "Allow"}
    return problem_response(problem(status, headers=headers))


API_PREFIX = "/api/v1"


def is_api_path(path: str) -> bool:
    """Whether ``path`` is under ``/api/v1``, where errors are problem+json rather than pages."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def answer_unrouted(error: HTTPException) -> Response:
    """A 404 or 405 under ``/api/v1`` that no API route took (an unknown path, a wrong method):
    problem+json in the caller's language, as the API's own routes answer."""
    languages = current_app.config["LANGUAGES"]
    language = request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    headers = {name: value for name, value in error.get_headers() if name == "Allow"}
    with force_locale(language):
        return problem_response(problem(error.code or 404, headers=headers))


def handle_database_outage(error: OperationalError) -> Response:
    """The database is away: a 503 problem, nothing written."""
    db.session.rollback()
    login_manager._update_request_context_with_user()
    current_app.logger.error("database unavailable: %s", type(error).__name__)
    return problem_response(problem(503))


def handle_server_error(error: InternalServerError) -> Response:
    """An unexpected error: a 500 problem without a traceback (the log has it)."""
    db.session.rollback()
    return problem_response(problem(500))


def _rate_limited() -> ApiProblem:
    current = limiter.current_limit
    window = current.limit.get_expiry() if current else 60
    wait = min(window, max(1, math.ceil(current.reset_at - time.time()))) if current else window
    detail = _("Too many requests for this token. Wait %(seconds)s seconds and try again.", seconds=wait)
    return problem(429, detail, headers={"Retry-After": str(wait)})


def rate_limit_key() -> str:
    """Requests are counted per token (by its hash, before it is even looked up), else per address."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "api-token:" + tokens.hash_token(secret.strip())[:32]
    return "api-address:" + get_remote_address()


def rate_limit_value() -> str:
    """The configured limit per token (``API_RATE_LIMIT``, e.g. ``300 per minute``)."""
    return current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT


def use_caller_language() -> None:
    """Answer in the caller's ``Accept-Language`` (Indonesian or English), Indonesian by default."""
    languages = current_app.config["LANGUAGES"]
    language = request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    stack = ExitStack()
    stack.enter_context(force_locale(language))
    g.api_language_stack = stack


def authenticate() -> None:
    """Find the bearer token and act as its owner for this request; refuse otherwise.

    The owner becomes ``current_user`` for this request only (the session is not touched), so
    that the pages' role decorators and query scoping apply unchanged.
    """
    use_caller_language()
    g.api_token = None
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
    if scheme.lower() != "bearer" or not secret.strip():
        raise problem(401, headers=challenge)
    token = tokens.find_token(secret.strip())
    if token is None:
        raise problem(
            401, _("The token is not valid: it may be mistyped, revoked or expired, or the account is disabled."),
            headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'},
        )
    g.api_token = token
    login_manager._update_request_context_with_user(token.user)
    if request.method not in SAFE_METHODS and token.scope != ApiTokenScope.WRITE:
        raise problem(
            403, _("This token may only read. Create a token that may read and change."),
            headers={"WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope", scope="write"'},
        )


def audit_request(response: Response) -> Response:
    """Record the request (who, which token, what, the outcome) like a page view; commit it.

    The detail holds ids and counts only, never a NIK, a name or a query's text.
    """
    token = getattr(g, "api_token", None)
    if token is None:
        return response
    target = getattr(g, "api_target", (None, None))
    detail: dict[str, Any] = {
        "token": token.id, "method": request.method, "endpoint": request.endpoint, "status": response.status_code,
    }
    detail.update(getattr(g, "api_audit_detail", {}))
    if response.status_code >= 500:
        db.session.rollback()
    record_audit(token.user, "api.request", target[0], target[1], **detail)
    token.last_used_at = utcnow()
    db.session.commit()
    return response


def close_language(_error: BaseException | None = None) -> None:
    """Undo the forced locale at the end of the request."""
    stack = g.pop("api_language_stack", None)
    if stack is not None:
        stack.close()


def protect(blueprint: Blueprint) -> Blueprint:
    """Give an API blueprint token authentication, problem+json errors, its rate limit and auditing."""
    blueprint.before_request(authenticate)
    blueprint.after_request(audit_request)
    blueprint.teardown_request(close_language)
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    # Flask prefers a handler registered for the status code (the app's HTML 404, 429 …) over one
    # for the class, whichever blueprint: so the API's handler is registered for each code too.
    for code in default_exceptions:
        blueprint.register_error_handler(code, handle_http_exception)
    blueprint.register_error_handler(OperationalError, handle_database_outage)
    blueprint.register_error_handler(InternalServerError, handle_server_error)
    csrf.exempt(blueprint)
    limiter.limit(rate_limit_value, key_func=rate_limit_key, scope="api-v1")(blueprint)
    return blueprint


def refuse_nul(values: dict[str, Any]) -> None:
    """A 422 problem naming each field whose text holds a NUL character, which no column can store."""

    def holds_nul(value: Any) -> bool:
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            return any(holds_nul(item) for item in value.values())
        if isinstance(value, list | tuple):
            return any(holds_nul(item) for item in value)
        return False

    bad = [name for name, value in values.items() if holds_nul(value)]
    if bad:
        text = _("This text contains a character that is not allowed (NUL).")
        raise problem(422, errors={name: [text] for name in bad})


# ETags and If-Match ---------------------------------------------------------------------------


def etag_of(representation: dict[str, Any]) -> str:
    """A strong ETag: a digest of the resource's full state (whatever part the caller may see)."""
    payload = json.dumps(representation, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:40]


def require_if_match(current_etag: str) -> None:
    """Refuse an update without ``If-Match`` (428) or with a stale one (412): never overwrite unseen."""
    if "If-Match" not in request.headers or request.if_match.star_tag:
        raise problem(428)
    if not request.if_match.contains(current_etag):
        raise problem(412)


# Cursors --------------------------------------------------------------------------------------


def _cursor_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-v1-cursor")


def query_fingerprint(values: dict[str, Any]) -> str:
    """A short digest of a list's filters: a cursor only continues the query it came from."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode("utf-8")).hexdigest()[:12]


def encode_cursor(position: dict[str, Any], fingerprint: str) -> str:
    """An opaque, signed cursor (it carries ids and positions, never a name)."""
    return _cursor_serializer().dumps({"p": position, "f": fingerprint})


def list_page(
    items: list[Any], next_position: dict[str, Any] | None, fingerprint: str, limit: int, *,
    target: str | None = None, **fields: Any,
) -> dict[str, Any]:
    """The answer of a list operation: ``fields`` (such as the period), the page's ``items``, the
    cursor to the page at ``next_position`` (None on the last page) and the ``limit``. The audit
    records how many items were read, of the ``target`` kind when given."""
    if target is not None:
        g.api_target = (target, None)
    g.api_audit_detail = {"count": len(items)}
    return {
        **fields,
        "items": items,
        "next_cursor": encode_cursor(next_position, fingerprint) if next_position else None,
        "limit": limit,
    }


def decode_cursor(cursor: str | None, fingerprint: str) -> dict[str, Any] | None:
    """The position a cursor stands for; a 422 problem for a forged, damaged or foreign cursor."""
    if not cursor:
        return None
    try:
        data = _cursor_serializer().loads(cursor)
    except (BadSignature, ValueError, UnicodeError):
        data = None
    if not isinstance(data, dict) or data.get("f") != fingerprint or not isinstance(data.get("p"), dict):
        raise problem(422, errors={"cursor": [_("This cursor is not valid for this list. Start again without it.")]})
    return data["p"]


MAX_ID = 2**31 - 1  # ids are INTEGER columns: past this no row exists, and PostgreSQL refuses the comparison

Row = TypeVar("Row")


def found_or_404(find: Callable[[int], Row | None], row_id: int, target: str, *,
                 for_update: bool = False) -> Row:
    """The row ``find`` (the pages' own scoped lookup) gives for ``row_id``, else a 404 problem.

    ``for_update`` locks the row until the write commits, so that two writers holding the same
    ETag cannot both pass the If-Match check (PostgreSQL; SQLite serialises writes anyway).
    The row becomes the request's audit target, named ``target``.
    """
    row = find(row_id) if row_id <= MAX_ID else None
    if row is None:
        raise problem(404)
    if for_update:
        model = type(row)
        db.session.execute(select(model.id).where(model.id == row.id).with_for_update())
        db.session.refresh(row)
    g.api_target = (target, row.id)
    return row


def page_size(limit: int | None) -> int:
    """The page size asked for, checked: 1 to :data:`MAX_PAGE_SIZE`."""
    if limit is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise problem(422, errors={"limit": [_("Ask for 1 to %(max)d results.", max=MAX_PAGE_SIZE)]})
    return limit

