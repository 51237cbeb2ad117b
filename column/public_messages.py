"""The public's messages (意见建议, notice 六.4: 回应行业内外关切) and notices (公示).

The message form needs no login and no third-party captcha (none is reachable from
a ministry intranet), so it screens posts itself:
- a honeypot field that people never see and bots fill in;
- a signed timestamp: a post sooner than MIN_FILL_SECONDS after the form was served
  is refused, and a form older than MAX_FORM_AGE is sent again with a fresh one;
- limits per client (keyed hash of REMOTE_ADDR, stored in client_hash) and for
  everyone together, counted on the stored messages.

REMOTE_ADDR is the client only when the portal faces the internet directly. Behind
a reverse proxy every post would share the proxy's address (and its limits): the
deployment names its proxies in TRUSTED_PROXIES, and portal/proxy.py sets
REMOTE_ADDR from the address the proxy appended to X-Forwarded-For, only on
requests from those proxies; a client-supplied header is never trusted here.

Only `moderate()` writes PublicMessage.status.
"""

import datetime
import hashlib
import hmac
import re
import secrets
import time

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milestones.models import CheckKind, CheckResult
from milestones.todo import Item
from pilots.history import record

from . import messages
from .cache import invalidate
from .models import PublicMessage, PublicNotice

Status = PublicMessage.Status

# pending is the only state the office acts on; an answer, once given, stays.
TRANSITIONS = {
    Status.PENDING: {Status.PUBLISHED, Status.ANSWERED, Status.REJECTED},
    Status.PUBLISHED: set(),
    Status.ANSWERED: set(),
    Status.REJECTED: set(),
}

MIN_FILL_SECONDS = 3
MAX_FORM_AGE = datetime.timedelta(hours=4)
PER_CLIENT_WINDOW = datetime.timedelta(minutes=10)
PER_CLIENT_IN_WINDOW = 3
PER_CLIENT_PER_DAY = 20
EVERYONE_PER_HOUR = 200
MAX_LINKS = 3

_TOKEN_SALT = "pilots.public_messages.form"  # noqa: S105 - a salt, not a secret
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class ModerationError(Exception):
    """The office's action was refused; the message is for the user."""


class StaleModeration(ModerationError):
    pass


# ------------------------------------------------------------------ screening


def client_hash(address):
    """A keyed hash of the client's address: lets us count a client's posts
    without storing the address, and cannot be reversed by trying all IPv4s
    without SECRET_KEY."""
    key = f"public-message-client:{settings.SECRET_KEY}".encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def form_token(issued_at=None):
    """The signed time the form was served, with a nonce that makes each form's
    token its own; the post sends it back, and one token brings one message."""
    issued = int(issued_at if issued_at is not None else time.time())
    return signing.Signer(salt=_TOKEN_SALT).sign(f"{issued}.{secrets.token_hex(8)}")


