"""Residents' holiday pages: ranking the blocks, their result, and swapping with someone."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import program_today, utcnow
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.models import Person
from ..people.permissions import is_staff
from . import bp, pages, preferences, swaps
from .blocks import get_year
from .forms import SetupForm, SwapForm, ranking_form
from .models import HolidayYear, Swap


def get_year_or_404(academic_year: int) -> HolidayYear:
    year = get_year(academic_year)
    if year is None or not year.blocks:
        abort(404)
    return year


def get_own_swap(swap_id: int) -> Swap:
    """A swap the current user proposed, was asked, or (as a coordinator) decides; 404 for anyone else."""
    swap = db.session.get(Swap, swap_id)
    if (
        swap is None
        or current_user.id not in (swap.proposer_id, swap.partner_id)
        and not is_staff(current_user)
    ):
        abort(404)
    return swap


def _forms_for(view: pages.ResidentYear) -> dict:
    forms = {"ranking": ranking_form(view.year.blocks, [r.block.id for r in view.ranking if r.rank],
                                     view.observance.id if view.observance else None)}  # fmt: skip
    if view.result:
        swap = SwapForm(prefix=f"swap{view.year.academic_year}")
        swap.block_id.choices = [("", "Choose a block")] + [
            (str(b.id), b.name) for b in view.year.blocks if b.id != view.result.assignment.block_id
        ]
        swap.partner_id.choices = [("", "Choose a resident")] + [
            (str(p.id), p.sort_name) for p in view.partners
        ]
        forms["swap"] = swap
    return forms


def holidays_page(status: int = 200, replace: dict | None = None):
    today = program_today(program_tz())
    views = [pages.resident_year(current_user, year, today) for year in pages.years_in_view(today)]
    forms = {view.year.academic_year: _forms_for(view) for view in views}
    for academic_year, form in (replace or {}).items():
        forms.get(academic_year, {}).update(form)  # a year no longer shown keeps only the flashed message
    staff = is_staff(current_user)
    return render_template(
        "holidays/index.html", views=views, forms=forms, confirm_form=ConfirmForm(), today=today,
        all_years=pages.all_years() if staff else [], setup_form=SetupForm() if staff else None,
    ), status  # fmt: skip


@bp.route("/holidays")
@login_required
def index():
    return holidays_page()


@bp.route("/holidays/<int:academic_year>/ranking", methods=["POST"])
@login_required
def rank_blocks(academic_year):
    year = get_year_or_404(academic_year)
    form = ranking_form(year.blocks)
    if not form.validate_on_submit():
        return holidays_page(400, {academic_year: {"ranking": form}})
    observance = int(form.observance.data) if form.observance.data else None
    try:
        preferences.record_ranking(
            current_user, year, form.ranked_ids(), observance, program_today(program_tz())
        )
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return holidays_page(status, {academic_year: {"ranking": form}})
    flash(f"Your {year.label} ranking is saved. You can change it until the window closes.", "success")
    return redirect(url_for("holidays.index"))


@bp.route("/holidays/<int:academic_year>/swaps", methods=["POST"])
@login_required
def propose_swap(academic_year):
    year = get_year_or_404(academic_year)
    form = SwapForm(prefix=f"swap{academic_year}")
    form.block_id.choices = [(str(b.id), b.name) for b in year.blocks]
    partner = (
        db.session.get(Person, int(form.partner_id.data)) if (form.partner_id.data or "").isdigit() else None
    )
    if not form.validate_on_submit() or partner is None:
        flash("Choose the block you want and the resident who has it.", "danger")
        return redirect(url_for("holidays.index"))
    wanted = next(b for b in year.blocks if str(b.id) == form.block_id.data)
    try:
        swaps.propose_swap(current_user, year, partner, wanted, form.note.data or "")
        db.session.commit()
    except DomainError as error:
        return holidays_page(show_domain_error(error))
    flash(f"Swap proposed; {partner.name} has been asked.", "success")
    return redirect(url_for("holidays.index"))


def _swap_action(swap_id: int, action, message: str):
    swap = get_own_swap(swap_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(swap)
        db.session.commit()
    except DomainError as error:
        return holidays_page(show_domain_error(error))
    if swap.status == "lapsed":
        flash(f"The swap lapsed: {swaps.LAPSED}", "warning")
    else:
        flash(message(swap) if callable(message) else message, "success")
    return redirect(url_for("holidays.index"))


@bp.route("/holidays/swaps/<int:swap_id>/accept", methods=["POST"])
@login_required
def accept_swap(swap_id):
    return _swap_action(
        swap_id, lambda swap: swaps.answer_swap(current_user, swap, True, utcnow()),
        lambda swap: "Swap made; your calendar feed shows the new block." if swap.status == "done"
        else "Swap accepted; it waits for a coordinator's approval.",
    )  # fmt: skip


@bp.route("/holidays/swaps/<int:swap_id>/decline", methods=["POST"])
@login_required
def decline_swap(swap_id):
    return _swap_action(swap_id, lambda swap: swaps.answer_swap(current_user, swap, False, utcnow()),
                        "Swap declined; they have been told.")  # fmt: skip


@bp.route("/holidays/swaps/<int:swap_id>/withdraw", methods=["POST"])
@login_required
def withdraw_swap(swap_id):
    return _swap_action(swap_id, lambda swap: swaps.withdraw_swap(current_user, swap), "Swap withdrawn.")
