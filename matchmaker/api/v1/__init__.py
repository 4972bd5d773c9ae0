"""The versioned integration API, ``/api/v1``, documented by an OpenAPI 3.1 document generated
from the code (flask-smorest) at ``/api/v1/openapi.json`` and browsable at ``/api/v1/docs``.

flask-smorest rather than APIFlask: it plugs into the existing Flask app and blueprints (APIFlask
wants its own app class), and its marshmallow schemas sit beside the WTForms forms the pages
already validate with. Its app-wide JSON error handler is not installed: the pages keep their
HTML error pages and the API's blueprints answer problem+json (see :mod:`.core`).
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from .core import PROBLEM_JSON
from .schemas import ProblemSchema

DESCRIPTION = """The Mitra Graduasi integration API.

Authenticate every request with a personal access token (create one on your account page):
`Authorization: Bearer mg_pat_…`. A token acts with exactly your role and areas; a read token
may only read. Session cookies are not accepted. Errors are `application/problem+json` in the
language of `Accept-Language` (Indonesian by default). Lists are paged with opaque cursors
(`next_cursor`); updates need `If-Match` with the ETag last read.
"""


class Api(SmorestApi):
    """flask-smorest's Api, with errors documented (and answered) as ``application/problem+json``."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Install no app-wide handler: the HTML pages keep theirs, API blueprints have their own."""

    def _register_responses(self) -> None:
        """The reusable responses of every error status, as problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        if "UNPROCESSABLE_CONTENT" not in http.HTTPStatus.__members__:
            # flask-smorest refers to 422 by its Python 3.13 name; before 3.13 it is UNPROCESSABLE_ENTITY.
            response = {"description": "Unprocessable Content", "schema": self.ERROR_SCHEMA}
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response("UNPROCESSABLE_CONTENT", response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def init_api(app: Flask) -> Api:
    """Mount ``/api/v1`` (its resources, the OpenAPI document and the documentation page) on ``app``."""
    app.config.setdefault("API_TITLE", "Mitra Graduasi API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })
    api = Api(app)
    from .dashboards import blp as dashboards_blp
    from .docs import bp as docs_bp
    from .graduation import blp as graduation_blp
    from .households import blp as households_blp
    from .imports import blp as imports_blp
    from .jobs import blp as jobs_blp
    from .matches import blp as matches_blp
    from .offers import blp as offers_blp
    from .proposals import blp as proposals_blp
    from .reference import blp as reference_blp

    api.register_blueprint(households_blp)
    api.register_blueprint(offers_blp)
    api.register_blueprint(reference_blp)
    api.register_blueprint(imports_blp)
    api.register_blueprint(jobs_blp)
    api.register_blueprint(graduation_blp)
    api.register_blueprint(dashboards_blp)
    api.register_blueprint(matches_blp)
    api.register_blueprint(proposals_blp)
    app.register_blueprint(docs_bp)
    return api
