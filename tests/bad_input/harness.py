"""Bad input for every form: the values, and the properties every post keeps.

Each test posts generated values to one form through Django's test client, as
the user allowed to post it, and `check_post` asserts:

- never a 5xx answer;
- a refused post (400 or 409, a 200 re-display with errors, or a redirect with an
  error message) shows what is wrong, and changes none of the portal's data;
- whatever is stored, accepted or not, holds no control character.

Each example runs in a savepoint rolled back at its end (`one_example`), so the
examples of a test start from the same data and never see each other's writes.
"""

import contextlib
import itertools

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from pilots.text import CONTROL_CHARACTERS

# Few examples per form, always the same ones: the run is short and CI is
# deterministic; nothing is written to a .hypothesis directory.
bad_input = settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

APPS = ("pilots", "plans", "reviews", "milestones", "column")

# ------------------------------------------------------------------ the values

EMPTY = ["", " ", "   ", "\t\n \r\n", "\u3000\u3000", "\n\n\n"]
CHINESE = ["水利", "智慧水利先行先试", "数字孪生流域：雨水情监测预报“三道防线”"]
EMOJI = ["💧🌊", "👩‍👩‍👧‍👦", "🇨🇳水利🚰", "\U0001f4a7" * 5]
CONTROL = [
    "\x00",
    "水\x00利",
    "\x07\x08\x1b[31m红\x1b[0m",
    "a\x0b\x0cb",
    "\x7f\x80\x85\x9f",
    "尾\x01",
    "\x1f",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><b>粗</b>",
    "{{ request.user.password }}",
    "{% load static %}{% now 'Y' %}",
    "[图片1]",
    "javascript:alert(1)",
]
SQL = [
    "'; DROP TABLE plans_plan; --",
    "1' OR '1'='1",
    "1; SELECT pg_sleep(1)--",
    '\\"; --',
    "%s%s%s%n",
]
ODD = ["\u202eevil", "\ufeffBOM", "\u200b", "\ud7ff", "\U0010ffff", "%00", "\\x00"]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "0x10",
    "１２",
    "٣",
    "²",
    "①",
    "1,000",
    "12abc",
]
DATES = [
    "2021-02-30",
    "0000-00-00",
    "99999-01-01",
    "9999-12-31",
    "0001-01-01",
    "2021-13-01",
    "2021-00-10",
    "2021/03/01",
    "2021-3-1",
    "01/03/2021",
    "明天",
    "today",
    "2021-03-01T25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2021-02-30T10:00",
]

NASTY_TEXT = EMPTY + CHINESE + EMOJI + CONTROL + MARKUP + SQL + ODD
NASTY = NASTY_TEXT + NUMBERS + DATES

# Characters for generated text: no lone surrogates (they cannot be encoded).
_ALPHABET = st.characters(exclude_categories=("Cs",))


def long_text(limit):
    """Text one character over `limit` (or far over it)."""
    return st.sampled_from(
        [
            "长" * (limit + 1),
            "x" * (limit + 1),
            "💧" * (limit + 1),
            "水\x00" * (limit + 1),
            "超" * (limit * 3 + 10),
        ]
    )


def text(limit=None, *valid):
    """Text for a field of at most `limit` characters: the nasty values, text
    over the limit, generated text, and `valid` values."""
    options = [
        st.sampled_from(NASTY),
        long_text(limit or 5000),
        st.text(_ALPHABET, max_size=30),
    ]
    if valid:
        options.insert(0, st.sampled_from(valid))
    return st.one_of(options)


def number(*valid):
    options = [
        st.sampled_from(NUMBERS + EMPTY[:3] + MARKUP[:1] + SQL[:1]),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    ]
    if valid:
        options.insert(0, st.sampled_from([str(v) for v in valid]))
    return st.one_of(options)


def date(*valid):
    options = [
        st.sampled_from(DATES + EMPTY[:3] + NUMBERS[:3] + SQL[:1] + CHINESE[:1]),
        st.dates().map(lambda day: day.isoformat()),
    ]
    if valid:
        options.insert(0, st.sampled_from([str(v) for v in valid]))
    return st.one_of(options)


def datetime_local(*valid):
    """A value for an <input type="datetime-local">."""
    options = [
        st.sampled_from(DATES + EMPTY[:2] + NUMBERS[:2]),
        st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    ]
    if valid:
        options.insert(0, st.sampled_from([str(v) for v in valid]))
    return st.one_of(options)


def choice(*valid):
    """A value for a select or a hidden id: valid ones, nasty ones, numbers."""
    options = [
        st.sampled_from(NUMBERS + EMPTY[:2] + SQL[:2] + MARKUP[:1] + CONTROL[:2]),
        st.text(_ALPHABET, max_size=12),
    ]
    if valid:
        options.insert(0, st.sampled_from([str(v) for v in valid]))
    return st.one_of(options)


