"""Reads the forms of a rendered page: field names and the values a browser would send."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)  # what a browser sends as it stands
    files: set[str] = field(default_factory=set)

    @property
    def names(self) -> list[str]:
        return [name for name in [*self.values, *self.files] if name != "csrfmiddlewaretoken"]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select and self._form is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files.add(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a or name not in self._form.values:
                    self._form.values[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.values[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            self._form.values.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self._form.values[name] = ""

    def _option(self, a):
        value = a.get("value", "")
        current = self._form.values.get(self._select, "")
        if "selected" in a or (not current and value):
            self._form.values[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def the_form(html: str, *, path: str, method: str, having: str = "") -> Form:
    """The one form on the page that submits to `path` (or to the page itself) with `method`
    and, when given, has the field `having`; the navigation's forms (logout) are left out."""
    found = [
        form
        for form in forms_of(html)
        if form.method == method
        and form.action in ("", path)
        and form.names
        and (not having or having in form.values or having in form.files)
    ]
    assert len(found) == 1, f"{len(found)} {method} forms to {path} having {having!r}: {found}"
    return found[0]
