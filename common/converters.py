"""The path converter of every id in the project's URLs: `<id:pk>`. Like Django's `int`, but a
number no id column can hold (beyond 2**63 - 1, a 64-bit auto field's largest) does not match, so
the address is a plain 404 before any view or query sees it. Registered by CommonConfig.ready()."""

from common.params import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond any id")  # the resolver tries the next pattern, then 404s
        return number

    def to_url(self, value) -> str:
        return str(int(value))
