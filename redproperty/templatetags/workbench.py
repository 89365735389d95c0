"""Template filters of the workbench."""
from django import template

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A user's name the Chinese way, family name first (王敏), else the username."""
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.get_username()