def token_digest(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


def token_used(token):
    return PublicMessage.objects.filter(form_token=token_digest(token)).exists()


class TokenCheck:
    OK = "ok"
    FORGED = "forged"  # missing or tampered: a bot, answered generically
    TOO_FAST = "too_fast"
    EXPIRED = "expired"


def check_token(token):
    try:
        value = signing.Signer(salt=_TOKEN_SALT).unsign(token or "")
        issued = int(value.split(".")[0])
    except (signing.BadSignature, ValueError):
        return TokenCheck.FORGED
    age = time.time() - issued
    if age < MIN_FILL_SECONDS:
        return TokenCheck.TOO_FAST
    if age > MAX_FORM_AGE.total_seconds():
        return TokenCheck.EXPIRED
    return TokenCheck.OK


def count_links(*texts):
    return sum(len(_LINK.findall(text or "")) for text in texts)


def flood_refusal(*, client, now=None):
    """Why a post from `client` (a client_hash) is refused now, or None.

    Counted on the stored messages in one query. Two posts racing past the same
    count can both get in: a limit off by one under a race is harmless here, and
    needs no lock or Redis counter.
    """
    now = now or timezone.now()
    counts = PublicMessage.objects.filter(
        created_at__gt=now - datetime.timedelta(days=1)
    ).aggregate(
        everyone_hour=Count(
            "pk", filter=Q(created_at__gt=now - datetime.timedelta(hours=1))
        ),
        client_window=Count(
            "pk",
            filter=Q(client_hash=client, created_at__gt=now - PER_CLIENT_WINDOW),
        ),
        client_day=Count("pk", filter=Q(client_hash=client)),
    )
    if counts["everyone_hour"] >= EVERYONE_PER_HOUR:
        return _(
            "We are receiving a great many messages right now. Please try again "
            "later; what you typed is kept below."
        )
    if counts["client_window"] >= PER_CLIENT_IN_WINDOW:
        return _(
            "You have sent %(count)s messages in the last %(minutes)s minutes. "
            "Please wait a few minutes before sending another; what you typed is "
            "kept below."
        ) % {
            "count": counts["client_window"],
            "minutes": int(PER_CLIENT_WINDOW.total_seconds() // 60),
        }
    if counts["client_day"] >= PER_CLIENT_PER_DAY:
        return _(
            "You have sent %(count)s messages in the last 24 hours, the most we "
            "accept from one sender. Please try again later; what you typed is "
            "kept below."
        ) % {"count": counts["client_day"]}
    return None


# ------------------------------------------------------------------ writing


def submit_message(*, data, client, token=None):
    """Store a screened message and tell the office (in the portal and by e-mail,
    on commit). `data`: the form's cleaned fields. None when `token` already
    brought a message (a second click, a replay): nothing is stored twice."""
    try:
        with transaction.atomic():
            message = _store_message(data=data, client=client, token=token)
    except IntegrityError:
        return None
    return message


def _store_message(*, data, client, token):
    message = PublicMessage.objects.create(
        kind=data["kind"],
        notice=data.get("notice"),
        unit=data.get("unit"),
        name=data["name"],
        email=data["email"],
        subject=data["subject"],
        body=data["body"],
        client_hash=client,
        form_token=token_digest(token) if token else None,
    )
    messages.public_message_received(message=message)
    return message


def moderate(*, message, to_status, answer, by, now=None):
    """Publish with the answer, answer privately, or reject a pending message.

    Side effects: status, answer, answered_at/by written by a conditional UPDATE
    (StaleModeration when another office member got there first); a history row
    (the answer is on the message, so no note); a private
    answer queues one e-mail to the sender through the outbox; the public pages'
    cache is dropped (update() sends no signal).
    """
    to_status = Status(to_status)
    answer = answer.strip()
    if to_status not in TRANSITIONS[Status(message.status)]:
        raise ModerationError(
            _("This message is already “%(status)s”.")
            % {"status": message.get_status_display()}
        )
    if to_status in (Status.PUBLISHED, Status.ANSWERED) and not answer:
        raise ModerationError(_("Write the answer first."))
    now = now or timezone.now()
    with transaction.atomic():
        updated = PublicMessage.objects.filter(
            pk=message.pk, status=message.status
        ).update(status=to_status, answer=answer, answered_at=now, answered_by=by)
        if not updated:
            raise StaleModeration(
                _("Someone else moderated this message first; here is what they did.")
            )
        record(message, from_state=message.status, to_state=to_status, by=by)
        if to_status == Status.ANSWERED:
            messages.public_message_answer(message=message, answer=answer)
        transaction.on_commit(invalidate)
    invalidate()
    message.refresh_from_db()
    return message


# ------------------------------------------------------------------ notices


def results_notice(*, kind=CheckKind.ACCEPTANCE, batch=None):
    """Title, text and units of a 公示 of the mid-term check or acceptance results
    from the units that passed it (in `batch` if given), or None when none has yet.
    In the portal's language: it is published text."""
    results = CheckResult.objects.filter(material__kind=kind, passed=True)
    if batch is not None:
        results = results.filter(material__batch=batch)
    results = list(
        results.select_related("material__unit").order_by(
            "material__unit__order", "material__unit__pk"
        )
    )
    if not results:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        if kind == CheckKind.MIDTERM:
            title = _("Public notice of the pilot mid-term check results")
            intro = _(
                "The following pilot units passed the mid-term check of their pilot "
                "tasks; the results are published for the public notice period:"
            )
        else:
            title = _("Public notice of the pilot acceptance results")
            intro = _(
                "The following pilot units passed the acceptance of their pilot "
                "tasks; the results are published for the public notice period:"
            )
        lines = [intro]
        for number, result in enumerate(results, start=1):
            grade = result.get_grade_display() if result.grade else _("passed")
            lines.append(f"{number}. {result.material.unit.name}（{grade}）")
        lines.append(
            _(
                "Objections may be sent through the portal's message form during "
                "the notice period."
            )
        )
    return {
        "title": title,
        "body": "\n".join(lines),
        "units": [result.material.unit for result in results],
    }


def notices_with_counts():
    """Notices with their objection counts, in one query (the office's list)."""
    objection = Q(objections__kind=PublicMessage.Kind.OBJECTION)
    return PublicNotice.objects.annotate(
        objection_count=Count("objections", filter=objection),
        pending_count=Count(
            "objections", filter=objection & Q(objections__status=Status.PENDING)
        ),
    )


def moderation_items(user, *, today):
    """The office's to-do: one item for all pending messages, so that a flood of
    them does not bury the programme's work."""
    if not (user.is_authenticated and user.is_office):
        return []
    waiting = PublicMessage.objects.filter(
        status=PublicMessage.Status.PENDING
    ).aggregate(count=Count("pk"), oldest=Min("created_at"))
    if not waiting["count"]:
        return []
    return [
        Item(
            kind="message.moderate",
            title=ngettext(
                "%(count)s public message waiting for moderation",
                "%(count)s public messages waiting for moderation",
                waiting["count"],
            )
            % {"count": waiting["count"]},
            url=reverse("column:message_moderation"),
            since=timezone.localdate(waiting["oldest"]),
            today=today,
        )
    ]
