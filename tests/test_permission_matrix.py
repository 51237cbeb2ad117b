"""Every door of the portal: for every URL pattern of the resolver, what each
persona gets from a GET and from a POST, on Zhejiang's objects (own unit) or as
another unit, a department that supervises Zhejiang or one that does not, the
expert assigned to Zhejiang's plan or one who is not.

`MATRIX` declares the answers; a pattern missing from it fails
`test_every_pattern_is_declared`. Each (pattern, method, persona) is one case.
A GET never writes; a POST that is refused (login, 403, 404, 405) writes
nothing: both are checked against the row count of every table of the apps.

The world is built once per module inside a transaction that is rolled back at
the end (as Django's TestCase.setUpTestData); each case runs in a savepoint.
"""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from column.models import NewsImage, NewsPost, PublicMessage, PublicNotice
from milestones.models import (
    Achievement,
    AchievementFile,
    CalendarToken,
    CheckEvidence,
    CheckKind,
    CheckMaterial,
    Circular,
    CircularFile,
    CircularReply,
    CircularReplyFile,
    ProgressReport,
    ReminderRule,
)
from pilots.models import (
    Batch,
    DeadlineKind,
    Department,
    ExportJob,
    Extension,
    Notification,
    PilotUnit,
    Task,
    User,
)
from plans import services as plan_services
from plans.models import PlanComment, PlanPdf, ScheduleItem
from reviews import services as review_services
from reviews.models import Assignment, Round, Submission
from tests.conftest import make_user
from tests.plans.builders import complete_plan, current_plan
from tests.reviews.builders import meeting_skipped, plan_round, through_pre_review
from tests.rows import changed_tables, row_counts

PERSONAS = [
    "anonymous",
    "office",
    "department",
    "other_department",
    "unit",
    "other_unit",
    "expert",
    "other_expert",
]
PDF = b"%PDF-1.4 permission matrix"
CSV = "\ufeff单位,任务\n".encode()
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


# ------------------------------------------------------------------ the world


