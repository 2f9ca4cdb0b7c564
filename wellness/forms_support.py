"""Helpers that views share: the base form, and turning domain errors into form messages."""

import unicodedata

from flask import flash
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from .errors import DomainError
from .extensions import db

CONTROL_CHARACTER_MESSAGE = "Remove the invisible control characters (often pasted in by accident)."


def has_control_characters(text: str) -> bool:
    """True for NUL and the other control characters, except tab, line feed and carriage return."""
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text)


class Form(FlaskForm):
    """A form whose text fields refuse control characters.

    PostgreSQL cannot store NUL in text at all, and no other control character belongs in a name,
    an address or a search. Passwords are exempt: they are only ever hashed.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            text = field.data
            is_text = isinstance(field, StringField) and not isinstance(field, PasswordField)
            if is_text and isinstance(text, str) and has_control_characters(text):
                field.errors = list(field.errors or []) + [CONTROL_CHARACTER_MESSAGE]
                valid = False
        return valid


def show_domain_error(error: DomainError, form=None) -> int:
    """Roll back, attach the message to the form field it names (or flash it), and return the status."""
    db.session.rollback()
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = list(field.errors or []) + [error.message]
    else:
        flash(error.message, "danger")
    return 409 if error.status_code == 409 else (403 if error.status_code == 403 else 400)
