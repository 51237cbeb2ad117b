"""The public column (no login): the programme's home, its batches, the units and
their tasks, the achievements catalogue and the search.

Nothing here reads a draft, a score, a remark or a contact: the querysets come
from pilots/public.py, which filters to what is published.
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from milestones.models import AchievementKind
from milestones.progress_charts import progress_charts
from pilots.models import Batch, BusinessDomain, PilotUnit, Task, TechnologyDomain

from .. import public, search
from ..cache import public_page
from ..news import latest_news

CATALOGUE_PAGE_SIZE = 12
# The units listed on a page: the column has 11 units today and is meant to carry
# a national programme of thousands (issue 14), so every list of units is a page,
# short enough that a page of it costs about what the 11 units cost.
UNIT_PAGE_SIZE = 30
# The tasks a unit's card names; its page lists them all.
CARD_TASKS = 3
# The home page names a few units and counts the rest.
HOME_UNITS = 12


def _group_by_level(units):
    groups = {level: [] for level in PilotUnit.Level}
    for unit in units:
        groups[PilotUnit.Level(unit.level)].append(unit)
    return [(level.label, members) for level, members in groups.items() if members]


def _with_stages(units, batch, *, running=True):
    stages = public.unit_stages(units, batch, running=running)
    for unit in units:
        unit.stage = stages[unit.pk]
    return units


def _query_without(request, *names):
    """The GET parameters but `names`, encoded: what a link keeps of the filters
    (the pagination links keep every one but `page`)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@public_page
def index(request):
    batch = Batch.objects.current()
    today = timezone.localdate()
    units = public.with_membership(PilotUnit.objects.by_level(), batch)
    levels = PilotUnit.objects.level_counts()
    unit_total = sum(count for _label, _slug, count in levels)
    total, stages = public.stage_counts(batch) if batch else (None, [])
    context = {
        "batch": batch,
        # The hero names the units of the batch the portal works on.
        "unit_count": unit_total if batch is None else total,
        "unit_total": unit_total,
        "levels": levels,
        "stages": stages,
        "other_batches": public.other_batches(batch),
        "today": today,
        "phase": public.current_phase(batch, today),
        "timeline": public.timeline(batch, today),
        "groups": _group_by_level(_with_stages(list(units[:HOME_UNITS]), batch)),
        "posts": latest_news(5),
        "featured": public.featured_achievements(),
        "search_form": SearchForm(),
    }
    return render(request, "column/index.html", context)


