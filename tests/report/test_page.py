"""conformance.html in a real browser, at desktop and at phone width: what a reader must see is
there and in order (the verdict, the root causes first, each failure's expected vs actual and its
reproducer, the area table, the matrix), the page fetches nothing and never scrolls sideways.
Screenshots land in reports/screenshots/."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from scimcert import paths
from tests.report import browser

CHROMIUM = browser.find()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium; "
                             ".ci/run installs it)")
SCREENSHOTS = paths.root() / "reports" / "screenshots"
DEVICES = {"desktop": (1280, 900), "phone": (390, 844)}
ORDER = ["Root causes", "Needs attention", "By area", "IdP compatibility by scenario",
         "RFC conformance", "Interop profile (IETF draft)", "IdP compatibility"]


class Assets(HTMLParser):
    """Every URL the page would fetch by itself: src of any element, href of a <link>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if value and (name == "src" or (tag == "link" and name == "href")):
                self.urls.append(value)


@pytest.fixture(scope="module", params=list(DEVICES))
def device(request):
    return request.param


def seen(run, name: str, device: str) -> dict:
    folder, _ = run
    width, height = DEVICES[device]
    return browser.render(CHROMIUM, folder / "conformance.html", width, height,
                          SCREENSHOTS / f"{name}-{device}.png")


def section(text: str, start: str, end: str) -> str:
    """The rendered text from heading `start` to the next heading `end`."""
    begin = text.index(f"\n{start}\n")
    return text[begin:text.index(f"\n{end}\n", begin)]


def test_the_page_has_no_script_and_no_asset_from_elsewhere(clean, broken):
    for folder, _ in (clean, broken):
        assets = Assets()
        assets.feed((folder / "conformance.html").read_text(encoding="utf-8"))
        assert assets.scripts == 0
        assert assets.urls == []


def test_a_failing_run_shows_its_verdict_first_then_root_causes_then_evidence(broken, device):
    shown = seen(broken, "failing", device)
    assert shown["resources"] == []
    assert shown["scrollWidth"] <= shown["width"], "the page scrolls sideways"
    assert 0 < shown["verdict"]["bottom"] <= shown["height"], "the verdict is below the fold"
    headings = [h["text"] for h in sorted(shown["headings"], key=lambda h: h["top"])]
    assert headings == ORDER
    text = shown["text"]
    assert "RFC conformance\n9 of 10 not met" in text
    causes = section(text, "Root causes", "Needs attention")
    assert "rfc7644/3.3/created-201 unexpected HTTP status — blocks 11 tests" in causes
    assert "reproduce: curl -sS -i -X POST" in causes
    attention = section(text, "Needs attention", "By area")
    failure = attention[attention.index("rfc7643/3.1/id-server-assigned"):]
    assert "expected: 201" in failure and "actual:   200" in failure
    assert "reproduce: curl -sS -i -X POST" in failure
    areas = section(text, "By area", "IdP compatibility by scenario")
    assert "users\t1\t2\t" in areas
    matrix = section(text, "IdP compatibility by scenario", "RFC conformance")
    assert "rehire\tblocked\tblocked" in matrix and "canary\tmet" in matrix
    assert (SCREENSHOTS / f"failing-{device}.png").stat().st_size > 0


def test_a_passing_run_says_so_and_lists_nothing_to_fix(clean, device):
    shown = seen(clean, "passing", device)
    assert shown["resources"] == []
    assert shown["scrollWidth"] <= shown["width"]
    assert 0 < shown["verdict"]["bottom"] <= shown["height"]
    text = shown["text"]
    # A verdict card for RFC conformance and one per IdP (Entra ID, Okta, 1Password), none bad.
    assert "RFC conformance\nall 10 met" in text and "Microsoft Entra ID\nall" in text
    assert " of " not in text.split("Nothing failed")[0].split("RFC conformance", 1)[1]
    assert "Root causes" not in [h["text"] for h in shown["headings"]]
    assert "Nothing failed and nothing deviated." in text
    assert (SCREENSHOTS / f"passing-{device}.png").stat().st_size > 0
