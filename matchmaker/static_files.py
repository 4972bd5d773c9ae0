"""Light pages on a weak connection: hashed, long-cached static files and compressed responses.

Static files are served by WhiteNoise under names that carry a hash of their content
(``app.3f2a1b4c5d6e.css``): the browser keeps them for a year without asking again, and a changed
file gets a new name. Each is stored beside its Brotli and gzip forms, which WhiteNoise picks by the
browser's ``Accept-Encoding``. Pages and JSON are compressed by Flask-Compress as they are sent.

The hashed copies live in ``instance/static-<hash of all files>/``, built once per content: every
worker that starts with the same files finds the same folder (it is written to a temporary name
and renamed, so that no worker reads a half-written one).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

HASH_LENGTH = 12
# A hashed name: the stem, a dot, twelve hex digits, the extension (app.3f2a1b4c5d6e.css).
HASHED_NAME = re.compile(r"\.[0-9a-f]{" + str(HASH_LENGTH) + r"}\.[A-Za-z0-9]+$")
# Headers of the app's own responses that static files carry too (CSP, nosniff, framing...).
SECURITY_HEADERS = (
    "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
    "Permissions-Policy", "Strict-Transport-Security", "Cross-Origin-Opener-Policy",
)

compress = Compress()


def hashed_name(relative: str, content: bytes) -> str:
    """``css/app.css`` → ``css/app.<first 12 hex digits of its SHA-256>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, extension = relative.rpartition(".")
    if not dot:
        return f"{relative}.{digest}"
    return f"{stem}.{digest}.{extension}"


def build_static(source: Path, instance: Path) -> tuple[Path, dict[str, str]]:
    """Copy ``source`` under hashed names (and the plain ones) with .br/.gz forms; return folder and manifest."""
    contents = {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
    manifest = {name: hashed_name(name, content) for name, content in contents.items()}
    everything = hashlib.sha256("\n".join(f"{k} {v}" for k, v in manifest.items()).encode()).hexdigest()
    target = instance / f"static-{everything[:HASH_LENGTH]}"
    if target.is_dir():
        return target, manifest
    instance.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".static-", dir=instance))
    try:
        compressor = Compressor(quiet=True)
        for name, content in contents.items():
            for written in (name, manifest[name]):
                path = building / written
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                if compressor.should_compress(written):
                    compressor.compress(str(path))
        try:
            os.rename(building, target)
        except OSError:
            if not target.is_dir():  # another worker won the race; anything else is an error
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target, manifest


def _security_headers(app: Flask) -> dict[str, str]:
    """The security headers the app puts on its own responses, to put on static files too."""
    with app.test_request_context("/static/"):
        response = app.process_response(app.response_class())
    return {name: value for name, value in response.headers.items() if name in SECURITY_HEADERS}


def init_static_files(app: Flask) -> None:
    """Serve static files hashed, precompressed and long-cached, and compress pages; call last."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)
    folder, manifest = build_static(Path(app.static_folder), Path(app.instance_path))
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def _hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    headers = _security_headers(app)

    def add_headers(response_headers, _path: str, _url: str) -> None:
        for name, value in headers.items():
            response_headers[name] = value

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(folder),
        prefix=app.static_url_path,
        # A plain name (an old page, a bookmark) may change: an hour, then ask again.
        max_age=3600,
        allow_all_origins=False,
        immutable_file_test=lambda _path, url: bool(HASHED_NAME.search(url)),
        add_headers_function=add_headers,
    )
