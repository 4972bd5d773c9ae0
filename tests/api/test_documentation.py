"""The OpenAPI document and the interactive documentation, served by the app itself under its CSP."""

from __future__ import annotations

import re


def test_openapi_document_is_3_1_and_describes_every_v1_route(app, client):
    """Integrators would read a document that misses routes, or one a 3.1 tool cannot load."""
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item if method != "parameters"}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api_v1_") and not rule.endpoint.startswith("api_v1_docs.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes == documented
    not_found = document["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(not_found) == ["application/problem+json"]


def test_documentation_page_uses_only_the_apps_own_assets(client):
    """The documentation would load scripts from a CDN, or break under the app's Content-Security-Policy."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source
    assert 'data-spec-url="/api/v1/openapi.json"' in page
