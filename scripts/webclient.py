"""A small browser for scripts that drive the portal over HTTP (rush, scale-out check).

Standard library only: cookies, CSRF, forms read from the page as a browser would submit them,
multipart uploads, no automatic redirects. Talks only to the base URL it is given.
"""

import html.parser
import http.cookiejar
import io
import urllib.error
import urllib.parse
import urllib.request
import uuid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "") if self.headers else ""


class FormParser(html.parser.HTMLParser):
    """Every <form>: its action, and the values a browser would send (checked boxes only, the
    selected or first option, the text of textareas)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action", ""), "fields": [], "id": attrs.get("id")}
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None and self.forms:
            chosen = self._select["chosen"]
            value = chosen if chosen is not None else self._select["first"]
            if value is not None:
                self.forms[-1]["fields"].append((self._select["name"], value))
            self._select = None


def forms_of(page: str) -> list[dict]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


def multipart(fields: list[tuple], files: list[tuple]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(str(value).encode() + b"\r\n")
    for name, filename, content_type, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Browser:
    def __init__(self, base: str, timeout: float = 60):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.timeout = timeout

    def use(self, base: str):
        """Continue on another server (same cookies): the scale-out check."""
        old = urllib.parse.urlsplit(self.base).netloc.split(":")[0]
        new = urllib.parse.urlsplit(base).netloc.split(":")[0]
        assert old == new, "cookies are per host name"
        self.base = base.rstrip("/")

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, method, path, *, fields=None, files=None) -> Response:
        url = path if path.startswith("http") else self.base + path
        headers = {"Referer": url}
        data = None
        if method == "POST":
            fields = list(fields or [])
            if not any(name == "csrfmiddlewaretoken" for name, _value in fields):
                fields.append(("csrfmiddlewaretoken", self.cookie("csrftoken")))
            if files:
                data, content_type = multipart(fields, files)
            else:
                data = urllib.parse.urlencode(fields).encode()
                content_type = "application/x-www-form-urlencoded"
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read() if error.fp else b"")

    def get(self, path) -> Response:
        return self.request("GET", path)

    def post(self, path, fields=None, files=None) -> Response:
        return self.request("POST", path, fields=fields, files=files)

    def login(self, username: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post(
            "/accounts/login/", [("username", username), ("password", password), ("next", "/")]
        )


def first_option(page: str, name: str) -> str:
    """The first non-empty choice of the <select> called `name` ("" when there is none)."""
    import re

    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    if not select:
        return ""
    found = re.search(r'<option value="([^"]+)"', select.group(1))
    return found.group(1) if found else ""


def require_free_port(port: int) -> None:
    """Refuse to start when something already listens on 127.0.0.1:port: the checks would
    otherwise talk to that other server."""
    import socket

    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"127.0.0.1:{port} is in use by another program; choose another port.")
