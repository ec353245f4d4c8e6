"""The forms of a rendered page as a browser would submit them, unchanged: every named input with
its value (checked boxes and radios only), every select's selected options, and every textarea."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    controls: set[str] = field(default_factory=set)  # every named control, checked or not

    def names(self) -> set[str]:
        return {name for name, _value in self.fields} | self.controls

    def data(self, *, press: tuple[str, str] | None = None) -> dict[str, list[str]]:
        """The POST body of the form, pressing the button `press` (its name and value) if given."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        if press is not None:
            assert press in self.buttons, f"no button {press} in the form"
            data.setdefault(press[0], []).append(press[1])
        return data

    def value(self, name: str) -> str | None:
        return next((value for field_name, value in self.fields if field_name == name), None)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a)
            self._selected, self._first_option = [], None
        elif tag == "option" and self._select:
            self._option_value = a.get("value")
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._selected.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def _input(self, a):
        kind = a.get("type", "text").lower()
        name = a.get("name")
        if name:
            self._form.controls.add(name)
        if not name or kind in ("submit", "button", "image", "reset", "file"):
            if name and kind == "submit":
                self._form.buttons.append((name, a.get("value", "")))
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        self._form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = self._selected or ([] if multiple else [self._first_option or ""])
            self._form.fields += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            self._form.fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> Form:
    """The page's form that has a field `field_name` (exactly one must)."""
    (found,) = [form for form in forms_of(html) if field_name in form.names()]
    return found
