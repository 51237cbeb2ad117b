"""我的待办: what is waiting for the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from .. import todo as todo_list


@login_required
def todo(request):
    """Only the user's own items: every query is scoped to request.user."""
    today = timezone.localdate()
    items = todo_list.todo_items(request.user, today=today)
    return render(
        request,
        "milestones/todo.html",
        {
            "items": items,
            "overdue": sum(item.is_overdue for item in items),
            "today": today,
        },
    )


urlpatterns = [
    path("todo/", todo, name="todo"),
]
