"""`{{ value|safe_url }}`: the address when it is http(s) (common.links), else "". Every typed
link is rendered through it:

    {% with url=proposal.video_url|safe_url %}{% if url %}<a href="{{ url }}">…</a>
    {% else %}{{ proposal.video_url }}{% endif %}{% endwith %}
"""

from django import template

from common import links

register = template.Library()


@register.filter
def safe_url(value):
    return links.safe_url(value)