def _build():
    """Zhejiang's plan through the whole review and approved, with everything a
    page can be about; the eight personas."""
    zhejiang = PilotUnit.objects.get(slug="zhejiang")
    fujian = PilotUnit.objects.get(slug="fujian")
    office = make_user("m-office", User.Role.OFFICE)
    supervising = Department.objects.get(slug="operation")
    other = next(
        d
        for d in Department.objects.order_by("pk")
        if not Task.objects.supervised_by(d).filter(unit=zhejiang).exists()
    )
    people = {
        "office": office,
        "department": make_user("m-dept", User.Role.DEPARTMENT, department=supervising),
        "other_department": make_user(
            "m-dept-other", User.Role.DEPARTMENT, department=other
        ),
        "unit": make_user("m-unit", User.Role.UNIT, unit=zhejiang),
        "other_unit": make_user("m-unit-other", User.Role.UNIT, unit=fujian),
        "expert": make_user("m-expert", User.Role.EXPERT),
        "other_expert": make_user("m-expert-other", User.Role.EXPERT),
    }
    member = people["unit"]
    plan = complete_plan(current_plan(zhejiang))
    attachment = plan.attachments.create(
        file=ContentFile(PDF, name="annex.pdf"),
        name="annex.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=member,
    )
    plan_services.submit_plan(plan=plan, expected="draft", user=member)
    through_pre_review(plan, office)
    round_ = plan_round(office, criteria=[("甲", 1, 10)])
    review_services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    assignment = review_services.assign(
        submission=submission, expert=people["expert"], user=office
    )
    sheet = review_services.sheet_for(assignment)
    review_services.save_sheet(
        sheet=sheet,
        values={round_.criteria.get().pk: 8},
        reasons={},
        comments="意见",
        confidential="",
        submit=True,
    )
    comment = PlanComment.objects.create(
        plan=plan, section="status_quo", author=office, body="请补充现状数据。"
    )
    plan_services.resolve_comment(comment=comment, user=office)
    meeting_skipped(plan, office)
    review_services.decide(
        submission=submission,
        outcome="approve",
        opinion="同意",
        user=office,
    )
    version = plan.versions.get()
    pdf = PlanPdf.objects.create(
        plan=plan,
        version=version,
        number=version.number,
        content_hash="matrix",
        status=PlanPdf.Status.READY,
    )
    pdf.file.save("plan.pdf", ContentFile(PDF))
    # The archival copy the approval queued, as the worker leaves it.
    archival = version.pdfs.get(archive=PlanPdf.Archive.APPROVED)
    archival.file.save("archive.pdf", ContentFile(PDF), save=False)
    PlanPdf.objects.filter(pk=archival.pk).update(
        status=PlanPdf.Status.READY,
        file=archival.file.name,
        file_sha256=hashlib.sha256(PDF).hexdigest(),
    )
    batch = Batch.objects.current()
    material = CheckMaterial.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=CheckKind.MIDTERM,
        status=CheckMaterial.Status.SUBMITTED,
        self_assessment="进展顺利",
        goals_met="达成",
        submitted_at=timezone.now(),
        submitted_by=member,
    )
    evidence = CheckEvidence.objects.create(
        material=material,
        file=ContentFile(PDF, name="evidence.pdf"),
        name="evidence.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=member,
    )
    check_round = review_services.create_round(
        user=office,
        batch=batch,
        kind=Round.Kind.MIDTERM,
        title="中期检查评审",
        opens_on=timezone.localdate() - datetime.timedelta(days=1),
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    check_submission = Submission.objects.create(
        round=check_round,
        unit=zhejiang,
        check_material=material,
        material_title="浙江 · 中期检查材料",
        material_text="进展顺利",
    )
    check_assignment = Assignment.objects.create(
        submission=check_submission, expert=people["expert"], assigned_by=office
    )
    task = Task.objects.filter(unit=zhejiang).order_by("pk").first()
    report = ProgressReport.objects.create(
        batch=batch,
        unit=zhejiang,
        period_start=batch.implementation_start,
        period_end=batch.implementation_start + datetime.timedelta(days=89),
        due=batch.implementation_start + datetime.timedelta(days=100),
    )
    achievement = Achievement.objects.create(
        unit=zhejiang,
        task=task,
        kind="product",
        title="工程运行管理平台",
        description="覆盖全省大中型水库",
        created_by=member,
    )
    achievement_file = AchievementFile.objects.create(
        achievement=achievement,
        file=ContentFile(PDF, name="result.pdf"),
        name="result.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=member,
    )
    post = NewsPost.objects.create(
        title="浙江：数字孪生流域建设启动",
        slug="zhejiang-twin",
        summary="摘要",
        body="正文",
        publish_at=timezone.now() - datetime.timedelta(days=1),
        created_by=office,
    )
    image = NewsImage.objects.create(
        post=post, image=ContentFile(PNG, name="map.png"), alt="地图"
    )
    notice = PublicNotice.objects.create(
        title="公示",
        body="正文",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=6),
        published=True,
        created_by=office,
    )
    message = PublicMessage.objects.create(
        name="张三",
        email="zhang@example.test",
        subject="建议",
        body="建议公布更多数据。",
        client_hash="someone",
    )
    extension = Extension.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=batch.midterm_end + datetime.timedelta(days=7),
        reason="汛期",
        granted_by=office,
    )
    notification = Notification.objects.create(
        recipient=member, kind="test", title="通知", url="/plans/zhejiang/"
    )
    token = CalendarToken.objects.create(user=member, token="matrix-calendar-token")
    # A sent notice to Zhejiang and the supervising department, asking for a
    # reply, with an attachment and Zhejiang's reply with a file.
    circular = Circular.objects.create(
        batch=batch,
        title="关于报送材料的通知",
        body="请报送。",
        response=Circular.Response.REPLY,
        reply_by=timezone.localdate() + datetime.timedelta(days=7),
        audience=Circular.Audience.CHOSEN_UNITS,
        created_by=office,
        sent_at=timezone.now(),
        sent_by=office,
    )
    circular.units.set([zhejiang])
    circular.departments.set([supervising])
    circular_file = CircularFile.objects.create(
        circular=circular,
        file=ContentFile(PDF, name="notice.pdf"),
        name="notice.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=office,
    )
    reply = CircularReply.objects.create(
        circular=circular,
        unit=zhejiang,
        text="已报送",
        replied_at=timezone.now(),
        replied_by=member,
    )
    reply_file = CircularReplyFile.objects.create(
        reply=reply,
        file=ContentFile(PDF, name="reply.pdf"),
        name="reply.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=member,
    )
    return {
        "people": people,
        "batch": batch,
        "plan": plan,
        "version": version,
        "attachment": attachment,
        "round": round_,
        "submission": submission,
        "assignment": assignment,
        "sheet": sheet,
        "comment": comment,
        "pdf": pdf,
        "material": material,
        "evidence": evidence,
        "check_round": check_round,
        "check_submission": check_submission,
        "check_assignment": check_assignment,
        "task": task,
        "report": report,
        "achievement": achievement,
        "achievement_file": achievement_file,
        "post": post,
        "image": image,
        "notice": notice,
        "message": message,
        "extension": extension,
        "notification": notification,
        "calendar_token": token,
        "circular": circular,
        "circular_file": circular_file,
        "reply_file": reply_file,
        "schedule_item": ScheduleItem.objects.filter(plan=plan).first(),
        "rule": ReminderRule.objects.order_by("pk").first(),
        "export": _ready_export(office),
    }


def _ready_export(office):
    """An office export the worker has built (for the office only)."""
    job = ExportJob.objects.create(
        kind="milestones.stages",
        fmt="csv",
        language="zh-hans",
        task="milestones.build_export",
        role=User.Role.OFFICE,
        key="matrix",
        filename="stages-office.csv",
        status=ExportJob.Status.READY,
        requested_by=office,
    )
    job.file.save("stages-office.csv", ContentFile(CSV))
    return job


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp, MEDIA_ROOT=tmp):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ------------------------------------------------------------------ addresses


