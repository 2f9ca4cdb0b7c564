"""A resident's SGIM trip page, for the attendee and coordinators only: going or not, the presentation,
funding requested and approved, reimbursement, and cover for every duty inside the trip."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..dates import utcnow
from ..duties.covers import can_arrange_cover, find_person, suggest_coverers
from ..duties.forms import cover_form
from ..duties.sessions import DUTY_KINDS
from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_run_sgim, require
from . import board, bp, services
from .forms import (
    AnswerForm,
    ApprovalForm,
    FundingForm,
    PresentationForm,
    ReimbursementForm,
    dollars,
)
from .models import FUNDING_CATEGORIES, PRESENTATION_KINDS, REIMBURSEMENT
from .views import get_trip


def get_need(attendance, duty_id: int) -> services.Need:
    """A need of the trip (a duty of the attendee inside it); 404 for any other duty."""
    need = board.need_of(attendance, duty_id)
    if need is None:
        abort(404)
    return need


def _fresh_forms(attendance) -> dict:
    """The trip's forms filled with what is saved; the approval starts from the approved amounts, or from
    the request when nothing is approved yet."""
    lines = {line.category: line for line in attendance.funding}
    requested = {c: lines[c].requested_cents if c in lines else None for c in FUNDING_CATEGORIES}
    approved = {c: lines[c].approved_cents if c in lines else None for c in FUNDING_CATEGORIES}
    return {
        "answer_form": AnswerForm(answer=attendance.answer if attendance.answer != "invited" else None),
        "presentation_form": PresentationForm(
            title=attendance.presentation_title, kind=attendance.presentation_kind or ""
        ),
        "funding_form": FundingForm(**{c: dollars(cents) for c, cents in requested.items()}),
        "approval_form": ApprovalForm(
            **{
                f"approved_{c}": dollars(approved[c] if approved[c] is not None else requested[c] or 0)
                for c in FUNDING_CATEGORIES
            },
            over_budget_reason=attendance.over_budget_reason,
        ),  # fmt: skip
        "reimbursement_form": ReimbursementForm(status=attendance.reimbursement),
    }


def trip_page(attendance, status: int = 200, cover_forms: dict | None = None, **forms):
    """The trip as its attendee or a coordinator sees it, with any form that failed in place of a fresh one."""
    trip = services.trip_status(attendance)
    forms = {**_fresh_forms(attendance), "confirm_form": ConfirmForm(), **forms}
    now = utcnow()
    arranges = {need.duty.id: can_arrange_cover(current_user, need.duty) for need in trip.needs}
    asked = request.args.get("suggest", type=int)
    suggested = next((n for n in trip.uncovered if n.duty.id == asked and arranges.get(asked)), None)
    page = render_template(
        "sgim/trip.html", trip=trip, attendance=attendance, meeting=attendance.meeting,
        trip_days=services.trip_days(attendance.meeting), is_own=attendance.person_id == current_user.id,
        staff=can_run_sgim(current_user), arranges=arranges, money=services.money,
        needs_reason=board.approval_needs_reason(attendance) or bool(forms["approval_form"].over_budget_reason.errors),
        cover_forms={n.duty.id: (cover_forms or {}).get(n.duty.id) or cover_form(n.duty.id) for n in trip.needs},
        suggested=suggested, suggestions=suggest_coverers(suggested.duty, now) if suggested else [],
        categories=FUNDING_CATEGORIES, kinds=PRESENTATION_KINDS,
        reimbursement=REIMBURSEMENT, funding_lines={line.category: line for line in attendance.funding}, duty_kinds=DUTY_KINDS, **forms,
    )  # fmt: skip
    return page, status


def _back(attendance, anchor: str):
    return redirect(
        url_for("sgim.show_trip", meeting_id=attendance.meeting_id, attendance_id=attendance.id)
        + f"#{anchor}"
    )


def _save(attendance, form_name: str, form, change, message: str, anchor: str):
    """Validate the form, run the change, commit and go back to the trip; re-render on a refusal."""
    if not form.validate_on_submit():
        return trip_page(attendance, 400, **{form_name: form})
    try:
        change(form)
        db.session.commit()
    except DomainError as error:
        return trip_page(attendance, show_domain_error(error, form), **{form_name: form})
    flash(message, "success")
    return _back(attendance, anchor)


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>")
@login_required
def show_trip(meeting_id, attendance_id):
    return trip_page(get_trip(meeting_id, attendance_id))


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/answer", methods=["POST"])
@login_required
def answer_invitation(meeting_id, attendance_id):
    attendance = get_trip(meeting_id, attendance_id)
    form = AnswerForm()
    going = form.answer.data == "going"
    message = "You are going: the trip is on your calendar." if going else "Saved: not going."
    return _save(attendance, "answer_form", form,
                 lambda f: services.answer_invitation(current_user, attendance, going), message, "answer")  # fmt: skip


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/presentation", methods=["POST"])
@login_required
def record_presentation(meeting_id, attendance_id):
    attendance = get_trip(meeting_id, attendance_id)
    return _save(
        attendance, "presentation_form", PresentationForm(),
        lambda f: services.record_presentation(current_user, attendance, f.title.data, f.kind.data or None),
        "Presentation saved.", "presentation",
    )  # fmt: skip


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/funding", methods=["POST"])
@login_required
def request_funding(meeting_id, attendance_id):
    attendance = get_trip(meeting_id, attendance_id)
    return _save(
        attendance, "funding_form", FundingForm(),
        lambda f: services.request_funding(current_user, attendance, f.amounts()),
        "Funding request saved; a coordinator will review it.", "funding",
    )  # fmt: skip


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/approval", methods=["POST"])
@login_required
def approve_funding(meeting_id, attendance_id):
    attendance = get_trip(meeting_id, attendance_id)
    require(can_run_sgim(current_user))
    return _save(
        attendance, "approval_form", ApprovalForm(),
        lambda f: services.approve_funding(current_user, attendance, f.amounts(), f.over_budget_reason.data),
        f"Funding approved; {attendance.person.name} has been told.", "funding",
    )  # fmt: skip


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/reimbursement", methods=["POST"])
@login_required
def set_reimbursement(meeting_id, attendance_id):
    attendance = get_trip(meeting_id, attendance_id)
    form = ReimbursementForm()
    return _save(
        attendance, "reimbursement_form", form,
        lambda f: services.set_reimbursement(current_user, attendance, f.status.data),
        f"Reimbursement: {REIMBURSEMENT.get(form.status.data, '').lower()}.", "reimbursement",
    )  # fmt: skip


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/needs/<int:duty_id>/cover", methods=["POST"])
@login_required
def cover_need(meeting_id, attendance_id, duty_id):
    attendance = get_trip(meeting_id, attendance_id)
    need = get_need(attendance, duty_id)
    form = cover_form(duty_id)
    if not form.validate_on_submit():
        return trip_page(attendance, 400, cover_forms={duty_id: form})
    try:
        duty = board.cover_need(current_user, attendance, need.duty, find_person(form.coverer.data), utcnow())
        db.session.commit()
    except DomainError as error:
        return trip_page(attendance, show_domain_error(error, form), cover_forms={duty_id: form})
    flash(f"{duty.covered_by.name} covers it and has been told.", "success")
    return _back(attendance, f"need-{duty_id}")


@bp.route("/sgim/<int:meeting_id>/trips/<int:attendance_id>/needs/<int:duty_id>/release", methods=["POST"])
@login_required
def release_cover(meeting_id, attendance_id, duty_id):
    attendance = get_trip(meeting_id, attendance_id)
    need = get_need(attendance, duty_id)
    return _save(
        attendance, "confirm_form", ConfirmForm(),
        lambda f: board.uncover_need(current_user, attendance, need.duty, utcnow()),
        "Cover removed; the need is uncovered again.", f"need-{duty_id}",
    )  # fmt: skip
