"""A submitted version laid out for reading on a page (the experts read it beside
their score sheet): every part of the outline under its title, the schedule as
rows and as a Gantt chart (drawn as in the PDF), the deliverables, the contacts
and the attachments. All of it comes from the frozen snapshot
(PlanVersion.content), never from the live draft, which may have moved on since.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .gantt import page_gantt
from .models import OUTLINE, Anchor, Contact, Deliverable, SectionKey, choice_label
from .pdf import document_from_snapshot, ordered_schedule
from .services import NEEDS_KEYS


def _outline(texts):
    blocks = []
    for key in OUTLINE:
        if key == "needs":
            label, keys = _("Requirements analysis"), NEEDS_KEYS
        elif key in SectionKey.values:
            label, keys = SectionKey(key).label, [SectionKey(key)]
        else:
            label, keys = Anchor(key).label, []
        blocks.append(
            {
                "id": key,
                "label": label,
                "sections": [
                    {"key": k.value, "label": k.label, "text": texts.get(k.value, "")}
                    for k in keys
                ],
            }
        )
    return blocks


def version_reading(version):
    """What a reader of `version` sees. `version.plan.batch` gives the window the
    Gantt chart spans (select it with the version to save a query)."""
    content = version.content
    batch = version.plan.batch
    document = document_from_snapshot(
        content,
        version_number=version.number,
        date=timezone.localdate(version.submitted_at),
        is_draft=False,
        window_start=batch.implementation_start,
        window_end=batch.implementation_end,
    )
    schedule = ordered_schedule(document)
    day = datetime.date.fromisoformat
    return {
        "outline": _outline(content.get("sections", {})),
        "schedule": schedule,
        "gantt": page_gantt(
            schedule,
            document.window_start,
            document.window_end,
            chart_id="plan-gantt",
        ),
        "deliverables": [
            {
                "task": d["task_title"],
                "title": d["title"],
                "kind": choice_label(Deliverable.Kind, d["kind"]),
                "due": day(d["due"]),
            }
            for d in content.get("deliverables", [])
        ],
        "contacts": [
            {**c, "role": choice_label(Contact.Role, c["role"])}
            for c in content.get("contacts", [])
        ],
        "attachments": content.get("attachments", []),
    }


def version_attachment_ids(version):
    """The attachments `version` was submitted with (removing one from the draft
    later does not take it from the version)."""
    return {a["id"] for a in version.content.get("attachments", [])}