def _kwargs(name, w):
    """The URL arguments of pattern `name`, all about Zhejiang."""
    post = w["post"]
    local = timezone.localtime(post.publish_at)
    by_name = {
        "column:batch_detail": {"slug": w["batch"].slug},
        "column:unit_detail": {"slug": "zhejiang"},
        "column:task_detail": {"slug": "zhejiang", "pk": w["task"].pk},
        "column:news_detail": {
            "year": local.year,
            "month": f"{local.month:02d}",
            "slug": post.slug,
        },
        "column:news_image": {"pk": w["image"].pk},
        "column:news_edit": {"pk": post.pk},
        "column:news_preview": {"pk": post.pk},
        "column:news_image_remove": {"pk": post.pk, "image_pk": w["image"].pk},
        "column:news_action": {"pk": post.pk, "action": "withdraw"},
        "column:notice_detail": {"pk": w["notice"].pk},
        "column:message_moderate": {"pk": w["message"].pk},
        "column:notice_edit": {"pk": w["notice"].pk},
        "pilots:notification_open": {"pk": w["notification"].pk},
        "pilots:export_status": {"pk": w["export"].pk},
        "pilots:export_download": {"pk": w["export"].pk},
        "pilots:export_retry": {"pk": w["export"].pk},
        "plans:section": {"slug": "zhejiang", "key": "status_quo"},
        "plans:row_delete": {
            "slug": "zhejiang",
            "what": "schedule",
            "pk": w["schedule_item"].pk,
        },
        "plans:attachment": {"slug": "zhejiang", "pk": w["attachment"].pk},
        "plans:comment_answer": {"slug": "zhejiang", "pk": w["comment"].pk},
        "plans:comment_resolve": {"slug": "zhejiang", "pk": w["comment"].pk},
        "plans:version": {"slug": "zhejiang", "number": 1},
        "plans:pdf_status": {"slug": "zhejiang", "pk": w["pdf"].pk},
        "plans:pdf_download": {"slug": "zhejiang", "pk": w["pdf"].pk},
        "plans:pdf_retry": {"slug": "zhejiang", "pk": w["pdf"].pk},
        "plans:version_pdf": {"slug": "zhejiang", "number": 1},
        "plans:version_archive": {"slug": "zhejiang", "number": 1, "kind": "approved"},
        "plans:version_docx": {"slug": "zhejiang", "number": 1},
        "reviews:round": {"pk": w["round"].pk},
        "reviews:round_add_submissions": {"pk": w["round"].pk},
        "reviews:round_material": {"pk": w["check_round"].pk},
        "reviews:round_criteria": {"pk": w["round"].pk},
        "reviews:round_export": {"pk": w["round"].pk, "fmt": "csv"},
        "reviews:submission": {"pk": w["submission"].pk},
        "reviews:submission_assign": {"pk": w["submission"].pk},
        "reviews:submission_decide": {"pk": w["submission"].pk},
        "reviews:sheet_reopen": {"pk": w["sheet"].pk},
        "reviews:assignment": {"pk": w["assignment"].pk},
        "reviews:assignment_attachment": {
            "pk": w["assignment"].pk,
            "attachment_pk": w["attachment"].pk,
        },
        "reviews:assignment_pdf": {"pk": w["assignment"].pk},
        "reviews:assignment_docx": {"pk": w["assignment"].pk},
        "reviews:assignment_pdf_status": {"pk": w["assignment"].pk},
        "reviews:assignment_pdf_retry": {"pk": w["assignment"].pk},
        "reviews:assignment_conflict": {"pk": w["assignment"].pk},
        "reviews:feedback": {"pk": w["submission"].pk},
        "reviews:stages": {"slug": "zhejiang"},
        "reviews:unit_reviewers": {"slug": "zhejiang"},
        "milestones:office_export": {"what": "stages", "fmt": "csv"},
        "milestones:department_export": {"what": "stages", "fmt": "csv"},
        "milestones:calendar_feed": {"token": w["calendar_token"].token},
        "milestones:progress_unit": {"slug": "zhejiang"},
        "milestones:progress_checklist": {"slug": "zhejiang"},
        "milestones:progress_report": {
            "slug": "zhejiang",
            "period": w["report"].period_start.isoformat(),
        },
        "milestones:check_round_add": {"pk": w["check_round"].pk},
        "milestones:check_decide": {"pk": w["check_submission"].pk},
        "milestones:check_assignment": {"pk": w["check_assignment"].pk},
        "milestones:check_evidence": {"pk": w["evidence"].pk},
        "milestones:check_home": {"kind": "midterm"},
        "milestones:achievement_detail": {"pk": w["achievement"].pk},
        "milestones:achievement_edit": {"pk": w["achievement"].pk},
        "milestones:achievement_file_add": {"pk": w["achievement"].pk},
        "milestones:achievement_action": {
            "pk": w["achievement"].pk,
            "action": "publish",
        },
        "milestones:achievement_file_remove": {"pk": w["achievement_file"].pk},
        "milestones:achievement_file": {"pk": w["achievement_file"].pk},
        "milestones:programme_extension_edit": {"pk": w["extension"].pk},
        "milestones:programme_extension_remove": {"pk": w["extension"].pk},
        "milestones:programme_rule_edit": {"pk": w["rule"].pk},
        "milestones:programme_rule_deactivate": {"pk": w["rule"].pk},
        "milestones:batch_edit": {"slug": w["plan"].batch.slug},
        "milestones:batch_copy": {"slug": w["plan"].batch.slug},
        "milestones:batch_members": {"slug": w["plan"].batch.slug},
        "milestones:batch_make_current": {"slug": w["plan"].batch.slug},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "milestones:circular_file": {"pk": w["circular_file"].pk},
        "milestones:circular_file_remove": {"pk": w["circular_file"].pk},
        "milestones:circular_reply_file": {"pk": w["reply_file"].pk},
        "milestones:circular_reply_file_remove": {"pk": w["reply_file"].pk},
    }
    for circular in (
        "circular_detail",
        "circular_edit",
        "circular_send",
        "circular_read",
        "circular_reply",
        "circular_receipts",
        "circular_remind",
        "circular_export",
    ):
        by_name[f"milestones:{circular}"] = {"pk": w["circular"].pk}
    for check in (
        "check_detail",
        "check_edit",
        "check_evidence_add",
        "check_task_acceptance",
        "check_plaque",
        "check_stages",
    ):
        by_name[f"milestones:{check}"] = {"kind": "midterm", "slug": "zhejiang"}
    by_name["milestones:check_evidence_remove"] = {
        "kind": "midterm",
        "slug": "zhejiang",
        "pk": w["evidence"].pk,
    }
    for slug_only in (
        "plans:detail",
        "plans:contacts",
        "plans:schedule",
        "plans:deliverables",
        "plans:attachment_add",
        "plans:submit",
        "plans:start",
        "plans:comment_add",
        "plans:extension",
        "plans:compare",
        "plans:draft_pdf",
        "plans:draft_pdf_slash",
        "plans:draft_docx",
        "plans:import",
        "plans:import_preview",
    ):
        by_name[slug_only] = {"slug": "zhejiang"}
    return by_name.get(name, {})


