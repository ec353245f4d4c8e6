"""Charts as data: what a page draws with Chart.js (static/js/charts.js) and shows as a table
beside it (templates/common/_chart.html).

A `Chart` is built in Python from the same selector rows that the page's tables read, with its
labels already translated; the template embeds `Chart.spec` with Django's `json_script` (a
`<script type="application/json">` element, data the browser never runs, so the strict
Content-Security-Policy stays as it is) and one static script draws every `[data-kiks-chart]`
canvas of the page. The table carries the same numbers for those who do not look at pictures.
"""

from dataclasses import dataclass, field
from decimal import Decimal

# Kinds of series that static/js/charts.js draws.
BAR = "bar"  # a bar per label; with `[low, high]` values a floating bar (a range)
LINE = "line"  # a line through the labels (stepped for cumulative counts)
POINT = "point"  # a marker per label, no line (a mean over a range)

# The palette of static/js/charts.js, by name (the portal's green first).
COLOURS = ("green", "grey", "amber", "blue", "red")


def plain(value):
    """A figure as JSON carries it: Decimals as floats, ranges as lists, None stays None."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


@dataclass
class Series:
    label: str
    values: list
    kind: str = BAR
    colour: str = "green"

    def spec(self) -> dict:
        return {
            "label": str(self.label),
            "kind": self.kind,
            "colour": self.colour,
            "data": [plain(value) for value in self.values],
        }


@dataclass
class Chart:
    """One chart and its table.

    `key` is the page-unique id of the JSON element (the canvas names it); `marker` marks one
    label with a vertical line and a text (a deadline); `columns` and `rows` are the table that
    stays beside the chart (`rows` empty when the page already shows one with these figures).
    """

    key: str
    title: str
    summary: str  # the canvas' text alternative: what the picture says, in one sentence
    labels: list[str]
    series: list[Series]
    stacked: bool = False
    horizontal: bool = False
    x_title: str = ""
    y_title: str = ""
    y_min: float | None = None
    y_max: float | None = None
    whole_numbers: bool = False  # counts: no 0.5 on the axis
    marker: dict | None = None  # {"label": one of labels, "text": ...}
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)

    @property
    def spec(self) -> dict:
        """What static/js/charts.js reads: JSON-safe, every text already translated."""
        return {
            "labels": [str(label) for label in self.labels],
            "series": [series.spec() for series in self.series],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "xTitle": str(self.x_title),
            "yTitle": str(self.y_title),
            "yMin": self.y_min,
            "yMax": self.y_max,
            "wholeNumbers": self.whole_numbers,
            "marker": {key: str(value) for key, value in self.marker.items()}
            if self.marker
            else None,
            "title": str(self.title),
        }

    @property
    def is_empty(self) -> bool:
        return not self.labels
