"""The news pages are valid HTML5 with labelled controls, ordered headings and
alt text; news.css colours meet WCAG AA contrast."""

import re
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

from .news_builders import add_png, make_post


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def posts(office_user, zhejiang):
    task = zhejiang.tasks.first()
    for n in range(12):
        post = make_post(office_user, title=f"进展{n}", slug=f"p{n}")
        post.units.add(zhejiang)
        post.tasks.add(task)
    post = make_post(office_user, slug="with-image", body="正文\n\n[图片1]")
    post.units.add(zhejiang)
    post.tasks.add(task)
    add_png(post)
    return post


def parse(html):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def check_page(html, url):
    try:
        tree = parse(html)
    except html5lib.html5parser.ParseError as error:
        pytest.fail(f"{url}: {error}")
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), f"{url}: duplicate ids"
    levels = [int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels.count(1) == 1 and levels[0] == 1, url
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{url}: h{before} followed by h{after}"
    labelled = {label.get("for") for label in tree.iter("label")}
    for control in tree.iter():
        if control.tag not in ("input", "select", "textarea"):
            continue
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        assert control.get("id") in labelled, f"{url}: {control.get('name')}"
    for image in tree.iter("img"):
        assert image.get("alt"), url


def test_public_news_pages_are_valid(posts, zhejiang):
    domain = zhejiang.tasks.first().business_domain.slug
    for url in [
        "/news/",
        "/news/?page=2",
        f"/news/?unit=zhejiang&category=progress&domain={domain}",
        "/news/?unit=atlantis",
        posts.get_absolute_url(),
    ]:
        response = Client().get(url)
        assert response.status_code == 200, url
        check_page(response.content.decode(), url)


def test_office_news_pages_are_valid(client, office_user, posts):
    client_for(client, office_user)
    draft = make_post(office_user, state="draft", slug="draft")
    for url in [
        reverse("column:office_news_list"),
        reverse("column:news_create"),
        reverse("column:news_edit", args=[posts.pk]),
        reverse("column:news_preview", args=[posts.pk]),
        reverse("column:news_preview", args=[draft.pk]),
    ]:
        check_page(client.get(url).content.decode(), url)
    invalid = client.post(reverse("column:news_create"), {"title": ""})
    check_page(invalid.content.decode(), "news_create with errors")


# ------------------------------------------------------------------ contrast


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    colour = colour.lstrip("#")
    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background):
    light, dark = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_news_css_colours_meet_aa_contrast():
    css = (Path(settings.BASE_DIR) / "static/css/news.css").read_text()
    pairs = 0
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", body)
        if not colour:
            continue
        background = re.search(r"background-color:\s*(#[0-9a-fA-F]{6})", body)
        under = background.group(1) if background else "#ffffff"
        ratio = contrast(colour.group(1), under)
        assert ratio >= 4.5, f"{selectors.strip()}: {ratio:.2f}"
        pairs += 1
    assert pairs == 4
