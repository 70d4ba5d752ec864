"""PDF rendering with WeasyPrint.

PDF templates live under templates/pdf/ and extend pdf/base.html. They refer to
static files by paths relative to static/ (``<img src="img/logo.svg">``), not with
``{% static %}``: relative URLs resolve against the static directory on disk.

Rendering is tuned for many small documents (certificates): each worker thread
keeps one font configuration, so fonts are loaded once rather than per PDF, and
parses each template's ``<style>`` once. A ``<style>`` must therefore not
interpolate context values; its CSS is keyed by its text.
"""

import base64
import hashlib
import logging
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Templates are ours and context values are escaped, so text typed by a user
# cannot open a <style> element.
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_MAX_STYLESHEETS = 32


class StaticFileFetcher(URLFetcher):
    """Fetch only files under the static directory, and inline data: URLs.

    A PDF is rendered in a worker from text people typed: it must never reach the
    network (SSRF, slow renders) nor embed a file outside static/ (WeasyPrint
    can attach any file it can read to the PDF)."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not self._allows(url):
            logger.warning("PDF resource refused: %s", url)
            raise ValueError(f"PDF resource refused: {url}")
        return super().fetch(url, headers)

    def _allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        return Path(url2pathname(parts.path)).resolve().is_relative_to(self.root)


class _Renderer:
    """Fonts and parsed stylesheets for one thread: WeasyPrint's font
    configuration wraps Pango and fontconfig objects that are not thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fetcher = StaticFileFetcher(root)
        self.font_config = FontConfiguration()
        self.stylesheets: dict[str, CSS] = {}

    def stylesheet(self, css: str) -> CSS:
        sheet = self.stylesheets.get(css)
        if sheet is None:
            if len(self.stylesheets) >= _MAX_STYLESHEETS:
                self.stylesheets.clear()
            sheet = CSS(
                string=css, base_url=str(self.root), url_fetcher=self.fetcher, font_config=self.font_config
            )
            self.stylesheets[css] = sheet
        return sheet

    def render(self, html: str) -> bytes:
        stylesheets = [self.stylesheet(css) for css in _STYLE_ELEMENT.findall(html)]
        document = HTML(
            string=_STYLE_ELEMENT.sub("", html), base_url=str(self.root), url_fetcher=self.fetcher
        )
        return document.write_pdf(stylesheets=stylesheets, font_config=self.font_config)


_local = threading.local()


def _static_dir() -> Path:
    return Path(settings.BASE_DIR) / "static"


def _renderer() -> _Renderer:
    root = _static_dir()
    renderer = getattr(_local, "renderer", None)
    if renderer is None or renderer.root != root:
        renderer = _local.renderer = _Renderer(root)
    return renderer


def render_pdf(template_name: str, context: dict) -> bytes:
    return _renderer().render(render_to_string(template_name, context))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_image_data_uri(field) -> str:
    """A stored PNG or JPEG (a logo, a signature) inlined into a PDF as a data: URL, since the
    renderer reads nothing but static files and data: URLs. An empty field, or a file gone
    missing from storage, leaves the image out rather than failing the render."""
    if not field:
        return ""
    try:
        with field.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("Stored image missing: %s", field.name)
        return ""
    kind = "jpeg" if data.startswith(b"\xff\xd8\xff") else "png"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"
