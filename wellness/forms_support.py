"""Helpers that views share for turning domain errors into form messages."""

from flask import flash

from .errors import DomainError
from .extensions import db


def show_domain_error(error: DomainError, form=None) -> int:
    """Roll back, attach the message to the form field it names (or flash it), and return the status."""
    db.session.rollback()
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = list(field.errors or []) + [error.message]
    else:
        flash(error.message, "danger")
    return 409 if error.status_code == 409 else (403 if error.status_code == 403 else 400)
