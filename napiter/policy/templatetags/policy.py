"""Buttons from the policy: a template offers an action only when `napiter.policy` allows it.

    {% load policy %}
    {% allowed "grant.approve" grant as may_approve %}{% if may_approve %}<button ...>{% endif %}

The record passed was fetched for this user through the policy already (it is the page's own record), so
the tag checks the role and the record's state, not its scope again (no query).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from napiter import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context: dict[str, Any], action: str, obj: Model | None = None) -> bool:
    return policy.allows(context["request"].user, action, obj, in_scope=True)
