"""我的待办: what is waiting for the signed-in user.

The programme's items come from milestones.todo; the public messages waiting for
the office's moderation are the column's own, so the page is put together here,
on the floor that sees both.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from milestones.todo import todo_items

from ..public_messages import moderation_items


@login_required
def todo(request):
    """Only the user's own items: every query is scoped to request.user."""
    today = timezone.localdate()
    items = sorted(
        todo_items(request.user, today=today)
        + moderation_items(request.user, today=today),
        key=lambda item: item.sort_key,
    )
    return render(
        request,
        "column/todo.html",
        {
            "items": items,
            "overdue": sum(item.is_overdue for item in items),
            "today": today,
        },
    )


urlpatterns = [
    path("todo/", todo, name="todo"),
]
