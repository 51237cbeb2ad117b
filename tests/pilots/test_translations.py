from pathlib import Path

import polib
from django.utils import translation

from pilots.models import History, OutboxEmail

PO = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_string_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert missing == []
    assert catalogue.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_po_file():
    # The .mo is committed so the portal runs without gettext; it must be current.
    catalogue = polib.pofile(str(PO))
    with translation.override("zh-hans"):
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                continue
            if entry.msgctxt:
                got = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = translation.gettext(entry.msgid)
            assert got == entry.msgstr, entry.msgid


def test_a_workflow_state_and_a_mail_recipient_are_labelled_apart():
    # Both fields are called "to" in English; in Chinese one is the state a
    # workflow moved to, the other the address a message goes to.
    with translation.override("zh-hans"):
        assert str(History._meta.get_field("to_state").verbose_name) == "新状态"
        assert str(OutboxEmail._meta.get_field("to").verbose_name) == "收件地址"
