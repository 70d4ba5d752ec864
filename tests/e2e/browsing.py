"""A Visitor is one person in one browser context, with the checks every page must pass.

Every page a journey lands on goes through `Visitor.check(step)`: a screenshot at desktop and at
phone width (360 px, where the page must not scroll sideways), an axe-core run that fails on
"serious" or "critical" violations, and no server error (5xx) or browser console error so far. `assert_clean()` at the end also fails when a
page was navigated to but never checked, so no page of a journey escapes the checks.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Download, Page

E2E_DIR = Path(__file__).parent
SCREENSHOTS = E2E_DIR / "screenshots"
AXE_SOURCE = (E2E_DIR / "assets" / "axe.min.js").read_text(encoding="utf-8")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "correct-horse-battery"

# Runs axe on the whole document; only violations are returned, to keep the payload small.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "")),
  }));
}"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


class Visitor:
    def __init__(
        self,
        browser: Browser,
        base_url: str,
        *,
        journey: str,
        name: str,
        phone: bool = False,
        locale: str = "en-CA",
    ):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.folder = SCREENSHOTS / _slug(journey)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"{_slug(name)}-*.png"):
            old.unlink()
        self.steps = 0
        self.server_errors: list[str] = []
        self.console_errors: list[str] = []
        self.navigated: list[str] = []
        self.checked: set[str] = set()
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP, accept_downloads=True, locale=locale
        )
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self.page.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        self.page.on("framenavigated", self._on_navigated)

    # -- listeners -------------------------------------------------------------------------
    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith(self.base_url):
            self.navigated.append(self._path(frame.url))

    # -- navigation ------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def _path(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def path(self) -> str:
        return self._path(self.page.url)

    def goto(self, path: str, step: str) -> Page:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        self.check(step)
        return self.page

    def click_and_check(self, locator, step: str) -> Page:
        """Click something that loads a new page, then check that page."""
        with self.page.expect_navigation():
            locator.click()
        self.check(step)
        return self.page

    def nav(self, name: str):
        """A link of the site's main navigation."""
        return self.page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name=name, exact=True
        )

    def download(self, locator) -> Download:
        with self.page.expect_download() as info:
            locator.click()
        return info.value

    # -- checks ----------------------------------------------------------------------------
    def screenshot(self, step: str) -> None:
        self.steps += 1
        base = self.folder / f"{_slug(self.name)}-{self.steps:02d}-{_slug(step)}"
        self.page.screenshot(path=f"{base}.png", full_page=True)
        original = self.page.viewport_size
        if original and original["width"] != PHONE["width"]:
            self.page.set_viewport_size(PHONE)
            self.page.screenshot(path=f"{base}-360.png", full_page=True)
            self.assert_fits_a_phone(step)
            self.page.set_viewport_size(original)
        else:
            self.assert_fits_a_phone(step)

    def assert_fits_a_phone(self, step: str) -> None:
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (
            f"{self.path} ({step}) scrolls sideways on a {PHONE['width']} px phone: {width} px wide"
        )

    def axe_violations(self) -> list[dict]:
        # page.evaluate is not subject to the page's Content-Security-Policy, unlike a script tag,
        # so the same check keeps working under a strict CSP without bypass_csp (which would hide
        # the CSP violations the console check is there to catch).
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(f"() => {{ {AXE_SOURCE}\n }}")
            self.page.evaluate("() => { if (!window.axe) { throw new Error('axe-core did not load'); } }")
        return self.page.evaluate(AXE_RUN)

    def check(self, step: str) -> None:
        self.page.wait_for_load_state("load")
        self.screenshot(step)
        blocking = [v for v in self.axe_violations() if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe on {self.path} ({step}):\n" + "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking
        )
        self.checked.add(self.path)
        self.assert_no_errors(step)

    def assert_no_errors(self, step: str = "") -> None:
        assert not self.server_errors, f"server errors by {step}: {self.server_errors}"
        assert not self.console_errors, f"browser console errors by {step}: {self.console_errors}"

    def assert_clean(self) -> None:
        self.assert_no_errors("the end")
        unchecked = [p for p in dict.fromkeys(self.navigated) if p not in self.checked]
        assert not unchecked, f"pages visited without the axe/screenshot check: {unchecked}"

    # -- people ----------------------------------------------------------------------------
    def log_in(self, email: str, password: str = PASSWORD) -> None:
        self.goto("/accounts/login/", "log in")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.click_and_check(self.page.get_by_role("button", name="Sign in"), "logged in")

    def close(self) -> None:
        self.context.close()
