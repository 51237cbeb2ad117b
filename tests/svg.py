"""Reading the SVG charts a page inlines: find one, parse it, ask what it names;
and the contrast of two colours (WCAG 2)."""

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def svgs(page, css_class):
    """Every inline <svg> of `page` (HTML text) whose class is `css_class`,
    parsed (a chart that is not well-formed XML fails here)."""
    found = re.findall(
        rf'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}".*?</svg>',
        page,
        flags=re.DOTALL,
    )
    return [ET.fromstring(svg) for svg in found]  # noqa: S314 (our own output)


def accessible_name(root):
    """The text the chart's aria-labelledby points to, ids looked up inside the
    chart (title, then description), joined by a space."""
    by_id = {el.get("id"): "".join(el.itertext()) for el in root.iter() if el.get("id")}
    return " ".join(by_id[i] for i in root.get("aria-labelledby").split())


def drawing(root):
    """What the chart draws, without its title and description: to compare two
    charts named in different words."""
    return [
        ET.tostring(child)
        for child in root
        if child.tag not in (f"{SVG}title", f"{SVG}desc")
    ]


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, two):
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
