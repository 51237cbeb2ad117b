"""Notices to units (通知) with read receipts: who may read one, the verbs that
write one, and the office's receipt table.

The office writes a `Circular` as a draft, then sends it (final, asked first):
`send` resolves the audience into the units addressed and tells every recipient
in the portal and by e-mail (messages.circular_sent). A recipient's first read
is a `CircularRead` row, written by `record_read` from a POST the notice page
makes (a GET never writes; docs/architecture.md, notices). A unit answers once
per notice (`CircularReply`): a confirmation of receipt, or a reply with text
and files, which it may change until the reply-by date; after that date a unit
that has not replied may still reply once, recorded as late.

The office's receipt table (`receipt_rows`) has one row per unit addressed;
`remind` reminds the units of a filter (not read, not answered) once per
reminder action through reminders.deliver; `receipts_table` is the export.
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.files import stored_upload
from pilots.history import record
from pilots.models import PilotUnit, User
from pilots.sheets import DATETIME, TEXT, Column, Table

from . import messages
from .models import (
    CIRCULAR_REMINDER,
    Circular,
    CircularFile,
    CircularRead,
    CircularReply,
    CircularReplyFile,
    SentReminder,
)
from .reminders import deliver

DRAFT, SENT = "draft", "sent"
STATE_LABELS = {DRAFT: gettext_lazy("Draft"), SENT: gettext_lazy("Sent")}

# The receipt table's filters (?show=…).
UNREAD, UNANSWERED = "unread", "unanswered"
FILTERS = {
    UNREAD: gettext_lazy("Not read"),
    UNANSWERED: gettext_lazy("Not answered"),
}


# What a draft's form changes (its units and departments are set apart).
DRAFT_FIELDS = [
    "title",
    "body",
    "response",
    "reply_by",
    "audience",
    "domain",
    "to_experts",
    "updated_at",
]


class CircularError(Exception):
    """A verb refused: the message says why, in the user's language."""


# ------------------------------------------------------------------ who reads


def visible_to(user):
    """The notices `user` may open: the office every one, drafts too; anyone
    else the sent notices addressed to them (their unit, their department, or
    every expert); nobody else any."""
    if not user.is_authenticated or not user.role:
        return Circular.objects.none()
    if user.is_office:
        return Circular.objects.all()
    sent = Circular.objects.filter(sent_at__isnull=False)
    if user.is_unit_member:
        return sent.filter(units=user.unit_id)
    if user.is_department:
        return sent.filter(departments=user.department_id)
    if user.is_expert:
        return sent.filter(to_experts=True)
    return Circular.objects.none()


def is_recipient(user, circular):
    """Whether `user` is one of those the sent notice is addressed to."""
    return (
        circular.is_sent
        and not user.is_office
        and visible_to(user).filter(pk=circular.pk).exists()
    )


def answering_unit(user, circular):
    """The unit `user` answers the notice for, or None: a member of a unit it
    is addressed to, when the notice asks for an answer."""
    if circular.asks_response and user.is_unit_member and is_recipient(user, circular):
        return user.unit
    return None


# ------------------------------------------------------------------ office's verbs


def audience_units(circular):
    """The units the notice goes to, from its audience: every unit of its
    batch, the chosen ones (of the batch), the units with a task of the batch
    in the business domain, or none."""
    batch_units = PilotUnit.objects.filter(batches=circular.batch_id)
    audience = circular.audience
    if audience == Circular.Audience.ALL_UNITS:
        return batch_units
    if audience == Circular.Audience.CHOSEN_UNITS:
        return batch_units.filter(pk__in=circular.units.values("pk"))
    if audience == Circular.Audience.DOMAIN and circular.domain_id:
        return batch_units.filter(
            tasks__batches=circular.batch_id,
            tasks__business_domain=circular.domain_id,
        ).distinct()
    return PilotUnit.objects.none()


