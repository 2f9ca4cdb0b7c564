"""Duty and time-away forms (shape checks only; overlaps, the past and the rules are the services')."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..events.forms import plausible_year
from ..forms_support import Form, stripped
from .away import MAX_NOTE
from .clinics import WEEKDAYS
from .importing import MAX_SITE
from .models import AWAY_KINDS
from .sessions import DUTY_KINDS, SESSIONS

MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # a term for the whole program is about 1 MB

SESSION_CHOICES = [(key, f"{key} · {session.label}") for key, session in SESSIONS.items()]
SITE = Length(max=MAX_SITE, message=f"Keep the site to {MAX_SITE} characters.")


def _after_first(first_field: str):
    def check(form, field):
        first = form[first_field].data
        if first and field.data and field.data < first:
            raise ValidationError("The last day must be on or after the first.")

    return check


class DutyForm(Form):
    day = DateField("Day", id="duty_day", validators=[InputRequired("Choose the day."), plausible_year])
    session = SelectField("Session", id="duty_session", choices=SESSION_CHOICES)
    kind = SelectField("Kind", id="duty_kind", choices=list(DUTY_KINDS.items()))
    site = StringField("Site", id="duty_site", validators=[Optional(), SITE])


class ClinicForm(Form):
    weekday = SelectField("Weekday", coerce=int, choices=list(enumerate(WEEKDAYS[:5])))
    session = SelectField("Session", id="clinic_session", choices=SESSION_CHOICES[:2])
    site = StringField(
        "Site",
        id="clinic_site",
        validators=[Optional(), SITE],
        description="The person's clinic site unless you change it.",
    )
    first_day = DateField("From", validators=[InputRequired("Choose the first day."), plausible_year])
    last_day = DateField(
        "Until", validators=[InputRequired("Choose the last day."), plausible_year, _after_first("first_day")]
    )


class AwayForm(Form):
    kind = SelectField("Kind", id="away_kind", choices=list(AWAY_KINDS.items()))
    starts_on = DateField(
        "First day away", validators=[InputRequired("Choose the first day."), plausible_year]
    )
    ends_on = DateField(
        "Last day away",
        validators=[InputRequired("Choose the last day."), plausible_year, _after_first("starts_on")],
    )
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=MAX_NOTE, message=f"Keep the note to {MAX_NOTE} characters.")],
    )


class DeclineForm(Form):
    reason = StringField(
        "Reason",
        validators=[
            DataRequired("Say why the request is declined."),
            Length(max=MAX_NOTE, message=f"Keep the reason to {MAX_NOTE} characters."),
        ],
    )


class FindForm(Form):
    """Someone's duties page by address (a GET form)."""

    class Meta:
        csrf = False

    email = StringField(
        "Address", validators=[DataRequired("Enter an address."), Length(max=254)], filters=[stripped]
    )


class ImportForm(Form):
    file = FileField(
        "Duties file (CSV, UTF-8)",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv", "txt"], "Upload a .csv file."),
            FileSize(
                MAX_UPLOAD_BYTES,
                message=f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB; split it.",
            ),
        ],
    )


class CoverForm(Form):
    """Who covers one duty, by e-mail (the suggestions send their e-mail too). Each duty's form has the
    prefix cover_form gives it, so its fields are named apart from the other duties' forms."""

    coverer = StringField(
        "Coverer's e-mail",
        validators=[
            DataRequired("Enter an e-mail address."),
            Email("Enter an e-mail address."),
            Length(max=254),
        ],
        filters=[stripped],
    )


def cover_form(duty_id: int) -> CoverForm:
    return CoverForm(prefix=f"d{duty_id}")
