"""oEmbed (https://oembed.com): a `rich` answer whose html is the iframe of a playground link."""

import html
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import HTTPException

WIDTH, HEIGHT = 700, 450  # the embed's natural size: /embed fits it
PAGES = ("/", "/embed")


def oembed_response(
    base_url: str, url: str, maxwidth: int | None, maxheight: int | None
) -> dict[str, Any]:
    """The oEmbed answer for `url`, a page of the playground served at `base_url`; 404 for a URL
    of another site, or one that is not a playground page."""
    base = urlsplit(base_url)
    try:
        link = urlsplit(url)
    except ValueError:  # "http://[", a netloc that is no host: a link to nowhere
        link = urlsplit("")
    if link.scheme not in ("http", "https") or link.netloc.lower() != base.netloc.lower():
        raise HTTPException(404, f"not a page of this site: only {base.netloc} links embed here")
    if (link.path or "/") not in PAGES:
        raise HTTPException(404, f"not a playground page: {link.path!r}; use / or /embed")
    root = f"{base.scheme}://{base.netloc}"
    src = f"{root}/embed" + (f"#{link.fragment}" if link.fragment else "")
    width = min(WIDTH, maxwidth or WIDTH)
    height = min(HEIGHT, maxheight or HEIGHT)
    dataset = dict(parse_qsl(link.fragment)).get("dataset", "circle")
    title = f"Lernmi Playground: a neural network learning {dataset}"
    frame = (
        f'<iframe src="{html.escape(src)}" width="{width}" height="{height}" '
        f'title="{html.escape(title)}" style="border:0" loading="lazy"></iframe>'
    )
    return {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Lernmi Playground",
        "provider_url": f"{root}/",
        "title": title,
        "html": frame,
        "width": width,
        "height": height,
        "cache_age": 86400,
    }