class UnitFilterForm(forms.Form):
    """The unit list's filters, as readable GET parameters (?level=city&domain=…):
    a few choices each, where a select of every unit would have thousands."""

    level = forms.ChoiceField(label=_("Level"), required=False)
    domain = forms.ModelChoiceField(
        label=_("Business domain"),
        queryset=BusinessDomain.objects.all(),
        to_field_name="slug",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All")), *PilotUnit.Level.choices]
        self.fields["domain"].empty_label = _("All")
        self.fields["domain"].label_from_instance = lambda item: item.label

    def filter_domain(self, units):
        """The units with a task in the chosen business domain; an invalid choice is
        reported, not applied."""
        self.is_valid()
        domain = getattr(self, "cleaned_data", {}).get("domain")
        if domain is None:
            return units
        tasks = Task.objects.filter(unit=OuterRef("pk"), business_domain=domain)
        return units.filter(Exists(tasks))

    def filter_level(self, units):
        self.is_valid()
        level = getattr(self, "cleaned_data", {}).get("level")
        return units.filter(level=level) if level else units


@public_page
def unit_list(request):
    batch = Batch.objects.current()
    form = UnitFilterForm(request.GET or None)
    units = form.filter_domain(PilotUnit.objects.all())
    # A card names its unit's first tasks and counts the others.
    first_tasks = Task.objects.order_by("order", "pk")[:CARD_TASKS]
    # A subquery rather than a join: PostgreSQL counts for the page's units only.
    task_counts = (
        Task.objects.filter(unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    listed = (
        public.with_membership(form.filter_level(units).by_level(), batch)
        .annotate(task_count=Coalesce(Subquery(task_counts), 0))
        .prefetch_related(Prefetch("tasks", first_tasks, to_attr="card_tasks"))
    )
    page = Paginator(listed, UNIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "form": form,
        # The counts of the levels under the domain chosen: what each level's link
        # would list.
        "levels": units.level_counts(),
        "level": form.cleaned_data.get("level") if form.is_bound else "",
        "level_query": _query_without(request, "page", "level"),
        "page": page,
        "query": _query_without(request, "page"),
        "groups": _group_by_level(_with_stages(list(page), batch)),
    }
    return render(request, "column/unit_list.html", context)


@public_page
def batch_detail(request, slug):
    """One batch as the public may see it: its timeline, how many units reached
    each step, a page of its units and the stage each reached in it; the way back
    to a batch that is no longer current."""
    batch = get_object_or_404(Batch, slug=slug)
    current = Batch.objects.current()
    today = timezone.localdate()
    running = batch == current
    members = batch.units.by_level()
    page = Paginator(members, UNIT_PAGE_SIZE).get_page(request.GET.get("page"))
    total, stages = public.stage_counts(batch, running=running)
    context = {
        "batch": batch,
        "is_current": running,
        "other_batches": public.other_batches(batch),
        "today": today,
        "timeline": public.timeline(batch, today, running=running),
        "unit_count": total,
        "stages": stages,
        "page": page,
        "query": _query_without(request, "page"),
        "groups": _group_by_level(_with_stages(list(page), batch, running=running)),
    }
    return render(request, "column/batch_detail.html", context)


@public_page
def unit_detail(request, slug):
    unit = get_object_or_404(public.unit_public_queryset(PilotUnit.objects), slug=slug)
    current = Batch.objects.current()
    # Every batch the unit took part in, the most recent first: a unit keeps its
    # stages, plaque and chart of an earlier batch when a new one becomes current.
    batches = list(unit.batches.order_by("-plan_due", "-pk"))
    stages = public.batch_stages(unit, batches, current)
    charts = progress_charts(unit, batches)
    for batch in batches:
        batch.stage, batch.chart = stages[batch.pk], charts[batch.pk]
    tasks = list(unit.tasks.all())
    # The percentages of the unit's latest batch: where its tasks stand now.
    percent = public.task_progress(tasks, batches[0]) if batches else {}
    steps = charts[batches[0].pk].steps if batches else {}
    for task in tasks:
        task.percent, task.steps = percent.get(task.pk), steps.get(task.pk)
    context = {
        "unit": unit,
        "tasks": tasks,
        "batches": batches,
        "in_current_batch": current in batches,
        "current_batch": current,
        "achievements": list(public.public_achievements().filter(unit=unit)),
        "posts": list(
            public.published_news().prefetch_related("units").filter(units=unit)[:5]
        ),
    }
    return render(request, "column/unit_detail.html", context)


@public_page
def task_detail(request, slug, pk):
    task = get_object_or_404(public.public_tasks(), unit__slug=slug, pk=pk)
    context = {
        "task": task,
        "unit": task.unit,
        "history": public.task_progress_history(task),
        "achievements": list(public.public_achievements().filter(task=task)),
        "posts": list(
            public.published_news().prefetch_related("units").filter(tasks=task)[:5]
        ),
    }
    return render(request, "column/task_detail.html", context)


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, as readable GET parameters (?kind=product&unit=…)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    domain = forms.ModelChoiceField(
        label=_("Business domain"),
        queryset=BusinessDomain.objects.all(),
        to_field_name="slug",
        required=False,
    )
    technology = forms.ModelChoiceField(
        label=_("Technology domain"),
        queryset=TechnologyDomain.objects.all(),
        to_field_name="slug",
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=PilotUnit.objects.all(),
        to_field_name="slug",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *AchievementKind.choices]
        for name in ("domain", "technology", "unit"):
            self.fields[name].empty_label = _("All")
            self.fields[name].label_from_instance = lambda item: item.label

    def filter(self, achievements):
        """Apply the filters that are valid; an invalid one is reported, not applied."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("kind"):
            achievements = achievements.filter(kind=data["kind"])
        if data.get("domain"):
            achievements = achievements.filter(task__business_domain=data["domain"])
        if data.get("technology"):
            achievements = achievements.filter(
                task__technology_domains=data["technology"]
            )
        if data.get("unit"):
            achievements = achievements.filter(unit=data["unit"])
        return achievements


@public_page
def achievement_catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    achievements = form.filter(public.public_achievements().filter(recommended=True))
    page = Paginator(achievements, CATALOGUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "query": _query_without(request, "page")}
    return render(request, "column/public_achievements.html", context)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the column"),
        max_length=search.MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _(
                "Search terms of at most %(limit_value)d characters, please "
                "(this has %(show_value)d)."
            )
        },
        widget=forms.TextInput(attrs={"type": "search", "id": "search-q"}),
    )


def search_page(request):
    """Not cached: see column/search.py."""
    form = SearchForm(request.GET or None)
    page = None
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        page = search.search(
            query,
            request.GET.get("page"),
            english=(translation.get_language() or "").startswith("en"),
        )
    context = {
        "form": form,
        "query": query,
        "searched": bool(query),
        "page": page,
        "total": page.paginator.count if page else 0,
        "page_query": _query_without(request, "page"),
    }
    return render(request, "column/public_search.html", context)


urlpatterns = [
    path("", index, name="index"),
    path("batches/<slug:slug>/", batch_detail, name="batch_detail"),
    path("units/", unit_list, name="unit_list"),
    path("units/<slug:slug>/", unit_detail, name="unit_detail"),
    path("units/<slug:slug>/tasks/<int:pk>/", task_detail, name="task_detail"),
    path("achievements/", achievement_catalogue, name="achievement_catalogue"),
    path("search/", search_page, name="search"),
]
