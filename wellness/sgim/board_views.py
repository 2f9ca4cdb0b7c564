"""The coordinators' SGIM pages: a meeting's board (everyone invited, uncovered needs, the budget,
eligibility, inviting one more resident, the coverage CSV) and the coverage ledger of a year."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from ..charts import bar_chart
from ..dates import academic_year_of, program_today
from ..duties import ledger
from ..duties.covers import find_person
from ..duties.sessions import DUTY_KINDS
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import show_domain_error
from ..people.permissions import can_run_sgim, require
from . import board, bp, services
from .cli import coverage_csv
from .forms import EligibilityForm, InviteForm
from .models import PRESENTATION_KINDS, REIMBURSEMENT
from .views import get_meeting


def board_page(meeting, status: int = 200, **forms):
    """The board of one meeting, with any form that failed in place of a fresh one."""
    require(can_run_sgim(current_user))
    data = board.build_board(meeting)
    forms.setdefault(
        "eligibility_form", EligibilityForm(pairs=[f"{p}:{g}" for p, g in sorted(data.eligible)])
    )
    forms.setdefault("invite_form", InviteForm())
    page = render_template(
        "sgim/board.html",
        board=data,
        meeting=meeting,
        trip_days=services.trip_days(meeting),
        eligibility_rows=board.eligibility_rows(),
        ledger_year=academic_year_of(meeting.starts_on),
        money=services.money,
        kinds=PRESENTATION_KINDS,
        reimbursement=REIMBURSEMENT,
        duty_kinds=DUTY_KINDS,
        **forms,
    )
    return page, status


@bp.route("/sgim/<int:meeting_id>/board")
@login_required
def show_board(meeting_id):
    return board_page(get_meeting(meeting_id))


@bp.route("/sgim/<int:meeting_id>/eligibility", methods=["POST"])
@login_required
def save_eligibility(meeting_id):
    meeting = get_meeting(meeting_id)
    require(can_run_sgim(current_user))
    form = EligibilityForm()
    if not form.validate_on_submit():
        return board_page(meeting, 400, eligibility_form=form)
    try:
        invited = services.set_eligibility(current_user, meeting, form.chosen())
        db.session.commit()
    except DomainError as error:
        return board_page(meeting, show_domain_error(error, form), eligibility_form=form)
    flash(
        f"Eligibility saved; {invited} newly eligible resident{'' if invited == 1 else 's'} invited.",
        "success",
    )
    return redirect(url_for("sgim.show_board", meeting_id=meeting.id) + "#eligibility")


@bp.route("/sgim/<int:meeting_id>/invitations", methods=["POST"])
@login_required
def invite_resident(meeting_id):
    meeting = get_meeting(meeting_id)
    require(can_run_sgim(current_user))
    form = InviteForm()
    if not form.validate_on_submit():
        return board_page(meeting, 400, invite_form=form)
    try:
        attendance = services.invite_resident(current_user, meeting, find_person(form.email.data))
        db.session.commit()
    except DomainError as error:
        return board_page(meeting, show_domain_error(error, form), invite_form=form)
    flash(f"{attendance.person.name} is invited and has been told.", "success")
    return redirect(url_for("sgim.show_board", meeting_id=meeting.id) + "#invited")


@bp.route("/sgim/<int:meeting_id>/coverage.csv")
@login_required
def export_coverage(meeting_id):
    """The coverage report of the meeting's year (one meeting a year): one row per need."""
    meeting = get_meeting(meeting_id)
    require(can_run_sgim(current_user))
    return Response(
        coverage_csv(meeting.year),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="sgim-coverage-{meeting.year}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _academic_year() -> int:
    """The ?year= asked for (an academic year's first calendar year), else this academic year."""
    asked = request.args.get("year", "")
    if asked.isdigit() and len(asked) == 4 and 2000 <= int(asked) <= 2100:
        return int(asked)
    return academic_year_of(program_today(program_tz()))


@bp.route("/sgim/ledger")
@login_required
def show_ledger():
    """Covers given and received per person in an academic year, and how evenly each class shares them."""
    require(can_run_sgim(current_user))
    data = ledger.coverage_ledger(_academic_year())
    svg = bar_chart(
        ledger.given_bars(data), title=f"Covers given, {data.label}", empty="No covers this year."
    )
    chart = Markup(svg)  # noqa: S704 - bar_chart escapes every label and title it writes
    return render_template("sgim/ledger.html", ledger=data, chart=chart)
