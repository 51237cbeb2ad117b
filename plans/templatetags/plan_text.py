from django import template

from plans.textformat import render_text

register = template.Library()


@register.filter
def plan_text(text):
    """Paragraphs and lists from a plan's plain text, everything escaped."""
    return render_text(text)