def recipients(circular, units):
    """Every active account the notice reaches: the members of `units`, of its
    departments, and every expert when it goes to them."""
    people = Q(pk__in=User.objects.unit_members().filter(unit__in=units).values("pk"))
    people |= Q(
        pk__in=User.objects.department_members()
        .filter(department__in=circular.departments.all())
        .values("pk")
    )
    if circular.to_experts:
        people |= Q(pk__in=User.objects.experts().values("pk"))
    return list(User.objects.filter(people).order_by("pk"))


def save_draft(*, circular, user, units, departments, files=()):
    """Keep a new or changed draft with its chosen units, departments and new
    attachments (uploads AttachmentForm has checked). Refused once sent."""
    with transaction.atomic():
        if circular.pk is None:
            circular.created_by = user
            circular.save()
        else:
            # The row lock makes a send wait for this save, or this save see
            # the send; only the draft's own fields are written, never sent_at.
            draft = Circular.objects.select_for_update().filter(
                pk=circular.pk, sent_at__isnull=True
            )
            if not draft.exists():
                raise CircularError(
                    _("This notice has been sent: it can no longer change.")
                )
            circular.save(update_fields=DRAFT_FIELDS)
        circular.units.set(
            units if circular.audience == Circular.Audience.CHOSEN_UNITS else []
        )
        circular.departments.set(departments)
        for upload in files:
            CircularFile.objects.create(
                circular=circular, **stored_upload(upload, user)
            )
    return circular


def remove_file(*, attachment):
    """Take an attachment off a draft (its file is deleted from the storage)."""
    if attachment.circular.is_sent:
        raise CircularError(_("This notice has been sent: it can no longer change."))
    attachment.file.delete(save=False)
    attachment.delete()


def send(*, circular, user):
    """Send the draft: final. Its units become every unit of its audience; each
    recipient is told in the portal and by e-mail, in their language.

    Refused when it reaches nobody, when the reply-by date has passed, or when
    someone else sent it first (conditional UPDATE). Side effects: the units
    set, a history row draft → sent, notifications and outbox e-mails."""
    units = list(audience_units(circular))
    people = recipients(circular, units)
    if not people:
        raise CircularError(
            _("Nobody would receive this notice: choose units, departments or experts.")
        )
    if circular.reply_by and circular.reply_by < timezone.localdate():
        raise CircularError(_("The reply-by date has passed: choose a later one."))
    now = timezone.now()
    with transaction.atomic():
        sent = Circular.objects.filter(pk=circular.pk, sent_at__isnull=True).update(
            sent_at=now, sent_by=user
        )
        if not sent:
            raise CircularError(_("This notice has already been sent."))
        circular.sent_at, circular.sent_by = now, user
        circular.units.set(units)
        record(circular, from_state=DRAFT, to_state=SENT, by=user)
        messages.circular_sent(circular=circular, recipients=people)
    return len(people)


# ------------------------------------------------------------------ recipients' verbs


def record_read(*, circular, user, when=None):
    """The recipient's first read of the notice; later reads change nothing.
    Returns the read row, or None for someone who is not a recipient."""
    if not is_recipient(user, circular):
        return None
    read, _created = CircularRead.objects.get_or_create(
        circular=circular,
        user=user,
        defaults={
            "unit_id": user.unit_id if user.is_unit_member else None,
            "read_at": when or timezone.now(),
        },
    )
    return read


def reply_of(circular, unit):
    return CircularReply.objects.filter(circular=circular, unit=unit).first()


def can_change_reply(circular, reply, *, today=None):
    """Whether the unit may give or change its reply now: always until the end
    of the reply-by day (Asia/Shanghai); after it only a first, late reply."""
    if circular.response != Circular.Response.REPLY:
        return False
    today = today or timezone.localdate()
    if reply is None or reply.replied_at is None:
        return True
    return circular.reply_by is None or today <= circular.reply_by


def _is_late(circular, now):
    return bool(circular.reply_by) and timezone.localdate(now) > circular.reply_by


