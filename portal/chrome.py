"""The ministry portal's chrome: who runs the site, for the header band and the
footer of every page (templates/includes/navbar.html, templates/base.html).

The names come from settings (PORTAL_OWNER, PORTAL_SPONSOR 主办单位, PORTAL_ORGANISER
承办单位, each with an _EN twin for the English pages; PORTAL_CONTACT, PORTAL_ICP,
PORTAL_PSB as written). Read per request, never at import time.
"""

from django.conf import settings
from django.utils.translation import get_language

ICP_LOOKUP = "https://beian.miit.gov.cn/"
PSB_LOOKUP = "https://beian.mps.gov.cn/"


def _named(name):
    """The English twin on English pages when it is set, else the Chinese name."""
    chinese = getattr(settings, name)
    english = getattr(settings, f"{name}_EN")
    if english and (get_language() or "").startswith("en"):
        return english
    return chinese


def chrome(request):
    return {
        "portal_chrome": {
            "owner": _named("PORTAL_OWNER"),
            "sponsor": _named("PORTAL_SPONSOR"),
            "organiser": _named("PORTAL_ORGANISER"),
            "contact": settings.PORTAL_CONTACT,
            "icp": settings.PORTAL_ICP,
            "icp_lookup": ICP_LOOKUP,
            "psb": settings.PORTAL_PSB,
            "psb_lookup": PSB_LOOKUP,
        }
    }
