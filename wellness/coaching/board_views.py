"""The coordinators' coaching board: suggestions, pairing by hand, ending and re-pairing, exclusions,
the load chart and the CSV export."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from ..charts import bar_chart
from ..dates import program_today, utcnow
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.models import Person
from ..people.permissions import can_manage_coaching, require
from ..people.programs import PROGRAM_CHOICES
from . import board, bp, services
from .forms import AcceptForm, AssignForm, EndForm, ExclusionForm, RepairForm, SeedForm
from .models import Exclusion
from .views import get_pairing, pairing_page


def _today():
    return program_today(program_tz())


def _filters() -> board.Filters:
    program = request.args.get("program", "")
    level = request.args.get("level", "")
    return board.Filters(
        program=program if program in dict(PROGRAM_CHOICES) else "",
        level=int(level) if level in ("1", "2", "3", "4") else None,
        field=request.args.get("field", "")[:80],
    )


def _person_choices(people, describe=lambda p: p.name):
    return [(0, "Choose…")] + [(p.id, describe(p)) for p in people]


def _coach_label(loads):
    def describe(coach):
        fields = ", ".join(services.field_names(coach)) or "no field"
        return f"{coach.name} ({fields}; {loads.get(coach.id, 0)} of {coach.coach_capacity})"

    return describe


def _chosen(form, *names: str, missing: str):
    """The people picked in the form's select fields once it validates, else None (with `missing` on the
    last field when someone was not picked)."""
    people = [db.session.get(Person, getattr(form, name).data or 0) for name in names]
    valid = form.validate_on_submit()
    if form.is_submitted() and None in people:
        field = getattr(form, names[-1])
        field.errors = list(field.errors) + [missing]
        return None
    return people if valid else None


def board_page(status: int = 200, **forms):
    require(can_manage_coaching(current_user))
    seed_form = SeedForm(request.args)
    filters = _filters()
    today = _today()
    data = board.build_board(today, utcnow(), filters)
    suggestion = None
    if "suggest" in request.args and seed_form.validate():
        suggestion = services.suggest_pairings(today, seed_form.seed.data or 0)
    loads = {row.coach.id: row.load for row in data.coaches}
    assign_form = forms.setdefault("assign_form", AssignForm())
    assign_form.resident_id.choices = _person_choices(row.resident for row in data.unpaired)
    assign_form.coach_id.choices = _person_choices(services.coaches(), _coach_label(loads))
    svg = bar_chart(board.load_bars(data.coaches), title="Coachees per coach", empty="No coaches yet.")
    chart = Markup(svg)  # noqa: S704 - bar_chart escapes every label and title it writes
    page = render_template(
        "coaching/board.html",
        board=data,
        filters=filters,
        suggestion=suggestion,
        seed_form=seed_form,
        accept_form=AcceptForm(),
        chart=chart,
        programs=PROGRAM_CHOICES,
        fields=board.field_choices(),
        **forms,
    )
    return page, status


@bp.route("/coaching/board")
@login_required
def show_board():
    return board_page()


@bp.route("/coaching/board.csv")
@login_required
def export_board():
    require(can_manage_coaching(current_user))
    data = board.build_board(_today(), utcnow(), _filters())
    return Response(
        board.board_csv(data),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="coaching-pairings.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/coaching/suggestions/accept", methods=["POST"])
@login_required
def accept_suggestions():
    require(can_manage_coaching(current_user))
    form = AcceptForm()
    if not form.validate_on_submit():
        flash(" ".join(form.pairs.errors) or "Those suggestions could not be read; suggest again.", "danger")
        return board_page(400)
    try:
        made = services.accept_suggestions(current_user, form.parsed(), _today())
        db.session.commit()
    except DomainError as error:
        return board_page(show_domain_error(error))
    flash(
        f"{len(made)} pairing{'' if len(made) == 1 else 's'} made; everyone paired has been told.", "success"
    )
    return redirect(url_for("coaching.show_board"))


@bp.route("/coaching/pairings", methods=["POST"])
@login_required
def assign():
    require(can_manage_coaching(current_user))
    form = AssignForm()
    chosen = _chosen(form, "resident_id", "coach_id", missing="Choose a resident and a coach.")
    if chosen is None:
        return board_page(400, assign_form=form)
    resident, coach = chosen
    try:
        pairing = services.assign_coach(
            current_user, resident, coach, _today(), override_reason=form.override_reason.data
        )
        db.session.commit()
    except DomainError as error:
        return board_page(show_domain_error(error, form), assign_form=form)
    flash(f"{resident.name} is paired with {coach.name}; both have been told.", "success")
    return redirect(url_for("coaching.show_pairing", pairing_id=pairing.id))


@bp.route("/coaching/pairings/<int:pairing_id>/end", methods=["POST"])
@login_required
def end_pairing(pairing_id):
    pairing = get_pairing(pairing_id)
    require(can_manage_coaching(current_user))
    form = EndForm()
    if not form.validate_on_submit():
        return pairing_page(pairing, 400, end_form=form)
    try:
        services.end_pairing(current_user, pairing, form.reason.data, _today())
        db.session.commit()
    except DomainError as error:
        return pairing_page(pairing, show_domain_error(error, form), end_form=form)
    flash("The pairing has ended; both have been told.", "success")
    return redirect(url_for("coaching.show_board"))


@bp.route("/coaching/pairings/<int:pairing_id>/repair", methods=["POST"])
@login_required
def repair(pairing_id):
    pairing = get_pairing(pairing_id)
    require(can_manage_coaching(current_user))
    form = RepairForm()
    chosen = _chosen(form, "coach_id", missing="Choose the new coach.")
    if chosen is None:
        return pairing_page(pairing, 400, repair_form=form)
    (coach,) = chosen
    try:
        new = services.repair(
            current_user,
            pairing,
            coach,
            form.reason.data,
            _today(),
            override_reason=form.override_reason.data,
        )
        db.session.commit()
    except DomainError as error:
        return pairing_page(pairing, show_domain_error(error, form), repair_form=form)
    flash(f"Re-paired with {coach.name}; all three have been told.", "success")
    return redirect(url_for("coaching.show_pairing", pairing_id=new.id))


def exclusions_page(status: int = 200, form: ExclusionForm | None = None):
    require(can_manage_coaching(current_user))
    form = form or ExclusionForm()
    form.resident_id.choices = _person_choices(services.residents_in_training(_today()))
    form.coach_id.choices = _person_choices(services.coaches())
    page = render_template(
        "coaching/exclusions.html", exclusions=board.exclusions(), form=form, confirm_form=ConfirmForm()
    )
    return page, status


@bp.route("/coaching/exclusions")
@login_required
def list_exclusions():
    return exclusions_page()


@bp.route("/coaching/exclusions", methods=["POST"])
@login_required
def add_exclusion():
    require(can_manage_coaching(current_user))
    form = ExclusionForm()
    chosen = _chosen(form, "resident_id", "coach_id", missing="Choose a resident and a coach.")
    if chosen is None:
        return exclusions_page(400, form)
    resident, coach = chosen
    try:
        services.add_exclusion(current_user, resident, coach, form.reason.data)
        db.session.commit()
    except DomainError as error:
        return exclusions_page(show_domain_error(error, form), form)
    flash(f"{resident.name} and {coach.name} will never be paired.", "success")
    return redirect(url_for("coaching.list_exclusions"))


@bp.route("/coaching/exclusions/<int:exclusion_id>/delete", methods=["POST"])
@login_required
def remove_exclusion(exclusion_id):
    require(can_manage_coaching(current_user))
    exclusion = db.get_or_404(Exclusion, exclusion_id)
    if not ConfirmForm().validate_on_submit():
        return exclusions_page(400)
    services.remove_exclusion(current_user, exclusion)
    db.session.commit()
    flash("Exclusion removed.", "success")
    return redirect(url_for("coaching.list_exclusions"))
