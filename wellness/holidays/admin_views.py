"""Coordinators' holiday pages: setting up a year, its blocks and window, and who takes part and ranks."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import program_today
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.models import Person
from ..people.permissions import is_staff, require
from . import blocks, bp, pages, preferences
from .forms import BlockForm, ReasonForm, SettingsForm, SetupForm, WindowForm
from .models import HolidayBlock
from .views import get_year_or_404, holidays_page


def get_block(block_id: int) -> HolidayBlock:
    block = db.session.get(HolidayBlock, block_id)
    if block is None:
        abort(404)
    return block


def _person(person_id) -> Person:
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        abort(404)
    return person


def year_page(year, status: int = 200, **forms):
    window = blocks.ranking_window(year)
    forms.setdefault(
        "window_form", WindowForm(opens_on=window[0], closes_on=window[1]) if window else WindowForm()
    )
    forms.setdefault("settings_form", SettingsForm(swaps_need_approval=year.swaps_need_approval))
    forms.setdefault("excuse_form", ReasonForm(prefix="excuse"))
    forms.setdefault("priority_form", ReasonForm(prefix="priority"))
    forms["excuse_form"].person_id.choices = pages.resident_choices(year)
    forms["priority_form"].person_id.choices = pages.resident_choices(year)
    return render_template(
        "holidays/year.html", overview=pages.year_overview(year), confirm_form=ConfirmForm(),
        statuses=preferences.ranking_statuses(year), **forms,
    ), status  # fmt: skip


def _act(year, action, message: str, form=None, form_name: str | None = None):
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return year_page(year, status, **({form_name: form} if form_name else {}))
    flash(message.format(result=result), "success")
    return redirect(url_for("holidays.manage_year", academic_year=year.academic_year))


@bp.route("/holidays/setup", methods=["POST"])
@login_required
def setup_year():
    require(is_staff(current_user))
    form = SetupForm()
    if not form.validate_on_submit():
        return holidays_page(400)
    try:
        year = blocks.setup_year(current_user, form.year.data, program_today(program_tz()))
        db.session.commit()
    except DomainError as error:
        return holidays_page(show_domain_error(error))
    flash(
        f"The {year.label} blocks are set up with places for everyone. Check the dates and places.", "success"
    )
    return redirect(url_for("holidays.manage_year", academic_year=year.academic_year))


@bp.route("/holidays/<int:academic_year>")
@login_required
def manage_year(academic_year):
    require(is_staff(current_user))
    return year_page(get_year_or_404(academic_year))


def _block_data(form: BlockForm) -> blocks.BlockData:
    return blocks.BlockData(
        key=form.key.data.strip().lower(), name=form.name.data.strip(), starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, capacity=form.capacity.data, program_caps=form.program_caps(),
    )  # fmt: skip


def _block_form_page(year, form, block=None, status=200):
    return render_template("holidays/block_form.html", year=year, form=form, block=block), status


@bp.route("/holidays/<int:academic_year>/blocks/new", methods=["GET", "POST"])
@login_required
def add_block(academic_year):
    require(is_staff(current_user))
    year = get_year_or_404(academic_year)
    form = BlockForm()
    if not form.validate_on_submit():
        return _block_form_page(year, form, status=400 if form.errors else 200)
    try:
        block = blocks.add_block(current_user, year, _block_data(form))
        db.session.commit()
    except DomainError as error:
        return _block_form_page(year, form, status=show_domain_error(error, form))
    flash(f"{block.name} is added. Residents who ranked already should rank again to place it.", "success")
    return redirect(url_for("holidays.manage_year", academic_year=academic_year))


@bp.route("/holidays/blocks/<int:block_id>/edit", methods=["GET", "POST"])
@login_required
def edit_block(block_id):
    require(is_staff(current_user))
    block = get_block(block_id)
    caps = {f"cap_{program}": cap for program, cap in block.caps().items()}
    form = BlockForm(obj=block, data=caps)  # a POST's fields take precedence
    if not form.validate_on_submit():
        return _block_form_page(block.year, form, block, status=400 if form.errors else 200)
    try:
        blocks.update_block(current_user, block, _block_data(form))
        db.session.commit()
    except DomainError as error:
        return _block_form_page(
            get_block(block_id).year, form, get_block(block_id), show_domain_error(error, form)
        )
    flash(f"{block.name} is saved.", "success")
    return redirect(url_for("holidays.manage_year", academic_year=block.academic_year))


@bp.route("/holidays/blocks/<int:block_id>/delete", methods=["POST"])
@login_required
def remove_block(block_id):
    require(is_staff(current_user))
    block = get_block(block_id)
    year, name = block.year, block.name
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(
        year, lambda: blocks.remove_block(current_user, block), f"{name} is removed with its rankings."
    )


@bp.route("/holidays/<int:academic_year>/window", methods=["POST"])
@login_required
def set_window(academic_year):
    require(is_staff(current_user))
    year, form = get_year_or_404(academic_year), WindowForm()
    if not form.validate_on_submit():
        return year_page(year, 400, window_form=form)
    return _act(year, lambda: blocks.set_window(current_user, year, form.opens_on.data, form.closes_on.data),
                "The ranking window is saved.", form, "window_form")  # fmt: skip


@bp.route("/holidays/<int:academic_year>/settings", methods=["POST"])
@login_required
def save_settings(academic_year):
    require(is_staff(current_user))
    year, form = get_year_or_404(academic_year), SettingsForm()
    if not form.validate_on_submit():
        return year_page(year, 400, settings_form=form)
    return _act(year, lambda: blocks.set_swap_approval(current_user, year, form.swaps_need_approval.data),
                "Swap settings saved.")  # fmt: skip


@bp.route("/holidays/<int:academic_year>/remind", methods=["POST"])
@login_required
def remind_unranked(academic_year):
    require(is_staff(current_user))
    year = get_year_or_404(academic_year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    today = program_today(program_tz())
    return _act(year, lambda: preferences.remind_unranked(current_user, year, today),
                "Reminders sent to {result} residents who have not ranked.")  # fmt: skip


def _reason_action(academic_year: int, prefix: str, action, message: str):
    require(is_staff(current_user))
    year = get_year_or_404(academic_year)
    form = ReasonForm(prefix=prefix)
    form.person_id.choices = pages.resident_choices(year)
    if not form.validate_on_submit():
        return year_page(year, 400, **{f"{prefix}_form": form})
    person = _person(form.person_id.data)
    return _act(year, lambda: action(current_user, year, person, form.reason.data),
                message.format(name=person.name), form, f"{prefix}_form")  # fmt: skip


@bp.route("/holidays/<int:academic_year>/excusals", methods=["POST"])
@login_required
def excuse_resident(academic_year):
    return _reason_action(academic_year, "excuse", blocks.excuse_resident, "{name} is excused this year.")


def _take_back(academic_year: int, person_id: int, action, message: str):
    require(is_staff(current_user))
    year, person = get_year_or_404(academic_year), _person(person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(year, lambda: action(current_user, year, person), message.format(name=person.name))


@bp.route("/holidays/<int:academic_year>/excusals/<int:person_id>/delete", methods=["POST"])
@login_required
def include_resident(academic_year, person_id):
    return _take_back(academic_year, person_id, blocks.include_resident, "{name} takes part again.")


@bp.route("/holidays/<int:academic_year>/priority", methods=["POST"])
@login_required
def flag_priority(academic_year):
    return _reason_action(academic_year, "priority", blocks.flag_priority, "{name} has priority this year.")


@bp.route("/holidays/<int:academic_year>/priority/<int:person_id>/delete", methods=["POST"])
@login_required
def unflag_priority(academic_year, person_id):
    return _take_back(academic_year, person_id, blocks.unflag_priority, "{name}'s priority is removed.")
