"""Email HTML is untrusted: what of it may reach the manager's browser.

The sender's HTML is cut down with nh3 (ammonia) to text markup: no scripts, no event
handlers, no styles, no forms, no images (they would load from the sender's server and
tell it the mail was read), links only to http, https and mailto, opened without a
referrer. The page's Content-Security-Policy (no inline script) is the second wall.

nh3 (a native library, about 2 MB resident) loads on the first mail shown as HTML, not
with the gateway: most of the time no one is reading mail in the admin.
"""

from __future__ import annotations

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "font", "h1",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "title", "head"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
