"""Forms for events, RSVPs, check-in, groups and kinds: they check the shape of input only."""

from datetime import time

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..forms_support import Form, MultiCheckboxField, WholeNumberField
from ..people.programs import PROGRAM_CHOICES
from .models import KIND_COLOURS, MAX_CAPACITY, MAX_GUESTS

LEVEL_CHOICES = [("1", "PGY-1 (interns)"), ("2", "PGY-2 (juniors)"), ("3", "PGY-3 (seniors)"), ("4", "PGY-4")]


def time_unless_all_day(message: str):
    """Ignore the time of an all-day event; otherwise require one.

    A validator rather than validate_<field>: Optional() ends the chain on empty input, so an
    inline check never saw the missing time and the view failed on it.
    """

    def check(form, field):
        if form.is_all_day.data:
            field.errors[:] = []
            raise StopValidation()
        if not (field.raw_data and field.raw_data[0].strip()):
            field.errors[:] = []
            raise StopValidation(message)

    return check


def plausible_year(form, field):
    """Refuse dates far outside any program's life (they would also overflow time arithmetic)."""
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError("Enter a date between the years 2000 and 2100.")


class EventForm(Form):
    title = StringField("Title", validators=[DataRequired("Give the event a title."), Length(max=200)])
    kind = SelectField("Kind", coerce=int, validate_choice=True)
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=10_000)],
        description="Markdown: **bold**, *italic*, lists and links. HTML is shown as text.",
    )
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    is_all_day = BooleanField("All day (or several whole days)")
    start_on = DateField("Starts on", validators=[InputRequired("Choose the start date."), plausible_year])
    start_time = TimeField(
        "Start time", validators=[time_unless_all_day("Choose the start time, or tick All day.")]
    )
    end_on = DateField("Ends on", validators=[InputRequired("Choose the end date."), plausible_year])
    end_time = TimeField(
        "End time", validators=[time_unless_all_day("Choose the end time, or tick All day.")]
    )
    capacity = WholeNumberField(
        "Capacity",
        validators=[Optional(), NumberRange(1, MAX_CAPACITY, f"Enter between 1 and {MAX_CAPACITY}.")],
        description="Places in all, guests included. Leave empty for no limit.",
    )
    has_waitlist = BooleanField("Keep a waitlist when full", default=True)
    rsvp_opens_at = DateTimeLocalField(
        "RSVPs open",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional(), plausible_year],
        description="Empty: as soon as the event is published.",
    )
    rsvp_closes_at = DateTimeLocalField(
        "RSVPs close",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional(), plausible_year],
        description="Empty: when the event starts.",
    )
    allows_guests = BooleanField("Guests welcome (family, partners)")
    max_guests = WholeNumberField(
        "Guests per RSVP",
        default=0,
        validators=[Optional(), NumberRange(0, MAX_GUESTS, f"Enter between 0 and {MAX_GUESTS}.")],
    )
    is_for_everyone = BooleanField("Everyone", default=True)
    programs = MultiCheckboxField("Programs", choices=PROGRAM_CHOICES, validate_choice=True)
    levels = MultiCheckboxField("Levels", choices=LEVEL_CHOICES, validate_choice=True)
    groups = MultiCheckboxField("Groups", coerce=int, validate_choice=True)
    organisers = StringField(
        "Organisers",
        validators=[Optional(), Length(max=2000)],
        description="E-mail addresses separated by commas. Empty: you.",
    )

    def validate_end_on(self, field):
        if self.start_on.data is None or field.data is None:
            return
        if self.is_all_day.data:
            if field.data < self.start_on.data:
                raise ValidationError("The event must end on or after the day it starts.")
        elif self.start_time.data and self.end_time.data:
            start = (self.start_on.data, self.start_time.data)
            if (field.data, self.end_time.data) <= start:
                raise ValidationError("The event must end after it starts.")

    def validate_max_guests(self, field):
        if self.allows_guests.data and not field.data:
            raise ValidationError("Say how many guests each person may bring.")

    def validate_programs(self, field):
        chosen = field.data or self.levels.data or self.groups.data
        if not self.is_for_everyone.data and not chosen:
            raise ValidationError("Choose who the event is for, or tick Everyone.")

    def validate_organisers(self, field):
        for address in (part.strip() for part in (field.data or "").split(",")):
            if address and "@" not in address:
                raise ValidationError(f"{address} is not an e-mail address.")

    def times(self) -> tuple[tuple, tuple]:
        """(start date, start time), (end date, end time) as wall-clock values; all-day spans whole days."""
        if self.is_all_day.data:
            return (self.start_on.data, time(0)), (self.end_on.data, time(0))
        return (self.start_on.data, self.start_time.data), (self.end_on.data, self.end_time.data)


class RsvpForm(Form):
    response = RadioField(
        "Your answer",
        choices=[("going", "Going"), ("maybe", "Maybe"), ("not_going", "Not going")],
        validators=[InputRequired("Choose going, maybe or not going.")],
    )
    guests = WholeNumberField(
        "Guests",
        default=0,
        validators=[Optional(), NumberRange(0, MAX_GUESTS, f"Enter between 0 and {MAX_GUESTS}.")],
    )


class OnBehalfForm(RsvpForm):
    email = StringField(
        "Person's e-mail", validators=[DataRequired("Enter their e-mail address."), Email(), Length(max=254)]
    )


class CheckInForm(Form):
    rsvp_id = HiddenField(validators=[DataRequired()])
    present = HiddenField(default="1")


class GroupForm(Form):
    name = StringField("Name", validators=[DataRequired("Give the group a name."), Length(max=80)])
    description = StringField("What it is for", validators=[Optional(), Length(max=300)])


class MemberForm(Form):
    emails = TextAreaField(
        "Add people",
        validators=[DataRequired("Enter at least one e-mail address."), Length(max=20_000)],
        description="E-mail addresses, separated by commas, spaces or new lines.",
    )


class KindForm(Form):
    name = StringField("Name", validators=[DataRequired("Give the kind a name."), Length(max=60)])
    colour = SelectField("Colour", choices=[(key, key.capitalize()) for key in KIND_COLOURS])


class EventFilterForm(Form):
    class Meta:
        csrf = False

    kind = SelectField("Kind", choices=[("", "All kinds")], validate_choice=False)
    program = SelectField("Program", choices=[("", "All programs"), *PROGRAM_CHOICES], validate_choice=False)
    mine = BooleanField("Only mine")
    past = BooleanField("Past events")
