"""Keyboard focus stays visible, and the page checks of conftest catch what they should."""

from __future__ import annotations

import re

from tests.browser.conftest import DESKTOP, PHONE

FOCUS_STYLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return {tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""


def _tab_to_link(page, key: str, inside: str) -> dict:
    for _ in range(15):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "A" and page.evaluate(f"document.activeElement.closest('{inside}') !== null"):
            return focused
    raise AssertionError(f"no link in {inside} reached with {key}")


def test_tabbing_to_a_link_shows_a_visible_focus_ring(live_server, new_page):
    """A keyboard user would not see where she is on the page."""
    page = new_page(DESKTOP)
    page.goto(f"{live_server.url}/auth/login")
    # The e-mail field has the focus; back up into the green top bar, then forward into the page.
    in_bar = _tab_to_link(page, "Shift+Tab", "header")
    assert in_bar["style"] == "solid" and in_bar["width"] >= 2 and in_bar["color"] == "rgb(255, 255, 255)"
    in_page = _tab_to_link(page, "Tab", "main")
    assert in_page["style"] == "solid" and in_page["width"] >= 2 and in_page["color"] == "rgb(27, 31, 35)"


def test_page_checks_catch_a_violation_and_sideways_scrolling(live_server, new_page, page_audit):
    """The browser tests would pass pages that screen readers or phones cannot use."""
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/auth/login")
    assert page_audit.problems == []
    page.evaluate("""() => {
      const image = document.createElement('img');
      image.src = '/static/favicon.svg';
      const wide = document.createElement('div');
      wide.style.width = '600px';
      wide.textContent = 'x';
      document.querySelector('main').append(image, wide);
      location.hash = 'changed';
    }""")
    page_audit.check(page)
    found = "\n".join(page_audit.problems)
    assert "axe image-alt" in found and re.search(r"/auth/login#changed: \d+ px wide at 360 px", found)
    page_audit.problems.clear()  # found on purpose: the test's own pages stay clean
