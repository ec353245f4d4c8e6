"""Numbers from a URL's query string, read one way everywhere: a whole number within bounds, or
the default. Anything else (not a number, a sign, an exponent, other scripts' digits, a value
beyond the bounds or beyond what the database can hold) is ignored, as a filter the page does not
know is: the page answers with its default instead of failing."""

# A page number beyond this is no page of ours; it also keeps OFFSET within a 64-bit integer.
MAX_PAGE = 1_000_000
# The largest id a 64-bit auto field holds.
MAX_ID = 2**63 - 1


def whole_number(value, *, default=None, minimum=1, maximum=MAX_ID):
    """`value` (a query parameter, possibly None) as an int in [minimum, maximum], else
    `default`. Only ASCII digits count: "²" passes str.isdigit() but not int()."""
    if not _ascii_digits(value):
        return default
    if len(value) > len(str(maximum)):
        return default
    number = int(value)
    return number if minimum <= number <= maximum else default


def page_number(value) -> int:
    """A page number: 1 when missing or not a number; a number past MAX_PAGE is MAX_PAGE (the
    paginator turns a page past the end into the last page)."""
    if whole_number(value, minimum=0) is None:
        return 1 if not _ascii_digits(value) else MAX_PAGE
    return min(max(int(value), 1), MAX_PAGE)


def _ascii_digits(value) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()