def confirm_receipt(*, circular, user):
    """The unit confirms it received the notice (确认收到); once. Reading it is
    recorded too."""
    unit = answering_unit(user, circular)
    if unit is None or circular.response != Circular.Response.CONFIRM:
        raise CircularError(_("This notice asks for no confirmation from you."))
    now = timezone.now()
    with transaction.atomic():
        record_read(circular=circular, user=user, when=now)
        reply, _created = CircularReply.objects.get_or_create(
            circular=circular, unit=unit
        )
        CircularReply.objects.filter(pk=reply.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, confirmed_by=user, is_late=_is_late(circular, now)
        )
    return reply


def save_reply(*, circular, user, text, upload=None):
    """The unit's reply (text, and a file AttachmentForm checked): given or
    changed while `can_change_reply`; a first reply after the date is late.
    Reading it is recorded too."""
    unit = answering_unit(user, circular)
    if unit is None or circular.response != Circular.Response.REPLY:
        raise CircularError(_("This notice asks for no reply from you."))
    now = timezone.now()
    with transaction.atomic():
        reply, _created = CircularReply.objects.select_for_update().get_or_create(
            circular=circular, unit=unit
        )
        if not can_change_reply(circular, reply, today=timezone.localdate(now)):
            raise CircularError(
                _("The reply-by date has passed: the reply can no longer change.")
            )
        record_read(circular=circular, user=user, when=now)
        if reply.replied_at is None:
            reply.is_late = _is_late(circular, now)
        reply.text, reply.replied_at, reply.replied_by = text, now, user
        reply.save()
        if upload is not None:
            CircularReplyFile.objects.create(reply=reply, **stored_upload(upload, user))
    return reply


def remove_reply_file(*, reply_file):
    reply = reply_file.reply
    if not can_change_reply(reply.circular, reply):
        raise CircularError(
            _("The reply-by date has passed: the reply can no longer change.")
        )
    reply_file.file.delete(save=False)
    reply_file.delete()


# ------------------------------------------------------------------ receipts


@dataclasses.dataclass
class ReceiptRow:
    """One unit addressed: who of it read the notice and when, its answer, the
    office's reminders."""

    unit: PilotUnit
    reads: list
    reply: CircularReply | None
    reminders: list

    @property
    def first_read(self):
        return self.reads[0].read_at if self.reads else None

    @property
    def confirmed(self):
        return bool(self.reply and self.reply.confirmed_at)

    @property
    def replied(self):
        return bool(self.reply and self.reply.replied_at)

    def answered(self, circular):
        if circular.response == Circular.Response.CONFIRM:
            return self.confirmed
        if circular.response == Circular.Response.REPLY:
            return self.replied
        return True


def receipt_rows(circular, *, show=""):
    """One `ReceiptRow` per unit addressed, in the units' order; `show` keeps
    those that have not read it (UNREAD) or not answered it (UNANSWERED).
    Five queries, whatever the number of units."""
    reads, replies, reminded = {}, {}, {}
    for read in CircularRead.objects.filter(
        circular=circular, unit__isnull=False
    ).select_related("user"):
        reads.setdefault(read.unit_id, []).append(read)
    for reply in (
        CircularReply.objects.filter(circular=circular)
        .select_related("confirmed_by", "replied_by")
        .prefetch_related("files")
    ):
        replies[reply.unit_id] = reply
    for sent in SentReminder.objects.filter(
        kind=CIRCULAR_REMINDER, key__startswith=_reminder_prefix(circular)
    ).order_by("sent_at"):
        reminded.setdefault(sent.unit_id, []).append(sent.sent_at)
    rows = [
        ReceiptRow(
            unit=unit,
            reads=reads.get(unit.pk, []),
            reply=replies.get(unit.pk),
            reminders=sorted(set(reminded.get(unit.pk, []))),
        )
        for unit in circular.units.order_by("order", "slug")
    ]
    if show == UNREAD:
        rows = [row for row in rows if not row.reads]
    elif show == UNANSWERED:
        rows = [row for row in rows if not row.answered(circular)]
    return rows


