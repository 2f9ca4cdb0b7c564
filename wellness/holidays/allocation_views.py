"""Coordinators' allocation pages: the preview with its statistics, pins, publishing, who is off, swaps."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.models import Person
from ..people.permissions import is_staff, require
from . import bp, results, services, swaps
from .forms import AllocateForm, PinForm, RefuseSwapForm, UnpublishForm
from .views import get_own_swap, get_year_or_404


def allocation_page(year, status: int = 200, **forms):
    forms.setdefault("allocate_form", AllocateForm())
    forms.setdefault("unpublish_form", UnpublishForm())
    return render_template(
        "holidays/allocation.html", year=year, preview=results.preview_of(year), confirm_form=ConfirmForm(),
        pin_form=PinForm(), **forms,
    ), status  # fmt: skip


def _act(year, action, message: str, status_form: dict | None = None):
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        return allocation_page(year, show_domain_error(error), **(status_form or {}))
    flash(message.format(result=result), "success")
    return redirect(url_for("holidays.show_allocation", academic_year=year.academic_year))


@bp.route("/holidays/<int:academic_year>/allocation")
@login_required
def show_allocation(academic_year):
    require(is_staff(current_user))
    return allocation_page(get_year_or_404(academic_year))


@bp.route("/holidays/<int:academic_year>/allocation", methods=["POST"])
@login_required
def run_allocation(academic_year):
    require(is_staff(current_user))
    year, form = get_year_or_404(academic_year), AllocateForm()
    if not form.validate_on_submit():
        return allocation_page(year, 400, allocate_form=form)
    return _act(
        year, lambda: services.allocate_holiday_blocks(current_user, academic_year, form.seed.data)[1].seed,
        "Allocated with seed {result}. Check the preview, pin where needed, then publish.", {"allocate_form": form},
    )  # fmt: skip


@bp.route("/holidays/<int:academic_year>/pins", methods=["POST"])
@login_required
def pin_resident(academic_year):
    require(is_staff(current_user))
    year, form = get_year_or_404(academic_year), PinForm()
    form.block_id.choices = [("", "")] + [(str(b.id), b.name) for b in year.blocks]
    person = (
        db.session.get(Person, int(form.person_id.data)) if (form.person_id.data or "").isdigit() else None
    )
    if not form.validate_on_submit() or person is None:
        abort(400)
    block = next((b for b in year.blocks if str(b.id) == form.block_id.data), None)
    message = f"{person.name} is pinned to {block.name}" if block else f"{person.name} is no longer pinned"
    again = " and the allocation was run again with the same seed." if year.status == "previewed" else "."
    return _act(year, lambda: services.pin_assignment(current_user, year, person, block), message + again)


@bp.route("/holidays/<int:academic_year>/publish", methods=["POST"])
@login_required
def publish_allocation(academic_year):
    require(is_staff(current_user))
    year = get_year_or_404(academic_year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(year, lambda: services.publish_allocation(current_user, year, utcnow()),
                "Published: {result} residents have been told their block.")  # fmt: skip


@bp.route("/holidays/<int:academic_year>/unpublish", methods=["POST"])
@login_required
def unpublish_allocation(academic_year):
    require(is_staff(current_user))
    year, form = get_year_or_404(academic_year), UnpublishForm()
    if not form.validate_on_submit():
        return allocation_page(year, 400, unpublish_form=form)
    return _act(year, lambda: services.unpublish_allocation(current_user, year, form.reason.data),
                "Withdrawn: the allocation is a preview again and residents have been told.",
                {"unpublish_form": form})  # fmt: skip


@bp.route("/holidays/<int:academic_year>/off")
@login_required
def who_is_off(academic_year):
    require(is_staff(current_user))
    year = get_year_or_404(academic_year)
    return render_template("holidays/off.html", year=year, lists=results.who_is_off(year))


@bp.route("/holidays/swaps/<int:swap_id>/approve", methods=["POST"])
@login_required
def approve_swap(swap_id):
    require(is_staff(current_user))
    swap = get_own_swap(swap_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _decide(swap, True, "", "Swap approved and made; both residents have been told.")


@bp.route("/holidays/swaps/<int:swap_id>/refuse", methods=["POST"])
@login_required
def refuse_swap(swap_id):
    require(is_staff(current_user))
    swap, form = get_own_swap(swap_id), RefuseSwapForm()
    if not form.validate_on_submit():
        flash("Say why the swap is refused; both residents are told.", "danger")
        return redirect(url_for("holidays.manage_year", academic_year=swap.academic_year))
    return _decide(swap, False, form.reason.data, "Swap refused; both residents have been told.")


def _decide(swap, approve: bool, reason: str, message: str):
    try:
        swaps.decide_swap(current_user, swap, approve, reason, utcnow())
        db.session.commit()
    except DomainError as error:
        show_domain_error(error)
        return redirect(url_for("holidays.manage_year", academic_year=swap.academic_year))
    flash(f"The swap lapsed: {swaps.LAPSED}" if swap.status == "lapsed" else message,
          "warning" if swap.status == "lapsed" else "success")  # fmt: skip
    return redirect(url_for("holidays.manage_year", academic_year=swap.academic_year))
