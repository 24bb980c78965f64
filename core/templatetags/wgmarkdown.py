from django import template
from django.utils.safestring import SafeString

from core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(value: str) -> SafeString:
    return render_markdown(value)
