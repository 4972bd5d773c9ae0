"""Run Debian's wapiti 3.0.4 with two of its bugs fixed, so that it tests what it claims to.

1. It compiles each ``-x`` pattern as ``<pattern>\\Z(?ms)``; Python 3.11 refuses global flags
   that are not at the start of an expression, so any ``-x`` crashes the scan. Upstream
   rewrote the function later (wapiti-scanner/wapiti#437); we put the flags in front.
2. It sends the text fields of a multipart form (our household import) as file parts
   (``filename="csrf_token"``), so the app never sees the CSRF token: every request to that
   form is refused with 400, the form goes untested, and the csrf module then reports the
   token as "not properly checked" because the real and the tampered token get the same 400.
   We send text fields as plain parts, as a browser does.

Run it with the interpreter wapiti is installed for (``/usr/bin/python3``), not the venv.
"""

from __future__ import annotations

import copy
import re
import sys


def wildcard_translate(pattern: str) -> re.Pattern[str]:
    """A ``*`` wildcard pattern as a regular expression matching whole URLs."""
    body = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile(r"(?ms)" + body + r"\Z")


def multipart_safe_post(original):
    """Wrap ``Crawler.post`` so that a multipart form's text fields travel as text parts."""

    def post(self, form, follow_redirects=False, headers=None):
        if form.is_multipart and form.post_params:
            # requests sends a (name, (None, value)) part without a filename, i.e. as a text field.
            form = copy.copy(form)
            text_parts = [[name, (None, value)] for name, value in form.post_params]
            form._file_params = text_parts + list(form.file_params)
            form._post_params = []
        return original(self, form, follow_redirects, headers)

    return post


def main() -> int:
    """Patch the crawler, then run ``wapiti`` with this script's arguments."""
    from wapitiCore.net import crawler

    crawler.wildcard_translate = wildcard_translate
    crawler.Crawler.post = multipart_safe_post(crawler.Crawler.post)
    from wapitiCore.main.wapiti import wapiti_main

    sys.argv[0] = "wapiti"
    return wapiti_main() or 0


if __name__ == "__main__":
    sys.exit(main())
