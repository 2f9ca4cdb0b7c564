"""Forms for signing in, passwords, people, fields and roster upload (shape checks only)."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms_support import Form, MultiCheckboxField, WholeNumberField, stripped
from .programs import PROGRAM_CHOICES, ROLE_NAMES
from .security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)], filters=[stripped])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A phrase of a few words works well.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class SetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField("Set password")


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Change password")


class ResetRequestForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[stripped],
    )
    submit = SubmitField("Send reset link")


class PersonForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[stripped],
    )
    first_name = StringField("First name", validators=[DataRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=100)])
    roles = MultiCheckboxField("Roles", choices=[(r, r.capitalize()) for r in ROLE_NAMES])
    program = SelectField("Program", choices=[("", "—")] + PROGRAM_CHOICES, validators=[Optional()])
    is_stanbury = BooleanField("Physician-scientist (Stanbury) pathway")
    training_start_year = WholeNumberField(
        "Training start year",
        validators=[Optional(), NumberRange(min=1980, max=2100)],
        description="The year of the July in which residency began; the PGY follows from it.",
    )
    firm = StringField("Firm", validators=[Optional(), Length(max=80)])
    clinic_site = StringField("Continuity clinic site", validators=[Optional(), Length(max=120)])
    fields = StringField(
        "Fields",
        validators=[Optional(), Length(max=1000)],
        description="Separate several with semicolons, e.g. cardiology; medical education.",
    )
    coach_capacity = WholeNumberField(
        "Coaching capacity",
        validators=[Optional(), NumberRange(min=0, max=50)],
        description="How many residents this faculty member can coach at once.",
    )
    submit = SubmitField("Save")

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError("Choose at least one role.")

    def validate(self, extra_validators=None) -> bool:
        # Optional() ends a field's own checks when it is empty, so what residents need is checked here.
        valid = super().validate(extra_validators)
        if "resident" in (self.roles.data or []):
            if not self.program.data:
                self.program.errors = [*self.program.errors, "Choose the resident's program."]
                valid = False
            if self.training_start_year.data is None and not self.training_start_year.errors:
                self.training_start_year.errors = [
                    *self.training_start_year.errors,
                    "Enter the year the resident started training.",
                ]
                valid = False
        return valid

    def validate_fields(self, field):
        for name in (field.data or "").split(";"):
            if len(name.strip()) > 80:
                raise ValidationError("Each field name must be at most 80 characters.")


class FieldForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    submit = SubmitField("Save")


class RosterUploadForm(Form):
    file = FileField(
        "Roster file (CSV, UTF-8)",
        validators=[FileRequired("Choose a CSV file."), FileAllowed(["csv", "txt"], "Upload a .csv file.")],
    )
    submit = SubmitField("Preview import")


class RosterConfirmForm(Form):
    """Carries the previewed file back; it is parsed and checked again before anything is written."""

    raw_text_fields = ("csv_text",)  # the roster parser names any bad cell by row and column

    csv_text = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Import")


class PeopleFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    role = SelectField(
        "Role",
        choices=[("", "Any role")] + [(r, r.capitalize()) for r in ROLE_NAMES],
        validators=[Optional()],
    )
    program = SelectField("Program", choices=[("", "Any program")] + PROGRAM_CHOICES, validators=[Optional()])
    pgy = SelectField(
        "PGY",
        choices=[("", "Any PGY")] + [(str(n), f"PGY-{n}") for n in range(1, 5)],
        validators=[Optional()],
    )
    firm = SelectField("Firm", choices=[("", "Any firm")], validators=[Optional()])
    field = SelectField("Field", choices=[("", "Any field")], validators=[Optional()])
    status = SelectField(
        "Status",
        choices=[("active", "Active"), ("inactive", "Deactivated"), ("all", "Everyone")],
        validators=[Optional()],
    )
