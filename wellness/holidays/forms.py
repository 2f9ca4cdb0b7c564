"""Forms for holiday blocks, rankings, the allocation and swaps: they check the shape of input only."""

from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..events.forms import plausible_year
from ..forms_support import Form, WholeNumberField
from ..people.programs import PROGRAMS
from ..wording import ordinal

MAX_PLACES = 1000


class SetupForm(Form):
    year = WholeNumberField(
        "Academic year", validators=[InputRequired("Enter the year the academic year starts in.")],
        description="The July it starts: 2027 sets up July 2027 – June 2028.",
    )  # fmt: skip


def _cap_field(label: str):
    return WholeNumberField(
        label,
        validators=[Optional(), NumberRange(0, MAX_PLACES, "Enter a number from 0, or leave it empty.")],
    )


class BlockForm(Form):
    name = StringField("Name", validators=[DataRequired("Name the block."), Length(max=100)])
    key = StringField(
        "Key", validators=[DataRequired("Give the block a short key, e.g. christmas."), Length(max=32)],
        description="Lower-case letters, digits, dashes or underscores; rankings in CSV files use it.",
    )  # fmt: skip
    starts_on = DateField("First day", validators=[InputRequired("Choose the first day."), plausible_year])
    ends_on = DateField("Last day", validators=[InputRequired("Choose the last day."), plausible_year])
    capacity = WholeNumberField(
        "Places (residents off at once)",
        validators=[InputRequired("Enter how many residents may be off."),
                    NumberRange(0, MAX_PLACES, "Places cannot be below zero.")],
    )  # fmt: skip

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be on or after the first.")

    def program_caps(self) -> dict[str, int]:
        return {key: self[f"cap_{key}"].data for key in PROGRAMS if self[f"cap_{key}"].data is not None}

    def cap_fields(self):
        return [self[f"cap_{key}"] for key in PROGRAMS]


for _key, _program in PROGRAMS.items():
    setattr(BlockForm, f"cap_{_key}", _cap_field(f"Most {_program.label.lower()} residents"))


class WindowForm(Form):
    opens_on = DateField(
        "Rankings open", validators=[InputRequired("Choose the opening day."), plausible_year]
    )
    closes_on = DateField(
        "Rankings close", validators=[InputRequired("Choose the closing day."), plausible_year]
    )

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError("The window must close on or after the day it opens.")


class SettingsForm(Form):
    swaps_need_approval = BooleanField(
        "Swaps need a coordinator's approval",
        description="Off: a swap is made as soon as the other resident accepts and no cap breaks.",
    )


class ReasonForm(Form):
    """A resident picked from a list, and the reason on record (excusals and priority)."""

    person_id = SelectField("Resident", coerce=int, validate_choice=True)
    reason = StringField(
        "Reason", validators=[DataRequired("Give the reason; it is kept on record."), Length(max=300)]
    )


class AllocateForm(Form):
    seed = WholeNumberField(
        "Tie-break seed (optional)", validators=[Optional(), NumberRange(0, 2**31 - 1, "Enter a number from 0.")],
        description="Leave empty for a new random seed; the same seed and rankings give the same answer.",
    )  # fmt: skip


class PinForm(Form):
    person_id = HiddenField(validators=[DataRequired()])
    block_id = SelectField("Block", coerce=str, validate_choice=True)


class UnpublishForm(Form):
    reason = TextAreaField(
        "Why withdraw it?", validators=[DataRequired("Say why; every resident is told."), Length(max=300)]
    )


class RankingForm(Form):
    """Choice 1…n, one select per place, plus an optional observance; the view adds the choices."""

    observance = SelectField("Religious observance (optional)", coerce=str, validate_choice=True,
                             description="If one block is a religious observance for you, say which; it is "
                                         "honoured before other wishes wherever the places allow.")  # fmt: skip

    def choice_fields(self):
        return [field for field in self if field.name.startswith("choice_")]

    def ranked_ids(self) -> list[int]:
        return [int(field.data) for field in self.choice_fields() if field.data]


def ranking_form(blocks, current: list[int] | None = None, observance: int | None = None):
    """A RankingForm with one select per block, filled with the current ranking when there is one."""

    class Ranking(RankingForm):
        pass

    options = [("", "Choose a block")] + [(str(block.id), block.name) for block in blocks]
    for n in range(1, len(blocks) + 1):
        setattr(Ranking, f"choice_{n}", SelectField(
            f"{ordinal(n).capitalize()} choice", choices=options, validate_choice=True,
            validators=[DataRequired(f"Choose your {ordinal(n)} choice.")],
        ))  # fmt: skip
    data = {f"choice_{n}": str(block_id) for n, block_id in enumerate(current or [], 1)}
    form = Ranking(data={**data, "observance": str(observance or "")})  # a POST reads the request instead
    form.observance.choices = [("", "None")] + [(str(block.id), block.name) for block in blocks]
    return form


class SwapForm(Form):
    block_id = SelectField("The block you want", coerce=str, validate_choice=True,
                           validators=[DataRequired("Choose the block you want.")])  # fmt: skip
    # Any resident may be named: the service checks that they hold the block.
    partner_id = SelectField("The resident who has it", coerce=str, validate_choice=False,
                             validators=[DataRequired("Choose the resident you agreed the swap with.")])  # fmt: skip
    note = StringField("Note to them (optional)", validators=[Optional(), Length(max=300)])


class RefuseSwapForm(Form):
    reason = StringField(
        "Reason", validators=[DataRequired("Say why; both residents are told."), Length(max=300)]
    )
