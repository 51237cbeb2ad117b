"""Bad input to the forms of an implementation plan (plans/forms.py, pilots/files.py):
the unit edits its draft and submits it, the office comments and extends."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from plans import services
from plans.models import (
    SECTION_MAX_CHARS,
    Anchor,
    Contact,
    Deliverable,
    PlanSection,
    SectionKey,
    Status,
)
from plans.word_export import plan_docx
from tests.bad_input.harness import (
    NASTY_TEXT,
    bad_input,
    boolean,
    check_post,
    choice,
    client_as,
    date,
    number,
    one_example,
    posts,
    text,
)
from tests.plans.builders import complete_plan, current_plan, person
from tests.reviews.builders import submitted_plan

pytestmark = pytest.mark.django_db

PLAN = "/plans/zhejiang/"


@pytest.fixture
def draft(zhejiang, unit_user):
    plan = complete_plan(current_plan(zhejiang))
    services.section_for(plan=plan, key=SectionKey.STATUS_QUO)
    return plan


@bad_input
@given(
    posts(
        {"text": "现状：已建成水利一张图。", "revision": "0"},
        {"text": text(SECTION_MAX_CHARS), "revision": number()},
    )
)
def test_section_form(draft, unit_user, data):
    with one_example():
        check_post(unit_user, f"{PLAN}sections/{SectionKey.STATUS_QUO}/", data)
        section = PlanSection.objects.get(plan=draft, key=SectionKey.STATUS_QUO)
        assert len(section.text) <= SECTION_MAX_CHARS


def _contact_post(plan):
    data = {"revision": str(plan.contacts_revision)}
    slots = [("unit", role) for role in Contact.Role] + [
        (task.pk, role) for task in plan.unit.tasks.all() for role in Contact.Role
    ]
    for owner, role in slots:
        for name, value in person().items():
            data[f"{owner}-{role}-{name}"] = value
    return data


@bad_input
@given(st.data())
def test_contacts_form(draft, unit_user, data):
    task = draft.unit.tasks.first()
    bad = {"revision": choice()}
    for owner in ("unit", task.pk):
        bad |= {
            f"{owner}-contact-name": text(60),
            f"{owner}-contact-post": text(80),
            f"{owner}-contact-phone": st.one_of(
                st.sampled_from(
                    ["0571-8888888-123", "010 1234 5678", "+8613812345678"]
                ),
                number(),
                text(30),
            ),
            f"{owner}-contact-email": st.one_of(
                st.sampled_from(["李@例子.中国", "a@b", "@", "a@@b", "a@b.c" * 60]),
                text(254),
            ),
        }
    posted = data.draw(posts(_contact_post(draft), bad))
    with one_example():
        check_post(unit_user, f"{PLAN}contacts/", posted)


def _task_ids(plan):
    return [task.pk for task in plan.unit.tasks.all()]


@bad_input
@given(st.data())
def test_schedule_form(draft, unit_user, data):
    batch = draft.batch
    valid = {
        "task": str(_task_ids(draft)[0]),
        "title": "需求调研",
        "start": batch.implementation_start.isoformat(),
        "end": batch.implementation_end.isoformat(),
    }
    bad = {
        "task": choice(*_task_ids(draft)),
        "title": text(200),
        "start": date(),
        "end": date(),
    }
    with one_example():
        check_post(unit_user, f"{PLAN}schedule/", data.draw(posts(valid, bad)))


@bad_input
@given(st.data())
def test_deliverables_form(draft, unit_user, data):
    valid = {
        "task": str(_task_ids(draft)[0]),
        "title": "数字孪生平台",
        "kind": "product",
        "due": draft.batch.implementation_end.isoformat(),
    }
    bad = {
        "task": choice(*_task_ids(draft)),
        "title": text(200),
        "kind": choice(*Deliverable.Kind.values),
        "due": date(),
    }
    with one_example():
        check_post(unit_user, f"{PLAN}deliverables/", data.draw(posts(valid, bad)))


CONTENTS = [
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04not a zip",
    b"<script>alert(1)</script>",
    b"",
    b"\x00" * 64,
    b"'; DROP TABLE plans_attachment; --",
]


def upload_names():
    return st.one_of(
        st.sampled_from(["方案.pdf", "x.PDF", ".pdf", "pdf", "a.exe", "a.pdf.exe"]),
        st.sampled_from(NASTY_TEXT).map(lambda name: f"{name}.pdf"),
        st.just("长" * 300 + ".pdf"),
    )


def uploads():
    """An upload (nasty names, contents that match their name or not), or a text
    posted where the file should be."""
    return st.one_of(
        st.builds(SimpleUploadedFile, upload_names(), st.sampled_from(CONTENTS)),
        text(),
    )


def _word_plan(plan):
    """A .docx of `plan` whose texts differ from the draft's, to import."""
    content = services.snapshot(plan)
    content["sections"] = {key: f"导入的{key}。" for key in content["sections"]}
    return plan_docx(
        content,
        number=1,
        date=datetime.date(2020, 4, 15),
        is_draft=True,
        window_start=plan.batch.implementation_start,
        window_end=plan.batch.implementation_end,
    )