@st.composite
def posts(draw, valid, bad):
    """A valid post (`valid`: field → value) with some of its fields, none to all,
    replaced by values drawn from `bad` (field → strategy)."""
    data = dict(valid)
    names = draw(st.lists(st.sampled_from(sorted(bad)), unique=True, max_size=len(bad)))
    for name in names:
        data[name] = draw(bad[name])
    return data


def boolean():
    return st.sampled_from(["", "on", "true", "false", "0", "1", "yes", "无", "\x00"])


# ------------------------------------------------------------------ the data


@contextlib.contextmanager
def one_example():
    """Whatever the example writes is undone at its end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def portal_models():
    for label in APPS:
        yield from apps.get_app_config(label).get_models()


def fingerprints():
    """A digest of every table of the portal's own models, in one query."""
    models = list(portal_models())
    if connection.vendor != "postgresql":
        return {
            model._meta.label: hash(repr(list(model.objects.order_by("pk").values())))
            for model in models
        }
    # Table and column names come from the models, quoted: no input reaches them.
    parts = [
        f"SELECT %s, md5(coalesce(string_agg(t::text, ',' ORDER BY t.{quote(m)}), ''))"  # noqa: S608
        f" FROM {connection.ops.quote_name(m._meta.db_table)} t"
        for m in models
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(parts), [model._meta.label for model in models]
        )
        return dict(cursor.fetchall())


def quote(model):
    return connection.ops.quote_name(model._meta.pk.column)


def rows_of(label):
    return list(apps.get_model(label).objects.order_by("pk").values())


def strings_in(value):
    """Every string in a stored value (JSON included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in itertools.chain(value.keys(), value.values()):
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


# ------------------------------------------------------------------ the posts


def client_as(user):
    """A fresh client (no message or session of an earlier example)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _forms_in(value, depth=0):
    if depth > 4:
        return
    if isinstance(value, BaseForm | BaseFormSet):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _forms_in(item, depth + 1)


def _form_errors(form):
    if isinstance(form, BaseFormSet):
        errors = list(form.non_form_errors())
        for member in form.forms:
            errors += _form_errors(member)
        return errors
    if not form.is_bound:
        return []
    return [error for field_errors in form.errors.values() for error in field_errors]


def error_texts(response):
    """The errors this response's view found: the error messages it queued and
    the errors of the bound forms it rendered."""
    texts = [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level >= constants.ERROR
    ]
    seen = set()
    for context in response.context or []:
        for value in itertools.chain.from_iterable(d.values() for d in context.dicts):
            for form in _forms_in(value):
                if id(form) not in seen:
                    seen.add(id(form))
                    texts += [str(error) for error in _form_errors(form)]
    return texts


def outcome(response, *, plain_200=False):
    """'accepted' or 'refused' (asserting what a refusal must show)."""
    status = response.status_code
    assert status < 500, f"{status} answer"
    errors = error_texts(response)
    if status in (301, 302, 303, 307):
        return "refused" if errors else "accepted"
    if status in (403, 404):
        # A tampered hidden field: the portal's own page says what happened.
        assert f"{status}.html" in [t.name for t in response.templates]
        return "refused"
    if status in (400, 409) or (status == 200 and errors):
        page = response.content.decode()
        shown = [error for error in errors if escape(error) in page]
        assert shown, f"{status} without a visible error (found {errors!r})"
        return "refused"
    assert status == 200, f"unexpected {status}"
    assert plain_200, "a post answered 200 with neither an error nor a redirect"
    return "accepted"


def check_post(
    user,
    url,
    data,
    *,
    files=None,
    plain_200=False,
    tampered=(),
    method="post",
    client=None,
):
    """Post `data` to `url` as `user` and assert the properties; returns the
    outcome and the response. `plain_200`: a 200 without errors is a normal answer
    (a preview, a search); `tampered`: the statuses (403, 404) the view answers
    when a hidden field (an id, the state the user saw) was tampered with."""
    client = client or client_as(user)
    before = fingerprints()
    payload = dict(data)
    if files:
        payload.update(files)
    response = getattr(client, method)(url, payload)
    if "confirm.html" in [t.name for t in response.templates]:
        # What cannot be undone is asked first (pilots/confirm.py): the question
        # writes nothing, and its button posts the same data again, confirmed.
        assert fingerprints() == before, "the confirmation page changed data"
        response = getattr(client, method)(url, {**payload, "confirmed": "1"})
    if response.status_code in (403, 404):
        assert response.status_code in tampered, (
            f"{response.status_code} for a post the user is allowed to make"
        )
    result = outcome(response, plain_200=plain_200)
    if currently_in_test_context():
        event(f"{result} ({response.status_code})")
    after = fingerprints()
    changed = [label for label in before if before[label] != after[label]]
    if result == "refused":
        assert not changed, "a refused post changed data: " + repr(
            {label: rows_of(label) for label in changed}
        )
    for label in changed:
        for row in rows_of(label):
            for name, value in row.items():
                for string in strings_in(value):
                    assert not CONTROL_CHARACTERS.search(string), (
                        f"stored {label}.{name}={string!r} holds a control character"
                    )
    return result, response
