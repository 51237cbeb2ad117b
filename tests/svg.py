"""Reading the SVG charts a page inlines: find one, parse it, ask what it names."""

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
