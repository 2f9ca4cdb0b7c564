"""Forms for retreat sessions: they check the shape of input only."""

from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..events.forms import LEVEL_CHOICES, plausible_year
from ..forms_support import Form, MultiCheckboxField, WholeNumberField
from ..people.programs import PROGRAM_CHOICES
from .ideas import MAX_TEXT
from .models import FORMATS, IDEA_KINDS, MAX_SESSION_CAPACITY
from .services import Guest


def parse_guests(text: str) -> tuple[Guest, ...]:
    """One invited facilitator per line: "Name | Title | Affiliation" (title and affiliation optional)."""
    guests = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")] + ["", ""]
        guests.append(Guest(parts[0], parts[1], parts[2]))
    return tuple(guests)


class SessionForm(Form):
    title = StringField("Title", validators=[DataRequired("Give the session a title."), Length(max=200)])
    format = SelectField("Format", choices=list(FORMATS.items()), validate_choice=True)
    day = DateField("Day", validators=[InputRequired("Choose the day."), plausible_year])
    start_time = TimeField("Starts", validators=[InputRequired("Choose the start time.")])
    end_time = TimeField("Ends", validators=[InputRequired("Choose the end time.")])
    room = StringField("Room", validators=[Optional(), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5_000)])
    capacity = WholeNumberField(
        "Seats",
        validators=[
            Optional(),
            NumberRange(1, MAX_SESSION_CAPACITY, f"Enter between 1 and {MAX_SESSION_CAPACITY}."),
        ],
        description="Leave empty for no limit.",
    )
    has_waitlist = BooleanField("Keep a waitlist when full", default=True)
    programs = MultiCheckboxField("Only for programs", choices=PROGRAM_CHOICES)
    levels = MultiCheckboxField("Only for levels", choices=LEVEL_CHOICES)
    faculty = TextAreaField(
        "Faculty facilitators",
        validators=[Optional(), Length(max=2_000)],
        description="Their e-mail addresses, separated by spaces, commas or new lines.",
    )
    guests = TextAreaField(
        "Invited facilitators",
        validators=[Optional(), Length(max=2_000)],
        description="One per line: Name | Title | Affiliation.",
    )

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("The session must end after it starts.")

    def validate_guests(self, field):
        if any(
            len(part) > 200
            for guest in parse_guests(field.data or "")
            for part in (guest.name, guest.title, guest.affiliation)
        ):
            raise ValidationError("Keep each name, title and affiliation to 200 characters or fewer.")


class CopyAgendaForm(Form):
    source = SelectField("Copy the agenda of", coerce=int, validate_choice=True)


class IdeaForm(Form):
    kind = SelectField("What are you sending?", choices=list(IDEA_KINDS.items()), validate_choice=True)
    session_id = SelectField(
        "Session", coerce=int, validate_choice=False, description="For feedback on a session."
    )
    rating = RadioField(
        "Rating",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        validators=[Optional()],
        description="1 = poor, 5 = excellent. Needed for feedback on a session.",
    )
    theme = StringField(
        "Theme",
        validators=[Optional(), Length(max=80)],
        description="A word or two to group it by, e.g. ambulatory teaching, wellness, QI.",
    )
    text = TextAreaField(
        "Your idea or reflection",
        validators=[DataRequired("Write your idea or reflection."), Length(max=MAX_TEXT)],
    )
    is_anonymous = BooleanField(
        "Send anonymously",
        description="Coordinators will not see your name, and you will not be able to see it again here.",
    )
