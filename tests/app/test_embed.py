"""Embedding: /embed, oEmbed, and the headers every page carries."""

import html
import re

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

BASE = "http://testserver"


def test_oembed_answers_a_rich_iframe_of_the_links_configuration():
    link = f"{BASE}/#dataset=spiral&networkShape=8,8&seed=0.5"
    with TestClient(create_app()) as client:
        response = client.get("/oembed", params={"url": link, "format": "json"})
        small = client.get("/oembed", params={"url": link, "maxwidth": 500, "maxheight": 300})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "1.0"
    assert body["type"] == "rich"
    assert (body["width"], body["height"]) == (700, 450)
    assert body["provider_url"] == f"{BASE}/"
    frame = re.fullmatch(
        r'<iframe src="([^"]+)" width="700" height="450" [^>]*></iframe>', body["html"]
    )
    assert frame is not None
    assert html.unescape(frame.group(1)) == f"{BASE}/embed#dataset=spiral&networkShape=8,8&seed=0.5"
    assert "spiral" in body["title"]
    assert (small.json()["width"], small.json()["height"]) == (500, 300)


def test_oembed_refuses_other_sites_other_pages_and_other_formats():
    with TestClient(create_app()) as client:
        other = client.get("/oembed", params={"url": "https://evil.example/#dataset=xor"})
        scheme = client.get("/oembed", params={"url": "javascript:alert(1)//testserver/"})
        page = client.get("/oembed", params={"url": f"{BASE}/api/datasets"})
        xml = client.get("/oembed", params={"url": f"{BASE}/", "format": "xml"})
        tiny = client.get("/oembed", params={"url": f"{BASE}/", "maxwidth": 10})
    assert other.status_code == 404
    assert "testserver" in other.json()["detail"]
    assert scheme.status_code == 404
    assert page.status_code == 404
    assert xml.status_code == 501
    assert tiny.status_code == 422


def test_every_page_carries_the_oembed_discovery_link_and_the_embed_is_compact():
    with TestClient(create_app()) as client:
        index = client.get("/")
        embed = client.get("/embed")
    for page in (index, embed):
        assert 'type="application/json+oembed"' in page.text
        assert "/oembed?url=http%3A%2F%2Ftestserver%2F" in page.text
    assert '<body class="embed">' in embed.text
    assert 'id="full_link"' in embed.text
    assert '<body class="embed">' not in index.text


def test_pages_carry_a_csp_without_inline_script_and_nosniff():
    with TestClient(create_app(Settings(frame_ancestors="'self' https://blog.example"))) as client:
        response = client.get("/")
        api = client.get("/api/datasets")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'self' https://blog.example" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # every script is a file: no inline script


def test_user_input_never_reaches_html_unescaped():
    attack = '"><script>alert(1)</script>'
    with TestClient(create_app()) as client:
        page = client.get("/", params={"q": attack})
        embed = client.get("/oembed", params={"url": f"{BASE}/#dataset=xor&x={attack}"})
    assert "<script>alert(1)" not in page.text
    # The page's own module and the registry's JSON (app/registry.py), nothing else.
    assert page.text.count("<script") == 2
    assert page.text.count('<script type="application/json" id="registry">') == 1
    frame = embed.json()["html"]
    assert "<script>" not in frame
    assert frame.count('"') == frame.count('="') * 2  # every quote delimits an attribute
