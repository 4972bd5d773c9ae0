"""Light on a weak connection: compressed pages, hashed long-cached static files, a warm region picker."""

from __future__ import annotations

import gzip
import re

import brotli

from matchmaker.static_files import build_static


def _stylesheet_url(client) -> str:
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_pages_are_compressed_for_browsers_that_accept_it(client):
    """Every page would cost several times its size on a 400 kbps link."""
    plain = client.get("/auth/login")
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/auth/login", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    squeezed = client.get("/auth/login", headers={"Accept-Encoding": "br, gzip"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.data) == plain.data and len(squeezed.data) < len(plain.data) / 2
    assert squeezed.headers["Cache-Control"] == "no-store"


def test_stylesheet_has_a_content_hashed_name_cached_for_good(client):
    """The stylesheet would be asked for again on every page, a round trip each time."""
    url = _stylesheet_url(client)
    assert re.fullmatch(r"/static/app\.[0-9a-f]{12}\.css", url)
    response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"] and "max-age=315360000" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    plain = client.get("/static/app.css")
    assert brotli.decompress(response.data) == plain.data
    assert "immutable" not in plain.headers["Cache-Control"]
    response.close()
    plain.close()


def test_a_changed_file_gets_a_new_name(tmp_path):
    """A browser would keep an old stylesheet for a year after the file changed."""
    source = tmp_path / "static"
    source.mkdir()
    (source / "app.css").write_text("body { color: #111; }\n" * 50)
    folder, first = build_static(source, tmp_path / "instance")
    assert (folder / first["app.css"]).read_bytes() == (source / "app.css").read_bytes()
    assert (folder / (first["app.css"] + ".br")).exists() and (folder / (first["app.css"] + ".gz")).exists()
    assert build_static(source, tmp_path / "instance") == (folder, first)
    (source / "app.css").write_text("body { color: #000; }\n" * 50)
    _folder, second = build_static(source, tmp_path / "instance")
    assert second["app.css"] != first["app.css"]
