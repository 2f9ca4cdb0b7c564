"""Helpers that views share: the base form, and turning domain errors into form messages."""

from flask import flash
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from .errors import DomainError
from .extensions import db
from .plain_text import CONTROL_CHARACTER_MESSAGE, has_control_characters


class Form(FlaskForm):
    """A form whose text fields refuse control characters.

    Passwords are exempt (they are only ever hashed), and so are fields a form lists in
    `raw_text_fields`, whose content is checked where it is parsed.
    """

    raw_text_fields: tuple[str, ...] = ()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            text = field.data
            is_text = isinstance(field, StringField) and not isinstance(field, PasswordField)
            if field.name in self.raw_text_fields:
                continue
            if is_text and isinstance(text, str) and has_control_characters(text):
                field.errors = list(field.errors or []) + [CONTROL_CHARACTER_MESSAGE]
                valid = False
        return valid


def stripped(value):
    """A field filter: text without the spaces around it (a pasted address often brings one)."""
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """An integer field that refuses absurdly long numbers before any range check sees them.

    WTForms' NumberRange turns the value into a float, which overflows past about 300 digits.
    """

    MAX_DIGITS = 9

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist[0].strip()) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(f"Enter a whole number of at most {self.MAX_DIGITS} digits.")
        super().process_formdata(valuelist)


class ConfirmForm(Form):
    """An empty form for POST buttons: it carries only the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def show_domain_error(error: DomainError, form=None) -> int:
    """Roll back, attach the message to the form field it names (or flash it), and return the status."""
    db.session.rollback()
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = list(field.errors or []) + [error.message]
    else:
        flash(error.message, "danger")
    return error.status_code
