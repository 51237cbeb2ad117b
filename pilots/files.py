"""Uploaded files: where they are kept, how an upload is checked, what is stored,
how a file is handed out.

Plan attachments, check evidence and achievement files are all `StoredFile` rows
kept in the private storage, which no URL maps: a view that checks access serves
them with `file_response`. The private storage is the "private" alias of
settings.STORAGES: the file system under VAR_DIR/private unless the deployment
chooses an object store (portal/settings.py, FILE_STORAGE). Files are read and
written only through the storage, never by a path on disk.
"""

import datetime
import posixpath
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.http import FileResponse
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _


class PrivateStorage(FileSystemStorage):
    """Attachments live under VAR_DIR/private, which no URL maps: a view that
    checks access serves them. The location is read when used, not at import."""

    @property
    def base_location(self):
        return str(Path(settings.VAR_DIR) / "private")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("private files have no URL")


class StorageAlias(LazyObject):
    """The backend of one alias of settings.STORAGES, looked up again at every use
    and never kept here: Django's `storages` keeps the instance and drops it when
    STORAGES changes (a test's override), so a field never holds a stale one."""

    def __init__(self, alias):
        super().__init__()
        self.__dict__["_alias"] = alias

    @property
    def _wrapped(self):
        return storages[self.__dict__["_alias"]]


def private_storage():
    """The storage of every private file (FileField(storage=private_storage);
    migrations name this callable)."""
    return StorageAlias("private")


# What each accepted extension must really contain (the first bytes decide).
EXTENSIONS = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "doc": "ole2",
    "xls": "ole2",
    "docx": "docx",
    "xlsx": "xlsx",
}


def sniff(head, fileobj):
    """The real type of an upload from its content, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            names = zipfile.ZipFile(fileobj).namelist()
        except zipfile.BadZipFile:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


# The Content-Type a download is served with, by the kind AttachmentForm stored
# (the extension, checked against the content). doc and xls share one OLE2
# signature, so for those the extension tells which program opens the file.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # Never uploaded (EXTENSIONS has no csv): the exports' CSV (pilots/sheets.py).
    "csv": "text/csv; charset=utf-8",
}


def file_response(file, *, name, kind):
    """Hand out a private file: always as a download under its stored name (RFC 5987
    for non-ASCII names, as FileResponse writes it), typed by its checked kind and
    never by what the uploader's browser claimed, and not to be sniffed, so that an
    upload is never rendered as a page of the portal."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def upload_path(instance, filename):
    """<the model's upload_folder>/<year>/<month>/<name> in the private storage."""
    month = datetime.datetime.now().strftime("%Y/%m")
    return posixpath.join(instance.upload_folder, month, filename)


class StoredFile(models.Model):
    """An uploaded file of a plan, a check material or an achievement: what every
    one of them keeps. A subclass names its `upload_folder`."""

    upload_folder = None

    file = models.FileField(storage=private_storage, upload_to=upload_path)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name

    def download(self):
        return file_response(self.file, name=self.name, kind=self.kind)


def stored_upload(upload, user):
    """The fields of a StoredFile for an upload AttachmentForm has checked."""
    return {
        "file": upload,
        "name": upload.name[:200],
        "kind": upload.kind,
        "size": upload.size,
        "uploaded_by": user,
    }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB}
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        expected = EXTENSIONS.get(extension)
        if expected is None:
            raise ValidationError(
                _("Only Word, PDF, image (PNG, JPEG) and spreadsheet files.")
            )
        upload.seek(0)
        actual = sniff(upload.read(8), upload)
        upload.seek(0)
        if actual != expected:
            raise ValidationError(
                _("The file's content does not match its name (.%(ext)s).")
                % {"ext": extension}
            )
        upload.kind = extension
        return upload
