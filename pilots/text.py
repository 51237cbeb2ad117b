"""Text that cannot hurt other people's pages.

Control characters (C0 and C1, but tab and line breaks) are invisible, mean
nothing in a plan or a post, and break what others read: XML (the Atom feed)
refuses them, and so do spreadsheets (the exports). They are removed from every
posted field by `ControlCharactersMiddleware`, one cleaning for every form; the
feed and the exports pass their text through `without_control_characters` too,
for text stored before the cleaning existed.
"""

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def without_control_characters(value):
    """`value` without control characters, when it is text; else as it is."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    return value


class ControlCharactersMiddleware:
    """Every posted form field without control characters, before any view or
    form reads it (files are left as uploaded: their content is checked by
    pilots.files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            posted = request.POST
            if any(
                CONTROL_CHARACTERS.search(value)
                for _key, values in posted.lists()
                for value in values
            ):
                cleaned = posted.copy()
                for key, values in posted.lists():
                    cleaned.setlist(
                        key, [without_control_characters(v) for v in values]
                    )
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)
