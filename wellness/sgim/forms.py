"""SGIM forms: the meeting, eligibility, invitations, a trip's answer, presentation, funding, reimbursement
and covers. They check the shape of input only; budgets, clashes and who may do what are the services'."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from wtforms import (
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from ..events.forms import plausible_year
from ..forms_support import Form, WholeNumberField, stripped
from ..people.programs import PROGRAMS
from .models import FUNDING_CATEGORIES, MAX_AMOUNT_CENTS, MAX_TRAVEL_DAYS, PRESENTATION_KINDS, REIMBURSEMENT
from .services import REASON_LENGTH, MeetingData

MAX_BUDGET_DOLLARS = MAX_AMOUNT_CENTS  # the services allow budgets up to $10,000,000 (in cents: 1e9)
EMAIL = [DataRequired("Enter an e-mail address."), Email("Enter an e-mail address."), Length(max=254)]


class MoneyField(DecimalField):
    """Dollars and cents ("1250" or "1,250.50"); `cents` is the whole number of cents, or None when empty.

    A text box with the decimal keypad on phones: a number input would refuse the thousands comma.
    """

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            text = valuelist[0].strip().replace(",", "").removeprefix("$")
            if not text:
                self.data = None
                return
            try:
                value = Decimal(text)
            except InvalidOperation:
                self.data = None
                raise ValueError("Enter an amount in dollars, e.g. 450 or 1250.50.") from None
            if not value.is_finite() or value.as_tuple().exponent < -2:
                self.data = None
                raise ValueError("Enter dollars and at most two decimals of cents.")
            self.data = value

    @property
    def cents(self) -> int | None:
        if self.data is None:
            return None
        return int((self.data * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(cents: int | None) -> Decimal | None:
    """An amount in cents as the dollars a money field shows."""
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def in_range(most: int):
    """Between $0 and `most` dollars; an amount that could not be read has its own message already."""

    def check(form, field):
        if field.data is not None and not 0 <= field.data <= most:
            raise ValidationError(f"Enter an amount from $0 to ${most:,}.")

    return check


def amount(
    label: str, *, required: bool = False, most: int = MAX_AMOUNT_CENTS // 100, **options
) -> MoneyField:
    first = InputRequired("Enter an amount (0 for none).") if required else Optional()
    return MoneyField(label, places=2, validators=[first, in_range(most)], **options)


class MeetingForm(Form):
    name = StringField("Name", validators=[DataRequired("Give the meeting a name."), Length(max=200)],
                       default="SGIM Annual Meeting")  # fmt: skip
    city = StringField("City", validators=[DataRequired("Say where the meeting is."), Length(max=120)])
    starts_on = DateField("First day", validators=[InputRequired("Choose the first day."), plausible_year])
    ends_on = DateField("Last day", validators=[InputRequired("Choose the last day."), plausible_year])
    travel_days_before = WholeNumberField(
        "Travel days before", default=1,
        validators=[InputRequired("Enter 0 to 3."), NumberRange(0, MAX_TRAVEL_DAYS, f"Enter 0 to {MAX_TRAVEL_DAYS}.")],
        description="Days away before the first day, e.g. 1 to fly in the day before.",
    )  # fmt: skip
    travel_days_after = WholeNumberField(
        "Travel days after", default=0,
        validators=[InputRequired("Enter 0 to 3."), NumberRange(0, MAX_TRAVEL_DAYS, f"Enter 0 to {MAX_TRAVEL_DAYS}.")],
    )  # fmt: skip
    registration_deadline_on = DateField("Registration deadline", validators=[Optional(), plausible_year])
    abstract_deadline_on = DateField("Abstract deadline", validators=[Optional(), plausible_year])
    budget_per_resident = amount("Budget per resident ($)", required=True, most=MAX_BUDGET_DOLLARS,
                                 description="0 for no limit per resident.")  # fmt: skip
    total_budget = amount("Total budget ($)", required=True, most=MAX_BUDGET_DOLLARS,
                          description="0 for no overall limit.")  # fmt: skip
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=10_000)],
        description="Shown on the meeting's event. Markdown: **bold**, *italic*, lists and links.",
    )  # fmt: skip

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The last day is on or after the first.")

    def data_for_service(self) -> MeetingData:
        return MeetingData(
            name=self.name.data,
            city=self.city.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            travel_days_before=self.travel_days_before.data,
            travel_days_after=self.travel_days_after.data,
            registration_deadline_on=self.registration_deadline_on.data,
            abstract_deadline_on=self.abstract_deadline_on.data,
            budget_per_resident_cents=self.budget_per_resident.cents,
            total_budget_cents=self.total_budget.cents,
            description=self.description.data or "",
        )

    @classmethod
    def from_data(cls, data: MeetingData) -> "MeetingForm":
        return cls(
            name=data.name, city=data.city, starts_on=data.starts_on, ends_on=data.ends_on,
            travel_days_before=data.travel_days_before, travel_days_after=data.travel_days_after,
            registration_deadline_on=data.registration_deadline_on, abstract_deadline_on=data.abstract_deadline_on,
            budget_per_resident=dollars(data.budget_per_resident_cents), total_budget=dollars(data.total_budget_cents),
            description=data.description,
        )  # fmt: skip


PAIR_CHOICES = [
    (f"{key}:{pgy}", f"{program.label} PGY-{pgy}") for key, program in PROGRAMS.items() for pgy in range(1, program.years + 1)
]  # fmt: skip


class EligibilityForm(Form):
    """Programs × PGY as "program:pgy" checkboxes (the board draws them as a table)."""

    pairs = SelectMultipleField("Eligible", choices=PAIR_CHOICES, validate_choice=True)

    def chosen(self) -> set[tuple[str, int]]:
        return {(value.split(":")[0], int(value.split(":")[1])) for value in self.pairs.data or ()}


class InviteForm(Form):
    email = StringField("Resident's e-mail", validators=EMAIL, filters=[stripped])


class AnswerForm(Form):
    answer = RadioField("Are you going?", choices=[("going", "Going"), ("declined", "Not going")],
                        validators=[InputRequired("Say whether you are going.")])  # fmt: skip


class PresentationForm(Form):
    title = StringField(
        "Title", validators=[Optional(), Length(max=300, message="Keep the title to 300 characters.")],
        description="Leave empty when there is no presentation.",
    )  # fmt: skip
    kind = SelectField("Kind", choices=[("", "—"), *PRESENTATION_KINDS.items()], validate_choice=True)

    def validate_kind(self, field):
        if (self.title.data or "").strip() and not field.data:
            raise ValidationError("Choose poster, oral presentation or workshop.")


class FundingForm(Form):
    """The amounts requested, one field per category (named as the service names them)."""

    registration = amount("Registration ($)")
    travel = amount("Travel ($)")
    lodging = amount("Lodging ($)")
    meals = amount("Meals ($)")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and all(getattr(self, category).data is None for category in FUNDING_CATEGORIES):
            self.registration.errors.append("Enter at least one amount (0 if you need no funding).")
            return False
        return valid

    def amounts(self) -> dict[str, int]:
        return {category: getattr(self, category).cents or 0 for category in FUNDING_CATEGORIES}


class ApprovalForm(Form):
    """The amounts approved per category, and why when they go past the budget."""

    approved_registration = amount("Registration ($)", required=True)
    approved_travel = amount("Travel ($)", required=True)
    approved_lodging = amount("Lodging ($)", required=True)
    approved_meals = amount("Meals ($)", required=True)
    over_budget_reason = TextAreaField(
        "Reason to approve past the budget",
        validators=[Optional(), Length(max=REASON_LENGTH, message=f"Keep the reason to {REASON_LENGTH} characters.")],
        description="Needed only past the budget per resident or the total; it is recorded and shown on the board.",
    )  # fmt: skip

    def amounts(self) -> dict[str, int]:
        return {category: getattr(self, f"approved_{category}").cents for category in FUNDING_CATEGORIES}


class ReimbursementForm(Form):
    status = SelectField("Reimbursement", choices=list(REIMBURSEMENT.items()), validate_choice=True)
