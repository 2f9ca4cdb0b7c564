"""Coaching forms (shape checks only; the rule, exclusions and places are checked by the services)."""

from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..events.forms import plausible_year
from ..forms_support import Form, WholeNumberField
from .models import GOAL_KINDS

REASON = Length(max=500, message="Keep the reason to 500 characters.")


class AssignForm(Form):
    resident_id = SelectField("Resident", coerce=int, validate_choice=False)
    coach_id = SelectField("Coach", coerce=int, validate_choice=False)
    override_reason = TextAreaField(
        "Reason to pair despite a shared field",
        validators=[Optional(), REASON],
        description="Needed only when the coach shares a field with the resident; it is recorded and flagged.",
    )


class RepairForm(Form):
    coach_id = SelectField("New coach", coerce=int, validate_choice=False)
    reason = TextAreaField(
        "Why re-pair", id="repair_reason", validators=[DataRequired("Give a reason for re-pairing."), REASON]
    )
    override_reason = TextAreaField(
        "Reason to pair despite a shared field", id="repair_override_reason", validators=[Optional(), REASON]
    )


class EndForm(Form):
    reason = TextAreaField(
        "Why the pairing ends",
        id="end_reason",
        validators=[DataRequired("Give a reason for ending the pairing."), REASON],
    )


class ExclusionForm(Form):
    resident_id = SelectField("Resident", coerce=int, validate_choice=False)
    coach_id = SelectField("Coach", coerce=int, validate_choice=False)
    reason = StringField(
        "Reason",
        validators=[DataRequired("Give a reason, e.g. research mentor."), REASON],
        description="Seen by coordinators only, e.g. research mentor or relative.",
    )


class AcceptForm(Form):
    """Suggested pairs as "resident:coach" numbers separated by spaces."""

    pairs = HiddenField(validators=[DataRequired("There are no suggestions to accept.")])

    def parsed(self) -> list[tuple[int, int]]:
        try:
            pairs = [tuple(int(n) for n in item.split(":")) for item in self.pairs.data.split()]
        except ValueError:
            return []
        return [pair for pair in pairs if len(pair) == 2]

    def validate_pairs(self, field):
        if not self.parsed():
            raise ValidationError("Those suggestions could not be read; suggest again.")


class MeetingForm(Form):
    day = DateField("Day", validators=[InputRequired("Choose the day."), plausible_year])
    start_time = TimeField("Starts", validators=[InputRequired("Choose the start time.")])
    end_time = TimeField("Ends", validators=[InputRequired("Choose the end time.")])
    place = StringField(
        "Place or video link",
        validators=[DataRequired("Say where you will meet: a room or a video link."), Length(max=300)],
    )

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("A meeting must end after it starts.")


class GoalForm(Form):
    kind = SelectField("Kind", choices=list(GOAL_KINDS.items()))
    text = TextAreaField("Text", validators=[DataRequired("Write the goal or reflection."), Length(max=2000)])
    is_shared = BooleanField("Share with my coach")
    achieved = BooleanField("Achieved")


class SeedForm(Form):
    """The tie-break seed of a suggestion (a GET form)."""

    class Meta:
        csrf = False

    seed = WholeNumberField("Seed", validators=[Optional()])