def patterns():
    """Every named URL pattern of the portal but Django's admin."""

    def walk(entries, namespace=None):
        for entry in entries:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    continue
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return list(dict.fromkeys(walk(get_resolver().url_patterns)))


# ------------------------------------------------------------------ the answers

# (pattern, method) → the status per persona, in the order of PERSONAS:
#   A POST without `confirmed=1` to an address in ASKS_FIRST is answered 200 with
#   the confirmation page (pilots/confirm.py) when the action would be allowed.
#   anonymous office department other_department unit other_unit expert other_expert
# 302 for anonymous is the log-in page; 405 a method the address does not take.
MATRIX = {
    # The public column: open to all; a POST is answered as a GET and writes nothing.
    ("column:index", "GET"): "200 200 200 200 200 200 200 200",
    ("column:index", "POST"): "200 200 200 200 200 200 200 200",
    ("column:batch_detail", "GET"): "200 200 200 200 200 200 200 200",
    ("column:batch_detail", "POST"): "200 200 200 200 200 200 200 200",
    ("column:unit_list", "GET"): "200 200 200 200 200 200 200 200",
    ("column:unit_list", "POST"): "200 200 200 200 200 200 200 200",
    ("column:unit_detail", "GET"): "200 200 200 200 200 200 200 200",
    ("column:unit_detail", "POST"): "200 200 200 200 200 200 200 200",
    ("column:task_detail", "GET"): "200 200 200 200 200 200 200 200",
    ("column:task_detail", "POST"): "200 200 200 200 200 200 200 200",
    ("column:achievement_catalogue", "GET"): "200 200 200 200 200 200 200 200",
    ("column:achievement_catalogue", "POST"): "200 200 200 200 200 200 200 200",
    ("column:search", "GET"): "200 200 200 200 200 200 200 200",
    ("column:search", "POST"): "200 200 200 200 200 200 200 200",
    ("column:news_list", "GET"): "200 200 200 200 200 200 200 200",
    ("column:news_list", "POST"): "200 200 200 200 200 200 200 200",
    ("column:news_detail", "GET"): "200 200 200 200 200 200 200 200",
    ("column:news_detail", "POST"): "200 200 200 200 200 200 200 200",
    ("column:news_image", "GET"): "200 200 200 200 200 200 200 200",
    ("column:news_image", "POST"): "200 200 200 200 200 200 200 200",
    ("column:news_feed", "GET"): "200 200 200 200 200 200 200 200",
    ("column:news_feed", "POST"): "200 200 200 200 200 200 200 200",
    ("column:office_news_list", "GET"): "302 200 403 403 403 403 403 403",
    ("column:office_news_list", "POST"): "302 200 403 403 403 403 403 403",
    ("column:news_create", "GET"): "302 200 403 403 403 403 403 403",
    ("column:news_create", "POST"): "302 200 403 403 403 403 403 403",
    ("column:news_edit", "GET"): "302 200 403 403 403 403 403 403",
    ("column:news_edit", "POST"): "302 200 403 403 403 403 403 403",
    ("column:news_preview", "GET"): "302 200 403 403 403 403 403 403",
    ("column:news_preview", "POST"): "302 200 403 403 403 403 403 403",
    ("column:news_image_remove", "GET"): "302 405 403 403 403 403 403 403",
    ("column:news_image_remove", "POST"): "302 200 403 403 403 403 403 403",
    ("column:news_action", "GET"): "302 405 403 403 403 403 403 403",
    ("column:news_action", "POST"): "302 302 403 403 403 403 403 403",
    ("column:message_list", "GET"): "200 200 200 200 200 200 200 200",
    ("column:message_list", "POST"): "200 200 200 200 200 200 200 200",
    ("column:message_new", "GET"): "200 200 200 200 200 200 200 200",
    ("column:message_new", "POST"): "302 302 302 302 302 302 302 302",
    ("column:message_thanks", "GET"): "200 200 200 200 200 200 200 200",
    ("column:message_thanks", "POST"): "200 200 200 200 200 200 200 200",
    ("column:notice_list", "GET"): "200 200 200 200 200 200 200 200",
    ("column:notice_list", "POST"): "200 200 200 200 200 200 200 200",
    ("column:notice_detail", "GET"): "200 200 200 200 200 200 200 200",
    ("column:notice_detail", "POST"): "200 200 200 200 200 200 200 200",
    ("column:message_moderation", "GET"): "302 200 403 403 403 403 403 403",
    ("column:message_moderation", "POST"): "302 200 403 403 403 403 403 403",
    ("column:message_moderate", "GET"): "302 200 403 403 403 403 403 403",
    ("column:message_moderate", "POST"): "302 200 403 403 403 403 403 403",
    ("column:notice_office_list", "GET"): "302 200 403 403 403 403 403 403",
    ("column:notice_office_list", "POST"): "302 200 403 403 403 403 403 403",
    ("column:notice_create", "GET"): "302 200 403 403 403 403 403 403",
    ("column:notice_create", "POST"): "302 200 403 403 403 403 403 403",
    ("column:notice_edit", "GET"): "302 200 403 403 403 403 403 403",
    ("column:notice_edit", "POST"): "302 200 403 403 403 403 403 403",
    ("column:todo", "GET"): "302 200 200 200 200 200 200 200",
    ("column:todo", "POST"): "302 200 200 200 200 200 200 200",
    ("pilots:notification_list", "GET"): "302 200 200 200 200 200 200 200",
    ("pilots:notification_list", "POST"): "302 200 200 200 200 200 200 200",
    ("pilots:notification_open", "GET"): "302 404 404 404 302 404 404 404",
    ("pilots:notification_open", "POST"): "302 404 404 404 302 404 404 404",
    ("pilots:notification_read_all", "GET"): "302 405 405 405 405 405 405 405",
    ("pilots:notification_read_all", "POST"): "302 302 302 302 302 302 302 302",
    ("pilots:message_language", "GET"): "302 405 405 405 405 405 405 405",
    ("pilots:message_language", "POST"): "302 302 302 302 302 302 302 302",
    # An office export: for the office's accounts only (a department's, for its
    # department's); retry answers "nothing to retry" for a ready one.
    ("pilots:export_status", "GET"): "302 200 404 404 404 404 404 404",
    ("pilots:export_status", "POST"): "302 200 404 404 404 404 404 404",
    ("pilots:export_download", "GET"): "302 200 404 404 404 404 404 404",
    ("pilots:export_download", "POST"): "302 200 404 404 404 404 404 404",
    ("pilots:export_retry", "GET"): "302 405 405 405 405 405 405 405",
    ("pilots:export_retry", "POST"): "302 302 404 404 404 404 404 404",
    ("plans:list", "GET"): "302 200 200 200 403 403 403 403",
    ("plans:list", "POST"): "302 200 200 200 403 403 403 403",
    ("plans:mine", "GET"): "302 404 404 404 302 302 404 404",
    ("plans:mine", "POST"): "302 404 404 404 302 302 404 404",
    ("plans:detail", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:detail", "POST"): "302 200 200 404 200 404 404 404",
    ("plans:section", "GET"): "302 403 403 404 403 404 404 404",
    ("plans:section", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:contacts", "GET"): "302 403 403 404 403 404 404 404",
    ("plans:contacts", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:schedule", "GET"): "302 403 403 404 403 404 404 404",
    ("plans:schedule", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:deliverables", "GET"): "302 403 403 404 403 404 404 404",
    ("plans:deliverables", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:row_delete", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:row_delete", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:attachment_add", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:attachment_add", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:attachment", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:attachment", "POST"): "302 200 200 404 200 404 404 404",
    ("plans:start", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:start", "POST"): "302 403 403 404 302 404 404 404",
    ("plans:submit", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:submit", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:comment_add", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:comment_add", "POST"): "302 400 400 404 403 404 404 404",
    ("plans:comment_answer", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:comment_answer", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:comment_resolve", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:comment_resolve", "POST"): "302 302 403 404 403 404 404 404",
    ("plans:extension", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:extension", "POST"): "302 400 403 404 403 404 404 404",
    ("plans:version", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:version", "POST"): "302 200 200 404 200 404 404 404",
    # One version only: nothing to compare.
    ("plans:compare", "GET"): "302 404 404 404 404 404 404 404",
    ("plans:compare", "POST"): "302 404 404 404 404 404 404 404",
    ("plans:draft_pdf", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:draft_pdf", "POST"): "302 302 302 404 302 404 404 404",
    ("plans:draft_pdf_slash", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:draft_pdf_slash", "POST"): "302 302 302 404 302 404 404 404",
    # The world's PDF is the whole plan's: a department reads only its own view.
    ("plans:pdf_status", "GET"): "302 200 404 404 200 404 404 404",
    ("plans:pdf_status", "POST"): "302 200 404 404 200 404 404 404",
    ("plans:pdf_download", "GET"): "302 200 404 404 200 404 404 404",
    ("plans:pdf_download", "POST"): "302 200 404 404 200 404 404 404",
    ("plans:pdf_retry", "GET"): "302 405 405 405 405 405 405 405",
    ("plans:pdf_retry", "POST"): "302 302 404 404 302 404 404 404",
    ("plans:version_pdf", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:version_pdf", "POST"): "302 302 302 404 302 404 404 404",
    # The archival copy is the whole plan: a department reads only its tasks.
    ("plans:version_archive", "GET"): "302 200 404 404 200 404 404 404",
    ("plans:version_archive", "POST"): "302 200 404 404 200 404 404 404",
    # Word files are made on the spot, as the reader may read the plan (a
    # department: its tasks only); a POST is answered as a GET.
    ("plans:draft_docx", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:draft_docx", "POST"): "302 200 200 404 200 404 404 404",
    ("plans:version_docx", "GET"): "302 200 200 404 200 404 404 404",
    ("plans:version_docx", "POST"): "302 200 200 404 200 404 404 404",
    # Importing needs a draft the member may edit: the world's plan is approved.
    ("plans:import", "GET"): "302 403 403 404 403 404 404 404",
    ("plans:import", "POST"): "302 403 403 404 403 404 404 404",
    ("plans:import_preview", "GET"): "302 403 403 404 403 404 404 404",
    ("plans:import_preview", "POST"): "302 403 403 404 403 404 404 404",
    ("reviews:home", "GET"): "302 200 200 200 200 200 200 200",
    ("reviews:home", "POST"): "302 200 200 200 200 200 200 200",
    ("reviews:round_create", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:round_create", "POST"): "302 400 403 403 403 403 403 403",
    ("reviews:round", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:round", "POST"): "302 200 403 403 403 403 403 403",
    ("reviews:round_add_submissions", "GET"): "302 405 403 403 403 403 403 403",
    ("reviews:round_add_submissions", "POST"): "302 302 403 403 403 403 403 403",
    ("reviews:round_material", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:round_material", "POST"): "302 200 403 403 403 403 403 403",
    ("reviews:round_criteria", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:round_criteria", "POST"): "302 409 403 403 403 403 403 403",
    ("reviews:round_export", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:round_export", "POST"): "302 302 403 403 403 403 403 403",
    ("reviews:submission", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:submission", "POST"): "302 200 403 403 403 403 403 403",
    ("reviews:submission_assign", "GET"): "302 405 403 403 403 403 403 403",
    ("reviews:submission_assign", "POST"): "302 302 403 403 403 403 403 403",
    ("reviews:submission_decide", "GET"): "302 405 403 403 403 403 403 403",
    ("reviews:submission_decide", "POST"): "302 400 403 403 403 403 403 403",
    ("reviews:sheet_reopen", "GET"): "302 405 403 403 403 403 403 403",
    ("reviews:sheet_reopen", "POST"): "302 302 403 403 403 403 403 403",
    ("reviews:assignment", "GET"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment", "POST"): "302 404 404 404 404 404 409 404",
    ("reviews:assignment_attachment", "GET"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_attachment", "POST"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_pdf", "GET"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_pdf", "POST"): "302 404 404 404 404 404 302 404",
    # Made on the spot for the assigned expert; a POST is answered as a GET.
    ("reviews:assignment_docx", "GET"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_docx", "POST"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_pdf_status", "GET"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_pdf_status", "POST"): "302 404 404 404 404 404 200 404",
    ("reviews:assignment_pdf_retry", "GET"): "302 405 405 405 405 405 405 405",
    ("reviews:assignment_pdf_retry", "POST"): "302 404 404 404 404 404 302 404",
    ("reviews:assignment_conflict", "GET"): "302 403 403 403 403 403 405 405",
    ("reviews:assignment_conflict", "POST"): "302 403 403 403 403 403 302 404",
    # The unit reads its decided submission; departments and experts do not.
    ("reviews:feedback", "GET"): "302 200 403 403 200 404 403 403",
    ("reviews:feedback", "POST"): "302 200 403 403 200 404 403 403",
    ("reviews:stages", "GET"): "302 200 200 404 200 404 404 404",
    ("reviews:stages", "POST"): "302 400 400 404 403 404 404 404",
    ("reviews:unit_reviewers", "GET"): "302 200 403 403 403 403 403 403",
    ("reviews:unit_reviewers", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:home", "GET"): "302 302 302 302 302 302 302 302",
    ("milestones:home", "POST"): "302 302 302 302 302 302 302 302",
    ("milestones:unit_home", "GET"): "302 403 403 403 200 200 403 403",
    ("milestones:unit_home", "POST"): "302 403 403 403 200 200 403 403",
    ("milestones:expert_home", "GET"): "302 403 403 403 403 403 200 200",
    ("milestones:expert_home", "POST"): "302 403 403 403 403 403 200 200",
    ("milestones:office_home", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:office_home", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:office_units", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:office_units", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:office_export", "GET"): "302 200 403 403 403 403 403 403",
    # A POST asks for the export (a job, built by the worker): its status page.
    ("milestones:office_export", "POST"): "302 302 403 403 403 403 403 403",
    ("milestones:department_home", "GET"): "302 403 200 200 403 403 403 403",
    ("milestones:department_home", "POST"): "302 403 200 200 403 403 403 403",
    ("milestones:department_units", "GET"): "302 403 200 200 403 403 403 403",
    ("milestones:department_units", "POST"): "302 403 200 200 403 403 403 403",
    ("milestones:department_export", "GET"): "302 403 200 200 403 403 403 403",
    ("milestones:department_export", "POST"): "302 403 302 302 403 403 403 403",
    ("milestones:timeline", "GET"): "302 200 200 200 200 200 200 200",
    ("milestones:timeline", "POST"): "302 200 200 200 200 200 200 200",
    ("milestones:calendar_settings", "GET"): "302 200 200 200 200 200 200 200",
    ("milestones:calendar_settings", "POST"): "302 200 200 200 200 200 200 200",
    ("milestones:calendar_regenerate", "GET"): "302 405 405 405 405 405 405 405",
    # The unit's member has an address: replacing it is asked first.
    ("milestones:calendar_regenerate", "POST"): "302 302 302 302 200 302 302 302",
    # The secret in the address is the credential (calendar applications).
    ("milestones:calendar_feed", "GET"): "200 200 200 200 200 200 200 200",
    ("milestones:calendar_feed", "POST"): "200 200 200 200 200 200 200 200",
    ("milestones:progress_overview", "GET"): "302 200 200 200 302 302 403 403",
    ("milestones:progress_overview", "POST"): "302 200 200 200 302 302 403 403",
    ("milestones:progress_schedule", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:progress_schedule", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:progress_unit", "GET"): "302 200 200 404 200 404 403 403",
    ("milestones:progress_unit", "POST"): "302 200 200 404 200 404 403 403",
    ("milestones:progress_checklist", "GET"): "302 200 200 404 200 404 403 403",
    ("milestones:progress_checklist", "POST"): "302 200 200 404 200 404 403 403",
    # The report is a draft: only the unit reads it.
    ("milestones:progress_report", "GET"): "302 404 404 404 200 404 403 403",
    ("milestones:progress_report", "POST"): "302 404 404 404 400 404 403 403",
    ("milestones:check_round_add", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:check_round_add", "POST"): "302 302 403 403 403 403 403 403",
    ("milestones:check_decide", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:check_decide", "POST"): "302 400 403 403 403 403 403 403",
    ("milestones:check_assignment", "GET"): "302 403 403 403 403 403 200 404",
    ("milestones:check_assignment", "POST"): "302 403 403 403 403 403 409 404",
    # The unit, its department, the office and the material's expert.
    ("milestones:check_evidence", "GET"): "302 200 200 404 200 404 200 404",
    ("milestones:check_evidence", "POST"): "302 200 200 404 200 404 200 404",
    ("milestones:check_home", "GET"): "302 200 403 403 302 302 403 403",
    ("milestones:check_home", "POST"): "302 200 403 403 302 302 403 403",
    ("milestones:check_detail", "GET"): "302 200 200 404 200 404 403 403",
    ("milestones:check_detail", "POST"): "302 200 200 404 200 404 403 403",
    ("milestones:check_edit", "GET"): "302 403 403 403 200 404 403 403",
    ("milestones:check_edit", "POST"): "302 403 403 403 409 404 403 403",
    ("milestones:check_evidence_add", "GET"): "302 403 403 403 405 405 403 403",
    ("milestones:check_evidence_add", "POST"): "302 403 403 403 400 404 403 403",
    ("milestones:check_evidence_remove", "GET"): "302 403 403 403 405 405 403 403",
    ("milestones:check_evidence_remove", "POST"): "302 403 403 403 302 404 403 403",
    ("milestones:check_task_acceptance", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:check_task_acceptance", "POST"): "302 404 403 403 403 403 403 403",
    ("milestones:check_plaque", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:check_plaque", "POST"): "302 404 403 403 403 403 403 403",
    ("milestones:check_stages", "GET"): "302 200 200 404 200 404 403 403",
    ("milestones:check_stages", "POST"): "302 400 400 404 403 404 403 403",
    ("milestones:achievement_list", "GET"): "302 200 200 200 200 200 403 403",
    ("milestones:achievement_list", "POST"): "302 200 200 200 200 200 403 403",
    ("milestones:achievement_create", "GET"): "302 403 403 403 200 200 403 403",
    ("milestones:achievement_create", "POST"): "302 403 403 403 200 200 403 403",
    ("milestones:achievement_detail", "GET"): "302 200 200 404 200 404 404 404",
    ("milestones:achievement_detail", "POST"): "302 200 200 404 200 404 404 404",
    ("milestones:achievement_edit", "GET"): "302 403 403 404 200 404 404 404",
    ("milestones:achievement_edit", "POST"): "302 403 403 404 200 404 404 404",
    ("milestones:achievement_file_add", "GET"): "302 405 405 405 405 405 405 405",
    ("milestones:achievement_file_add", "POST"): "302 403 403 404 302 404 404 404",
    ("milestones:achievement_action", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:achievement_action", "POST"): "302 302 403 403 403 403 403 403",
    ("milestones:achievement_file_remove", "GET"): "302 405 405 405 405 405 405 405",
    ("milestones:achievement_file_remove", "POST"): "302 403 403 404 200 404 404 404",
    # The achievement is not published: nobody outside reads its file.
    ("milestones:achievement_file", "GET"): "404 200 200 404 200 404 404 404",
    ("milestones:achievement_file", "POST"): "404 200 200 404 200 404 404 404",
    ("milestones:programme_home", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_home", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_timeline", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_timeline", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_extensions", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_extensions", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_extension_edit", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_extension_edit", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_extension_remove", "GET"): "302 405 403 403 403 403 403 403",
    (
        "milestones:programme_extension_remove",
        "POST",
    ): "302 200 403 403 403 403 403 403",
    # The batches: the office's only. A POST of nothing is the form again; the
    # world's batch is the current one, so "make current" changes nothing.
    ("milestones:batch_list", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_list", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_create", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_create", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_edit", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_edit", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_copy", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_copy", "POST"): "302 200 403 403 403 403 403 403",
    # A POST of nothing lists no unit: nothing is saved, the page says so.
    ("milestones:batch_members", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_members", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_make_current", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:batch_make_current", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rules", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rules", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rule_create", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rule_create", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rule_edit", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rule_edit", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:programme_rule_deactivate", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:programme_rule_deactivate", "POST"): "302 200 403 403 403 403 403 403",
    # Notices to units (通知): the world's is sent to Zhejiang and the
    # supervising department and asks for a reply, which Zhejiang gave. A
    # sent notice no longer changes: its draft pages send the office back.
    ("milestones:circular_list", "GET"): "302 200 200 200 200 200 200 200",
    ("milestones:circular_list", "POST"): "302 200 200 200 200 200 200 200",
    ("milestones:circular_create", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:circular_create", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:circular_detail", "GET"): "302 200 200 404 200 404 404 404",
    ("milestones:circular_detail", "POST"): "302 200 200 404 200 404 404 404",
    ("milestones:circular_edit", "GET"): "302 302 403 403 403 403 403 403",
    ("milestones:circular_edit", "POST"): "302 302 403 403 403 403 403 403",
    ("milestones:circular_send", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:circular_send", "POST"): "302 302 403 403 403 403 403 403",
    # The read is recorded by a POST (the page's script or its button); the
    # office's own reading is no receipt.
    ("milestones:circular_read", "GET"): "302 405 405 405 405 405 405 405",
    ("milestones:circular_read", "POST"): "302 302 302 404 302 404 404 404",
    ("milestones:circular_reply", "GET"): "302 405 405 405 405 405 405 405",
    ("milestones:circular_reply", "POST"): "302 403 403 404 200 404 404 404",
    ("milestones:circular_receipts", "GET"): "302 200 403 403 403 403 403 403",
    ("milestones:circular_receipts", "POST"): "302 200 403 403 403 403 403 403",
    ("milestones:circular_remind", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:circular_remind", "POST"): "302 302 403 403 403 403 403 403",
    ("milestones:circular_export", "GET"): "302 200 403 403 403 403 403 403",
    # The POST asks for the export job, then its status page.
    ("milestones:circular_export", "POST"): "302 302 403 403 403 403 403 403",
    ("milestones:circular_file", "GET"): "302 200 200 404 200 404 404 404",
    ("milestones:circular_file", "POST"): "302 200 200 404 200 404 404 404",
    ("milestones:circular_file_remove", "GET"): "302 405 403 403 403 403 403 403",
    ("milestones:circular_file_remove", "POST"): "302 302 403 403 403 403 403 403",
    # A reply's files: the office and the unit that replied.
    ("milestones:circular_reply_file", "GET"): "302 200 404 404 200 404 404 404",
    ("milestones:circular_reply_file", "POST"): "302 200 404 404 200 404 404 404",
    (
        "milestones:circular_reply_file_remove",
        "GET",
    ): "302 405 405 405 405 405 405 405",
    (
        "milestones:circular_reply_file_remove",
        "POST",
    ): "302 404 404 404 200 404 404 404",
    ("login", "GET"): "200 200 200 200 200 200 200 200",
    ("login", "POST"): "200 200 200 200 200 200 200 200",
    ("logout", "GET"): "405 405 405 405 405 405 405 405",
    ("logout", "POST"): "302 302 302 302 302 302 302 302",
    ("password_change", "GET"): "302 200 200 200 200 200 200 200",
    ("password_change", "POST"): "302 200 200 200 200 200 200 200",
    ("password_change_done", "GET"): "302 200 200 200 200 200 200 200",
    ("password_change_done", "POST"): "302 405 405 405 405 405 405 405",
    ("password_reset", "GET"): "200 200 200 200 200 200 200 200",
    ("password_reset", "POST"): "200 200 200 200 200 200 200 200",
    ("password_reset_done", "GET"): "200 200 200 200 200 200 200 200",
    ("password_reset_done", "POST"): "405 405 405 405 405 405 405 405",
    ("password_reset_confirm", "GET"): "200 200 200 200 200 200 200 200",
    ("password_reset_confirm", "POST"): "200 200 200 200 200 200 200 200",
    ("password_reset_complete", "GET"): "200 200 200 200 200 200 200 200",
    ("password_reset_complete", "POST"): "405 405 405 405 405 405 405 405",
    ("set_language", "GET"): "302 302 302 302 302 302 302 302",
    ("set_language", "POST"): "302 302 302 302 302 302 302 302",
    # For a load balancer: open to all, GET only (tests/test_health.py).
    ("healthz", "GET"): "200 200 200 200 200 200 200 200",
    ("healthz", "POST"): "405 405 405 405 405 405 405 405",
}


# What cannot be undone is asked first: a POST without `confirmed=1` is answered
# with the question and writes nothing.
ASKS_FIRST = {
    "plans:row_delete",
    "plans:import_preview",
    "plans:submit",
    "reviews:submission_decide",
    "reviews:assignment",
    "reviews:assignment_conflict",
    "milestones:progress_report",
    "milestones:check_edit",
    "milestones:check_evidence_remove",
    "milestones:check_decide",
    "milestones:check_assignment",
    "milestones:achievement_file_remove",
    "milestones:programme_extension_remove",
    "milestones:programme_rule_deactivate",
    "milestones:calendar_regenerate",
    "column:news_image_remove",
    "milestones:circular_send",
    "milestones:circular_remind",
    "milestones:circular_file_remove",
    "milestones:circular_reply_file_remove",
}


def _cells():
    return [(name, method, persona) for name, method in MATRIX for persona in PERSONAS]


def test_every_pattern_is_declared():
    declared = {name for name, _method in MATRIX}
    assert set(patterns()) - declared == set(), "undeclared URL patterns"
    assert declared - set(patterns()) == set(), "declared patterns that are gone"
    assert ASKS_FIRST <= declared, "asked-first patterns that are gone"


@pytest.mark.parametrize(
    ("name", "method", "persona"), _cells(), ids=lambda value: str(value)
)
def test_the_answer_of_every_door(client, db, world, name, method, persona):
    expected = int(MATRIX[(name, method)].split()[PERSONAS.index(persona)])
    status, written, location = observe(client, world, name, method, persona)
    assert status == expected, (name, method, persona)
    if method == "POST" and name in ASKS_FIRST and status == 200:
        assert written == {}, f"the question of {name} as {persona} wrote {written}"
    if method == "GET":
        assert written == {}, f"GET {name} as {persona} wrote {written}"
    if status in (403, 404, 405) or (persona == "anonymous" and status == 302):
        assert written == {}, f"a refused POST {name} as {persona} wrote {written}"
    if persona == "anonymous" and status == 302 and name not in PUBLIC_REDIRECTS:
        assert location.startswith("/accounts/login/"), location


# Addresses whose redirect for anonymous is not the log-in page.
PUBLIC_REDIRECTS = {"column:message_new", "set_language", "logout"}


# ------------------------------------------------------------------ rows


def _restore_files(world):
    """Files are not rolled back with the rows: a removal allowed in one case
    deleted its file. Put back what is missing."""
    for key, field in (
        ("attachment", "file"),
        ("evidence", "file"),
        ("achievement_file", "file"),
        ("pdf", "file"),
        ("export", "file"),
        ("image", "image"),
        ("circular_file", "file"),
        ("reply_file", "file"),
    ):
        stored = getattr(world[key], field)
        if not stored.storage.exists(stored.name):
            stored.storage.save(
                stored.name,
                ContentFile({"image": PNG, "export": CSV}.get(key, PDF)),
            )


def observe(client, world, name, method, persona):
    """(status, rows written, redirect) of one request of `persona`."""
    _restore_files(world)
    client.logout()
    if persona != "anonymous":
        client.force_login(world["people"][persona])
    url = reverse(name, kwargs=_kwargs(name, world))
    before = row_counts()
    response = client.post(url, {}) if method == "POST" else client.get(url)
    if getattr(response, "streaming", False):
        # Read to the end: the test client then closes the file (and only then,
        # as a server would; closing again would close the database connection).
        b"".join(response.streaming_content)
    after = row_counts()
    return (
        response.status_code,
        changed_tables(before, after),
        response.get("Location", ""),
    )
