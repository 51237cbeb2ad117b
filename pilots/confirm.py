"""One confirmation step before what cannot be undone (deleting, submitting).

The page's own button still posts to the action's address; without `confirmed=1`
the view answers with this page instead of acting: what will happen, and a form
that posts the same data again with `confirmed=1`. Nothing runs JavaScript, and
the view has already checked who may act before it asks, so the question is
refused to exactly those the action refuses. Neither the question nor a GET
writes anything.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .deadlines import days_late

CONFIRMED = "confirmed"
# Never carried over: Django's token is the page's own, the flag is the button's.
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request):
    """True only for a POST that went through the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def _hidden_fields(data, leave_out):
    """(name, value) pairs of posted data, every value of a repeated name."""
    if data is None:
        return []
    lists = data.lists() if hasattr(data, "lists") else data.items()
    pairs = []
    for name, values in lists:
        if name in NOT_CARRIED or name in leave_out:
            continue
        if isinstance(values, str):
            values = [values]
        pairs += [(name, value) for value in values]
    return pairs


def confirm_page(
    request,
    *,
    title,
    consequences,
    action_label,
    cancel_url,
    hidden=None,
    button_name="",
    draft_label="",
    danger=False,
):
    """The question before an action. `consequences` are sentences saying what
    will happen; `hidden` the posted data to carry on (a QueryDict or a dict),
    less `button_name`, the name of the button that asked for the action (e.g.
    "submit"), which the confirming button sends again. `draft_label` offers,
    for a form with a draft, to save what was typed as a draft instead: the same
    data posted without `button_name`."""
    leave_out = {button_name} if button_name else set()
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            # A sentence left out (None) is one that does not apply.
            "consequences": [consequences]
            if isinstance(consequences, str)
            else [sentence for sentence in consequences if sentence],
            "action_label": action_label,
            "cancel_url": cancel_url,
            "hidden": _hidden_fields(hidden, leave_out),
            "button_name": button_name,
            "draft_label": draft_label,
            "danger": danger,
            "cancel_label": _("Cancel"),
        },
    )


def late_consequence(due):
    """The sentence a submission after `due` adds to its question, or None."""
    late = days_late(due, timezone.now())
    if not late:
        return None
    return ngettext(
        "The deadline was %(due)s: this is recorded as %(days)s day late.",
        "The deadline was %(due)s: this is recorded as %(days)s days late.",
        late,
    ) % {"due": due.isoformat(), "days": late}
