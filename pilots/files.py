"""Uploaded files: where they are kept, how an upload is checked, what is stored.

Plan attachments, check evidence and achievement files are all kept in the private
storage, which no URL maps: a view that checks access serves them.
"""

import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
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


def private_storage():
    return PrivateStorage()


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


def stored_upload(upload, user):
    """The fields every attachment model (plan files, check evidence, achievement
    files) keeps for an upload AttachmentForm has checked."""
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
