"""Submitted versions and their comparison."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pilots.files import file_response
from pilots.permissions import readable_task_ids

from .. import services
from ..models import (
    Anchor,
    Contact,
    Deliverable,
    PlanPdf,
    SectionKey,
    choice_label,
)
from .access import get_plan


@login_required
def version_detail(request, slug, number):
    plan = get_plan(request, slug)
    version = get_object_or_404(plan.versions, number=number)
    task_ids = readable_task_ids(request.user, plan.unit)
    content = services.readable_content(version.content, task_ids)
    sections = [
        {"label": key.label, "text": content["sections"].get(key.value, "")}
        for key in SectionKey
    ]
    deliverables = [
        {**d, "kind": choice_label(Deliverable.Kind, d["kind"])}
        for d in content.get("deliverables", [])
    ]
    contacts = [
        {**c, "role": choice_label(Contact.Role, c["role"])}
        for c in content.get("contacts", [])
    ]
    return render(
        request,
        "plans/version_detail.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "version": version,
            "content": content,
            "sections": sections,
            "deliverables": deliverables,
            "contacts": contacts,
            # Their hashes for every reader of the version; the files only for
            # those who read the whole plan (a department sees its tasks only).
            "archives": version.pdfs.exclude(archive="").order_by("pk"),
            "may_download_archive": task_ids is None,
        },
    )


@login_required
def version_archive(request, slug, number, kind):
    """The version's archival copy (PDF/A) once made; 404 to a reader of part
    of the plan, as to anyone who may not read the version."""
    plan = get_plan(request, slug)
    version = get_object_or_404(plan.versions, number=number)
    if not kind or readable_task_ids(request.user, plan.unit) is not None:
        raise Http404
    pdf = get_object_or_404(version.pdfs, archive=kind, status=PlanPdf.Status.READY)
    return file_response(pdf.file, name=pdf.filename, kind="pdf")


@login_required
def compare(request, slug):
    plan = get_plan(request, slug)
    versions = list(plan.versions.all())
    numbers = [v.number for v in versions]
    try:
        a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else 0))
        b = int(request.GET.get("b", numbers[-1] if numbers else 0))
    except ValueError:
        raise Http404 from None
    by_number = {v.number: v for v in versions}
    if a not in by_number or b not in by_number:
        raise Http404
    old, new = by_number[a], by_number[b]
    comment_rows = [
        {
            "comment": comment,
            # Open or resolved when each version was submitted; None: not made yet.
            "states": [
                comment.was_open_at(v.submitted_at)
                if comment.created_at <= v.submitted_at
                else None
                for v in (old, new)
            ]
            + [comment.is_open],
        }
        for comment in plan.comments.select_related("author")
    ]
    return render(
        request,
        "plans/compare.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "old": by_number[a],
            "new": by_number[b],
            "versions": versions,
            "diff": services.compare_versions(
                old, new, task_ids=readable_task_ids(request.user, plan.unit)
            ),
            "comment_rows": comment_rows,
            "anchors": Anchor,
        },
    )
