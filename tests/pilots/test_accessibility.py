"""WCAG 2.1 AA and valid HTML on the public column's pages.

Valid HTML: each page is parsed by html5lib in strict mode, which raises on any
parse error the HTML5 parsing algorithm defines (stray or unclosed tags, bad
attributes, duplicate attributes, misnested elements). It does not check content
models, so the structural rules the column relies on are checked on the parsed tree:
the lang attribute, unique ids, one h1 and no skipped heading level, a label for
every form control, alt text on every image.

Contrast: the colour pairs of static/css/public.css, portal.css and news.css (whose
news list the home shows) are read from the files and computed with the WCAG
formula; Bootstrap's own colours the pages use are listed with the value checked
against Bootstrap's stylesheet.
"""

import datetime
import re
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.utils import timezone

from column.models import NewsPost
from milestones.models import Achievement, AchievementKind
from pilots.models import Task

STATIC = Path(settings.BASE_DIR) / "static"
WHITE = "#ffffff"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def content(office_user):
    task = Task.objects.get(title="山洪灾害监测预警平台")
    post = NewsPost.objects.create(
        title="智慧水库调度系统上线运行",
        slug="reservoir",
        summary="水库调度",
        body="正文",
        publish_at=timezone.now() - datetime.timedelta(hours=1),
        created_by=office_user,
    )
    post.units.set([task.unit])
    post.tasks.set([task])
    Achievement.objects.create(
        unit=task.unit,
        task=task,
        kind=AchievementKind.PRODUCT,
        title="山洪预警水库平台",
        description="说明",
        published_at=timezone.now(),
        recommended=True,
        created_by=office_user,
    )
    return task


def _pages(task):
    return [
        "/",
        "/batches/2020/",
        "/units/",
        "/units/zhejiang/",
        f"/units/zhejiang/tasks/{task.pk}/",
        "/achievements/",
        "/achievements/?kind=product&unit=atlantis",
        "/search/",
        "/search/?q=水库",
        "/search/?q=" + "水" * 101,
    ]


def _parse(html):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def _text(element):
    return "".join(element.itertext()).strip()


def test_public_pages_are_valid_html5(client, content):
    for url in _pages(content):
        html = client.get(url).content.decode()
        try:
            _parse(html)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{url}: {error}")


def test_public_pages_have_lang_unique_ids_and_ordered_headings(client, content):
    for url in _pages(content):
        tree = _parse(client.get(url).content.decode())
        assert tree.get("lang") == "zh-Hans", url
        ids = [e.get("id") for e in tree.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), f"{url}: duplicate ids"
        levels = [
            int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", str(e.tag))
        ]
        assert levels.count(1) == 1, f"{url}: {levels.count(1)} h1"
        assert levels[0] == 1, url
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{url}: h{before} followed by h{after}"
        for image in tree.iter("img"):
            assert image.get("alt") is not None, url


def test_every_form_control_has_a_label(client, content):
    for url in _pages(content):
        tree = _parse(client.get(url).content.decode())
        labelled = {label.get("for") for label in tree.iter("label")}
        for control in tree.iter():
            if control.tag not in ("input", "select", "textarea"):
                continue
            if control.get("type") in ("hidden", "submit", "button"):
                continue
            assert (
                control.get("id") in labelled
                or control.get("aria-label")
                or control.get("aria-labelledby")
            ), f"{url}: {control.tag} {control.get('name')} has no label"


def test_skip_link_leads_to_main(client, db):
    tree = _parse(client.get("/").content.decode())
    first_link = next(tree.iter("a"))
    assert first_link.get("href") == "#main"
    assert _text(first_link) == "跳到主要内容"
    assert tree.find(".//main").get("id") == "main"


# ------------------------------------------------------------------ contrast


def _channel(value):
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _rgb(colour):
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)]


def _luminance(colour):
    r, g, b = (_channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background):
    light, dark = sorted([_luminance(foreground), _luminance(background)])[::-1]
    return (light + 0.05) / (dark + 0.05)


def _blend(rgba, background):
    *rgb, alpha = rgba
    under = _rgb(background)
    return "#" + "".join(
        f"{round(alpha * c + (1 - alpha) * u):02x}"
        for c, u in zip(rgb, under, strict=True)
    )


