"""Choices name units and tasks in the reader's language: an English page lists
"Zhejiang Provincial Department of Water Resources", never 浙江省水利厅 (their
str() is the Chinese name)."""

import re

import pytest
from django.urls import reverse

from pilots.models import Batch, Task
from tests.conftest import client_for
from tests.plans.builders import complete_plan, current_plan

ZHEJIANG_EN = "Zhejiang Provincial Department of Water Resources"
ZHEJIANG_ZH = "浙江省水利厅"


def _choices(page, name):
    """The visible names of the choices of field `name`: a select's options or
    the labels of a group of check boxes."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        return re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))
    ids = re.findall(rf'name="{name}" [^>]*id="(id_{name}_\d+)"', page)
    return [
        re.search(rf'<label[^>]*for="{i}"[^>]*>\s*(.*?)\s*</label>', page, re.S)
        .group(1)
        .strip()
        for i in ids
    ]


def _english(client, url):
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_public_message_form_names_the_units_in_english(client):
    choices = _choices(_english(client, reverse("column:message_new")), "unit")
    assert ZHEJIANG_EN in choices
    assert ZHEJIANG_ZH not in choices


def test_achievement_filter_names_the_units_in_english(client, office_user):
    client_for(client, office_user)
    choices = _choices(_english(client, reverse("milestones:achievement_list")), "unit")
    assert ZHEJIANG_EN in choices
    assert ZHEJIANG_ZH not in choices


def test_news_form_names_the_units_in_english(client, office_user):
    client_for(client, office_user)
    choices = _choices(_english(client, reverse("column:news_create")), "units")
    assert len(choices) == 11
    assert ZHEJIANG_EN in choices
    assert ZHEJIANG_ZH not in choices


def test_notice_form_names_the_units_in_english(client, office_user):
    client_for(client, office_user)
    choices = _choices(_english(client, reverse("column:notice_create")), "units")
    assert ZHEJIANG_EN in choices
    assert ZHEJIANG_ZH not in choices


def test_extension_form_names_the_units_in_english(client, office_user):
    client_for(client, office_user)
    page = _english(client, reverse("milestones:programme_extensions"))
    choices = _choices(page, "unit")
    assert ZHEJIANG_EN in choices
    assert ZHEJIANG_ZH not in choices


def test_schedule_form_names_the_tasks_in_english(client, zhejiang, unit_user):
    complete_plan(current_plan(zhejiang))
    task = Batch.objects.current().tasks_of(zhejiang).first()
    assert task.title_en and task.title_en != task.title
    client_for(client, unit_user)
    page = _english(client, reverse("plans:schedule", args=[zhejiang.slug]))
    choices = _choices(page, "task")
    assert task.title_en in choices
    assert task.title not in choices


def test_achievement_form_names_the_tasks_in_english(client, zhejiang, unit_user):
    task = Task.objects.filter(unit=zhejiang).first()
    client_for(client, unit_user)
    page = _english(client, reverse("milestones:achievement_create"))
    choices = _choices(page, "task")
    assert task.title_en in choices
    assert task.title not in choices
