"""Refusals shared by the services of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The record is no longer in the state the action needs: usually another user acted on it first (two
    supervisors approving the same grant). The API answers 409 Conflict; a page shows the message."""