def _rules(path):
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    variables = dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})", css))
    rules = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        body = re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], body)
        props = dict(
            (name.strip(), value.strip())
            for name, value in (
                part.split(":", 1) for part in body.split(";") if ":" in part
            )
        )
        for selector in selectors.split(","):
            rules[" ".join(selector.split())] = props
    return rules


def _backgrounds(rules, selector):
    """The background colours under `selector`: its own, else the nearest ancestor
    rule's (".hero a" → ".hero"), else the white page. A gradient gives each stop."""
    parts = selector.split(" ")
    for n in range(len(parts), 0, -1):
        props = rules.get(" ".join(parts[:n]), {})
        background = props.get("background-color") or props.get("background")
        if background:
            return re.findall(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}\b", background)
    return [WHITE]


def _all_rules():
    # The public pages load both files; an ancestor's background may be in either.
    return {
        **_rules(STATIC / "css" / "portal.css"),
        **_rules(STATIC / "css" / "news.css"),
        **_rules(STATIC / "css" / "public.css"),
    }


def _text_pairs():
    every = _all_rules()
    for name in ("portal.css", "news.css", "public.css"):
        for selector, props in _rules(STATIC / "css" / name).items():
            if "color" in props and props["color"].startswith("#"):
                for background in _backgrounds(every, selector):
                    yield f"{name} {selector}", props["color"], background


def test_css_text_colours_reach_4_5_to_1():
    pairs = list(_text_pairs())
    assert len(pairs) > 20  # the parser found the rules
    for where, foreground, background in pairs:
        ratio = contrast(foreground, background)
        assert ratio >= 4.5, f"{where}: {foreground} on {background} is {ratio:.2f}"


def test_focus_outlines_stand_out_3_to_1():
    rules = _rules(STATIC / "css" / "public.css")
    every = _all_rules()
    outlines = {
        selector: re.search(r"#[0-9a-fA-F]{6}", props.get("outline", ""))
        or re.search(r"#[0-9a-fA-F]{6}", props.get("outline-color", ""))
        for selector, props in rules.items()
        if "focus-visible" in selector
    }
    assert outlines
    for selector, colour in outlines.items():
        for background in _backgrounds(every, selector.split(":")[0]):
            assert contrast(colour.group(), background) >= 3, selector


# Bootstrap 5.3's colours the public pages use, as its stylesheet defines them.
BOOTSTRAP = {
    "--bs-link-color:#0d6efd": ("#0d6efd", WHITE),
    "--bs-secondary-color:rgba(33, 37, 41, 0.75)": (
        _blend((33, 37, 41, 0.75), WHITE),
        WHITE,
    ),
    "--bs-body-color:#212529": ("#212529", WHITE),
    "--bs-btn-bg:#0d6efd": (WHITE, "#0d6efd"),
    "--bs-secondary-rgb:108,117,125": (WHITE, "#6c757d"),
}


def test_bootstrap_colours_used_reach_4_5_to_1():
    css = Path(finders.find("bootstrap/css/bootstrap.min.css")).read_text()
    for declaration, (foreground, background) in BOOTSTRAP.items():
        assert declaration in css, declaration
        ratio = contrast(foreground, background)
        assert ratio >= 4.5, f"{declaration}: {ratio:.2f}"
    # The footer's secondary text sits on the footer's own grey.
    footer = _rules(STATIC / "css" / "portal.css")[".site-footer"]["background-color"]
    assert contrast(_blend((33, 37, 41, 0.75), footer), footer) >= 4.5


def test_contrast_formula_matches_known_values():
    assert round(contrast("#000000", WHITE), 1) == 21.0
    assert round(contrast("#777777", WHITE), 2) == 4.48
    assert contrast("#ffffff", WHITE) == 1


# ------------------------------------------------------------------ keyboard


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_keyboard_user_skips_to_main_then_searches_with_enter(
    content, live_server, browser
):
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _press in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    else:
        pytest.fail("the search field is not reachable with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    page.keyboard.type("水库")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("heading", level=1).inner_text() == "搜索"
    link = page.get_by_role("link", name="智慧水库调度系统上线运行")
    assert link.count() == 1
    page.close()
