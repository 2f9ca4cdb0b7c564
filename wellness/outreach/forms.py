"""Forms for outreach projects, shifts, decisions, totals and hours: they check the shape of input only."""

from wtforms import DateField, DecimalField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..events.forms import plausible_year
from ..forms_support import Form, WholeNumberField, stripped
from .models import MAX_SLOTS, PROJECT_KINDS


class ProjectForm(Form):
    title = StringField("Project", validators=[DataRequired("Name the project."), Length(max=200)])
    kind = SelectField("Kind", choices=list(PROJECT_KINDS.items()), validate_choice=True)
    partner_name = StringField(
        "Partner organisation", validators=[DataRequired("Name the partner organisation."), Length(max=200)]
    )
    partner_address = StringField("Partner's address", validators=[Optional(), Length(max=300)])
    starts_on = DateField("First day", validators=[InputRequired("Choose the first day."), plausible_year])
    ends_on = DateField("Last day", validators=[InputRequired("Choose the last day."), plausible_year])
    description = TextAreaField("What volunteers will do", validators=[Optional(), Length(max=5_000)])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be on or after the first.")


class DecideForm(Form):
    decision = RadioField("Decision", choices=[("approve", "Approve"), ("decline", "Decline")],
                          validators=[InputRequired("Approve or decline.")])  # fmt: skip
    reason = TextAreaField(
        "Reason (needed to decline)", validators=[Optional(), Length(max=500)],
        description="The organisers see it, so they can rework the proposal.",
    )  # fmt: skip


class OrganiserForm(Form):
    email = StringField("Co-organiser's e-mail", validators=[DataRequired("Enter an e-mail address."),
                        Email("Enter an e-mail address."), Length(max=254)], filters=[stripped])  # fmt: skip


class AmountForm(Form):
    amount = DecimalField(
        "Amount raised ($)", places=2,
        validators=[InputRequired("Enter the amount."), NumberRange(0, 9_999_999.99, "Enter a sum from 0.")],
    )  # fmt: skip


class ShiftForm(Form):
    role = StringField(
        "Role", validators=[DataRequired("Name the role, e.g. Prep or Serving."), Length(max=120)]
    )
    day = DateField("Day", validators=[InputRequired("Choose the day."), plausible_year])
    start_time = TimeField("Starts", validators=[InputRequired("Choose the start time.")])
    end_time = TimeField("Ends", validators=[InputRequired("Choose the end time.")])
    slots = WholeNumberField(
        "Slots", validators=[InputRequired("Enter how many volunteers."),
                             NumberRange(1, MAX_SLOTS, f"Enter between 1 and {MAX_SLOTS}.")],
    )  # fmt: skip

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("The shift must end after it starts.")


class HoursForm(Form):
    hours = DecimalField(
        "Extra hours", places=2,
        validators=[InputRequired("Enter the hours."), NumberRange(0.25, 24, "Enter between 0.25 and 24 hours.")],
    )  # fmt: skip
    note = StringField("What for", validators=[Optional(), Length(max=300)])


class RunnerForm(Form):
    who = StringField(
        "Runner", validators=[DataRequired("Enter a resident's e-mail or a guest's name."), Length(max=200)],
        description="A resident's e-mail address, or a guest's name.",
    )  # fmt: skip
    team = StringField("Team", validators=[Optional(), Length(max=120)])