@bad_input
@given(uploads())
def test_word_import_upload(draft, unit_user, settings, tmp_path, upload):
    settings.VAR_DIR = tmp_path
    with one_example():
        check_post(unit_user, f"{PLAN}import/", {}, files={"file": upload})


@bad_input
@given(
    posts(
        {
            "confirmed": "1",
            "section": SectionKey.STATUS_QUO.value,
            f"revision-{SectionKey.STATUS_QUO}": "0",
            "rows": "1",
        },
        {
            "confirmed": choice("1"),
            "section": choice(*SectionKey.values),
            f"revision-{SectionKey.STATUS_QUO}": number("0"),
            "rows": boolean(),
        },
    )
)
def test_word_import_confirmation(draft, unit_user, settings, tmp_path, data):
    settings.VAR_DIR = tmp_path
    word = _word_plan(draft)
    with one_example():
        client = client_as(unit_user)
        client.post(f"{PLAN}import/", {"file": SimpleUploadedFile("plan.docx", word)})
        check_post(
            unit_user, f"{PLAN}import/preview/", data, client=client, plain_200=True
        )


@bad_input
@given(uploads())
def test_attachment_form(draft, unit_user, upload):
    with one_example():
        check_post(unit_user, f"{PLAN}attachments/", {}, files={"file": upload})


@bad_input
@given(choice(*Status.values))
def test_submit_form(draft, unit_user, expected):
    # The status the unit saw is a hidden field: a tampered one is forbidden.
    with one_example():
        check_post(unit_user, f"{PLAN}submit/", {"expected": expected}, tampered=(403,))


@pytest.fixture
def submitted(zhejiang, unit_user):
    return submitted_plan(zhejiang, unit_user)


COMMENT = {"section": Anchor.STATUS_QUO.value, "body": "请补充数据共享方案。"}
BAD_COMMENT = {"section": choice(*Anchor.values), "body": text(5000)}


@bad_input
@given(posts(COMMENT, BAD_COMMENT))
def test_comment_form(submitted, office_user, data):
    with one_example():
        check_post(office_user, f"{PLAN}comments/", data)


@bad_input
@given(posts(COMMENT, BAD_COMMENT))
def test_comment_form_of_the_supervising_department(submitted, department_user, data):
    with one_example():
        check_post(department_user, f"{PLAN}comments/", data)


@pytest.fixture
def comment(draft, office_user):
    return services.add_comment(
        plan=draft, section=Anchor.STATUS_QUO, body="请补充现状数据。", user=office_user
    )


@bad_input
@given(
    posts(
        {"answer": "已补充。", "addressed": "on"},
        {"answer": text(5000), "addressed": boolean()},
    )
)
def test_comment_answer_form(comment, unit_user, data):
    with one_example():
        check_post(unit_user, f"{PLAN}comments/{comment.pk}/answer/", data)


@bad_input
@given(boolean())
def test_comment_resolve_form(comment, office_user, reopen):
    with one_example():
        check_post(
            office_user, f"{PLAN}comments/{comment.pk}/resolve/", {"reopen": reopen}
        )


@bad_input
@given(st.data())
def test_plan_extension_form(draft, office_user, data):
    later = services.plan_due(draft) + datetime.timedelta(days=3650)
    posted = data.draw(
        posts(
            {"due": later.isoformat(), "reason": "疫情影响"},
            {"due": date(), "reason": text(5000)},
        )
    )
    with one_example():
        check_post(office_user, f"{PLAN}extension/", posted)