def other_reads(circular):
    """The reads of recipients outside the units: departments and experts."""
    return list(
        CircularRead.objects.filter(circular=circular, unit__isnull=True)
        .select_related("user", "user__department")
        .order_by("read_at", "pk")
    )


def _reminder_prefix(circular):
    return f"circular:{circular.pk}:"


@dataclasses.dataclass(frozen=True)
class CircularReminder:
    """One member of a unit reminded of a notice by one reminder action of the
    office (`token`, the action's form); its SentReminder row keeps it once."""

    user: User
    unit: PilotUnit
    circular: Circular
    token: str
    due: datetime.date
    today: datetime.date

    @property
    def key(self):
        return f"{_reminder_prefix(self.circular)}{self.token}"

    @property
    def identity(self):
        return (
            self.user.pk,
            CIRCULAR_REMINDER,
            self.unit.pk,
            self.key,
            (self.due - self.today).days,
            self.due,
        )


def remind(*, circular, show, token, today=None):
    """Remind the members of the units of filter `show` (UNREAD, UNANSWERED)
    by notification and e-mail; one action (its `token`) reminds each person
    once, however often its form is posted. Returns how many were reminded now.
    Side effects: SentReminder, Notification and OutboxEmail rows."""
    if not circular.is_sent:
        raise CircularError(_("Only a sent notice can be reminded of."))
    if show == UNANSWERED and not circular.asks_response:
        raise CircularError(_("This notice asks for no answer."))
    today = today or timezone.localdate()
    units = [row.unit for row in receipt_rows(circular, show=show)]
    due = circular.reply_by or today
    reminders = [
        CircularReminder(
            user=user,
            unit=user.unit,
            circular=circular,
            token=token,
            due=due,
            today=today,
        )
        for user in User.objects.unit_members()
        .filter(unit__in=units)
        .select_related("unit")
    ]
    return deliver(
        batch=circular.batch,
        reminders=reminders,
        today=today,
        message_for=lambda reminder: messages.circular_reminder(
            circular=circular, user=reminder.user, key=reminder.key
        ),
    )


def units_to_remind(circular, show):
    return [row.unit for row in receipt_rows(circular, show=show)]


# ------------------------------------------------------------------ export


def _names(reads):
    return "\n".join(
        f"{read.user.get_full_name()} {timezone.localtime(read.read_at):%Y-%m-%d %H:%M}"
        for read in reads
    )


def _local(moment):
    return timezone.make_naive(moment) if moment else None


def receipts_table(circular, rows):
    """The receipt table as a pilots.sheets.Table, one row per unit: what the
    export job writes (milestones.exports.request_receipts)."""
    columns = [
        Column(_("Unit"), TEXT),
        Column(_("First read"), DATETIME),
        Column(_("Read by"), TEXT),
        Column(_("Confirmed"), DATETIME),
        Column(_("Confirmed by"), TEXT),
        Column(_("Replied"), DATETIME),
        Column(_("Replied by"), TEXT),
        Column(_("Late"), TEXT),
        Column(_("Reply"), TEXT, width=60),
        Column(_("Reply files"), TEXT),
        Column(_("Reminded"), TEXT),
    ]
    lines = []
    for row in rows:
        reply = row.reply
        lines.append(
            [
                row.unit.label,
                _local(row.first_read),
                _names(row.reads),
                _local(reply and reply.confirmed_at),
                reply.confirmed_by.get_full_name()
                if reply and reply.confirmed_by
                else "",
                _local(reply and reply.replied_at),
                reply.replied_by.get_full_name() if reply and reply.replied_by else "",
                (_("yes") if reply.is_late else _("no")) if reply else "",
                reply.text if reply else "",
                "\n".join(f.name for f in reply.files.all()) if reply else "",
                "\n".join(
                    f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
                    for moment in row.reminders
                ),
            ]
        )
    return Table(title=circular.title, columns=columns, rows=lines)
