"""Chart.js is vendored (static/vendor/chartjs, from npm) and nothing on the site loads a script
or a style sheet from another host."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

ROOT = Path(settings.BASE_DIR)
EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(src|href)=["']?(https?:)?//""", re.I)


def test_chartjs_is_vendored_with_its_licence_and_source_map():
    script = finders.find("vendor/chartjs/chart.umd.min.js")
    assert script is not None
    assert Path(script).read_text()[:40].split("\n")[1] == " * Chart.js v4.6.1"
    # The file names its map; WhiteNoise's manifest storage needs it at collectstatic.
    assert Path(script).read_text().rstrip().endswith("sourceMappingURL=chart.umd.min.js.map")
    assert finders.find("vendor/chartjs/chart.umd.min.js.map") is not None
    assert "MIT License" in Path(finders.find("vendor/chartjs/LICENSE.md")).read_text()
    assert finders.find("js/charts.js") is not None and finders.find("css/charts.css") is not None


def test_the_chart_scripts_come_from_our_static_files():
    partial = (ROOT / "templates/common/_chart_scripts.html").read_text()
    assert "{% static 'vendor/chartjs/chart.umd.min.js' %}" in partial
    assert static("vendor/chartjs/chart.umd.min.js") == "/static/vendor/chartjs/chart.umd.min.js"


def test_no_template_loads_a_script_or_style_sheet_from_another_host():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if EXTERNAL.search(line)
    ]
    assert found == []


def test_our_scripts_fetch_nothing_from_elsewhere():
    for name in ("js/charts.js", "css/charts.css"):
        source = Path(finders.find(name)).read_text()
        assert re.findall(r"https?://|//cdn|@import|fetch\(|XMLHttpRequest", source) == []
