"""The API's interactive documentation: Swagger UI served by the app itself.

The assets are vendored from the npm package ``swagger-ui-dist`` 5.35.0 (Apache-2.0, licence in
``static/vendor/swagger-ui/``); the initialiser is ``static/api-docs.js``, so that the page
runs under the app's strict Content-Security-Policy (no inline script, no CDN).
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

bp = Blueprint("api_v1_docs", __name__, url_prefix="/api/v1")


@bp.get("/docs")
def docs():
    """Swagger UI on ``/api/v1/openapi.json`` (public: it describes the API, it holds no data)."""
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
