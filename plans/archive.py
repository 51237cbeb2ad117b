"""Archival copies of plan versions, and the proof that nothing changed since.

A version's frozen content is hashed once, at submission, over its canonical
JSON (`canonical_json`: the one serialisation every hash of a version's content
uses: the submission, the migration that hashed the older versions and
`verify_archive`). Each version is also rendered once as PDF/A (tagged, its facts
in the document information) by the Celery worker, when it is submitted and
again when it is approved: a `PlanPdf` with `archive` set, whose file's hash is
recorded as it is stored. Neither is ever made again: a second request finds the
first copy (one per version and occasion, a unique constraint), a render claims
a pending row only, the model refuses a save that changes a made copy, and the
storage never overwrites a name.
"""

import dataclasses
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilots.history import history_of

from . import pdfqueue
from .models import PlanPdf, PlanVersion, Status
from .pdf import ArchiveInfo, plan_title

Archive = PlanPdf.Archive
CHUNK = 1024 * 1024


def canonical_json(content):
    """The bytes a version's content is hashed over: JSON with the keys sorted,
    no spaces, UTF-8 (no \\u escapes), so the same content always gives the same
    bytes, however the database orders a JSON object's keys."""
    return json.dumps(
        content,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def content_sha256(content):
    return hashlib.sha256(canonical_json(content)).hexdigest()


def file_sha256(field_file):
    """The sha256 of a stored file, read through the storage API in chunks."""
    digest = hashlib.sha256()
    with field_file.open("rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cache_key(version, kind):
    # PlanPdf.content_hash, unique per plan: never equal to an ordinary render's.
    text = f"archive:{kind}:{version.pk}:{version.content_sha256}"
    return hashlib.sha256(text.encode()).hexdigest()


def queue_archive(version, kind, *, user=None):
    """The archival copy of `version` for `kind` (Archive.SUBMITTED or APPROVED):
    the existing one, or a new pending one sent to the worker after the commit
    (with the broker down it waits for pdfjobs.recover_stalled)."""
    existing = PlanPdf.objects.filter(version=version, archive=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            pdf = PlanPdf.objects.create(
                plan_id=version.plan_id,
                version=version,
                number=version.number,
                archive=kind,
                content_hash=_cache_key(version, kind),
                requested_by=user,
            )
    except IntegrityError:
        return PlanPdf.objects.get(version=version, archive=kind)
    pdfqueue.enqueue(pdf)
    return pdf


def approved_at(plan):
    """When `plan` was approved (its history row), None if it was not."""
    row = history_of(plan).filter(to_state=Status.APPROVED).last()
    return row.at if row else None


def archive_info(pdf):
    """The facts the archival copy `pdf` records of its version."""
    version = pdf.version
    content = version.content
    approved = approved_at(pdf.plan) if pdf.archive == Archive.APPROVED else None
    return ArchiveInfo(
        unit_name=content["unit"],
        batch_name=content.get("batch", ""),
        version_number=version.number,
        title=plan_title(content["unit"]),
        submitted_at=timezone.localtime(version.submitted_at),
        approved_at=timezone.localtime(approved) if approved else None,
    )


def expected_copies():
    """(version, kind) of every archival copy there should be: each version as
    submitted; the last version of an approved plan as approved."""
    versions = PlanVersion.objects.select_related("plan__unit").order_by(
        "plan_id", "number"
    )
    last = {}
    for version in versions:
        last[version.plan_id] = version
        yield version, Archive.SUBMITTED
    for version in last.values():
        if version.plan.status == Status.APPROVED:
            yield version, Archive.APPROVED


def queue_missing(*, user=None):
    """Queue every expected archival copy not asked for yet (the versions
    submitted before archival copies existed). Returns how many were queued."""
    asked = set(
        PlanPdf.objects.exclude(archive="").values_list("version_id", "archive")
    )
    queued = 0
    for version, kind in expected_copies():
        if (version.pk, kind) not in asked:
            queue_archive(version, kind, user=user)
            queued += 1
    return queued


@dataclasses.dataclass(frozen=True)
class Problem:
    version: PlanVersion
    what: str

    def __str__(self):
        return f"{self.version.plan.unit.slug} v{self.version.number}: {self.what}"


def verify():
    """Every version's content and every archival file against its recorded
    hash. Returns (versions checked, files checked, problems): a mismatch, a hash
    never recorded, a copy never made or not ready, a file missing."""
    copies = {
        (pdf.version_id, pdf.archive): pdf
        for pdf in PlanPdf.objects.exclude(archive="")
    }
    problems = []
    versions = files = 0
    for version, kind in expected_copies():
        if kind == Archive.SUBMITTED:
            versions += 1
            problems += _content_problems(version)
        pdf = copies.get((version.pk, kind))
        if pdf is None:
            problems.append(Problem(version, f"no archival copy ({kind})"))
        elif pdf.status != PlanPdf.Status.READY:
            problems.append(
                Problem(version, f"archival copy ({kind}) not made: {pdf.status}")
            )
        else:
            files += 1
            problems += _file_problems(version, pdf)
    return versions, files, problems


def _content_problems(version):
    if not version.content_sha256:
        return [Problem(version, "content: no SHA-256 recorded")]
    actual = content_sha256(version.content)
    if actual != version.content_sha256:
        return [
            Problem(
                version,
                f"content MISMATCH: recorded {version.content_sha256}, now {actual}",
            )
        ]
    return []


def _file_problems(version, pdf):
    if not pdf.file or not pdf.file.storage.exists(pdf.file.name):
        return [
            Problem(version, f"archival copy ({pdf.archive}) MISSING: {pdf.file.name}")
        ]
    actual = file_sha256(pdf.file)
    if actual != pdf.file_sha256:
        return [
            Problem(
                version,
                f"archival copy ({pdf.archive}) MISMATCH: {pdf.file.name}, "
                f"recorded {pdf.file_sha256 or '-'}, now {actual}",
            )
        ]
    return []
