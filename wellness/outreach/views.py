"""Outreach project pages: the list, proposing, a project with its shifts, deciding, and organising it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import as_local, local_to_utc, program_today, utcnow
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from . import bp, services, shifts, totals
from .forms import AmountForm, DecideForm, HoursForm, OrganiserForm, ProjectForm, RunnerForm, ShiftForm
from .models import Project


def get_project(project_id: int) -> Project:
    """A project the current user may see; 404 for unknown ones and others' proposals."""
    project = db.session.get(Project, project_id)
    if project is None or not services.can_see_project(current_user, project):
        abort(404)
    return project


def get_organised_project(project_id: int) -> Project:
    """A project the current user organises (or, as a coordinator, runs); 404 as get_project, else 403."""
    project = get_project(project_id)
    if not services.can_organise(current_user, project):
        abort(403)
    return project


def project_data(form: ProjectForm) -> services.ProjectData:
    return services.ProjectData(
        title=form.title.data, kind=form.kind.data, partner_name=form.partner_name.data,
        partner_address=form.partner_address.data or "", starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, description=form.description.data or "",
    )  # fmt: skip


@bp.route("/outreach")
@login_required
def list_projects():
    today = program_today(program_tz())
    mine = shifts.service_hours(shifts.this_academic_year(), [current_user.id]).get(current_user.id)
    return render_template(
        "outreach/list.html", lists=services.project_lists(current_user, today), my_hours=mine, today=today
    )


@bp.route("/outreach/new", methods=["GET", "POST"])
@login_required
def propose_project():
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = services.propose_project(current_user, project_data(form))
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)  # before rendering: it puts the message on the form
            return render_template("outreach/project_form.html", form=form, project=None), status
        flash(
            f"{project.title} is proposed. Coordinators have been told; you will hear when it is decided.",
            "success",
        )
        return redirect(url_for("outreach.show_project", project_id=project.id))
    return render_template("outreach/project_form.html", form=form, project=None), 400 if form.errors else 200


def project_page(project: Project, status: int = 200, **forms):
    forms.setdefault("decide_form", DecideForm())
    forms.setdefault("organiser_form", OrganiserForm())
    forms.setdefault("amount_form", AmountForm(amount=project.amount_raised))
    forms.setdefault("hours_form", HoursForm())
    forms.setdefault("runner_form", RunnerForm())
    organiser = services.can_organise(current_user, project)
    page = render_template(
        "outreach/show.html",
        project=project,
        shift_views=services.shift_views(project),
        totals=totals.project_totals(project),
        confirm_form=ConfirmForm(),
        organiser=organiser,
        can_decide=services.can_decide(current_user),
        pending_hours=shifts.pending_hours(project) if organiser else [],
        now=utcnow(),
        **forms,
    )
    return page, status


@bp.route("/outreach/<int:project_id>")
@login_required
def show_project(project_id):
    return project_page(get_project(project_id))


def _act(project: Project, action, form=None, message: str = "", **forms):
    """Run an organiser's or coordinator's change; back to the project, or the page with the reason."""
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        return project_page(get_project(project.id), show_domain_error(error, form), **forms)
    flash(message.format(result=result), "success")
    return redirect(url_for("outreach.show_project", project_id=project.id))


@bp.route("/outreach/<int:project_id>/decide", methods=["POST"])
@login_required
def decide_project(project_id):
    project = get_project(project_id)
    if not services.can_decide(current_user):
        abort(403)
    form = DecideForm()
    if not form.validate_on_submit():
        return project_page(project, 400, decide_form=form)
    approve = form.decision.data == "approve"
    return _act(
        project, lambda: services.decide_project(current_user, project, approve, form.reason.data or ""),
        form, f"{project.title} is {'approved' if approve else 'declined'}; the organisers have been told.",
        decide_form=form,
    )  # fmt: skip


@bp.route("/outreach/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit_project(project_id):
    project = get_organised_project(project_id)
    form = ProjectForm(obj=project)
    if form.validate_on_submit():
        try:
            services.update_project(current_user, project, project_data(form))
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template("outreach/project_form.html", form=form, project=project), status
        flash("The project is saved.", "success")
        return redirect(url_for("outreach.show_project", project_id=project.id))
    return render_template(
        "outreach/project_form.html", form=form, project=project
    ), 400 if form.errors else 200


@bp.route("/outreach/<int:project_id>/organisers", methods=["POST"])
@login_required
def add_organiser(project_id):
    project = get_organised_project(project_id)
    form = OrganiserForm()
    if not form.validate_on_submit():
        return project_page(project, 400, organiser_form=form)
    return _act(project, lambda: services.add_organiser(current_user, project, form.email.data), form,
                "{result.name} is now a co-organiser.", organiser_form=form)  # fmt: skip


@bp.route("/outreach/<int:project_id>/amount", methods=["POST"])
@login_required
def record_amount(project_id):
    project = get_organised_project(project_id)
    form = AmountForm()
    if not form.validate_on_submit():
        return project_page(project, 400, amount_form=form)
    return _act(project, lambda: services.record_amount(current_user, project, form.amount.data), form,
                "The amount raised is saved.", amount_form=form)  # fmt: skip


@bp.route("/outreach/<int:project_id>/shifts/new", methods=["GET", "POST"])
@login_required
def add_shift(project_id):
    project = get_organised_project(project_id)
    form = ShiftForm()
    if not form.is_submitted():
        form.day.data, form.slots.data = project.starts_on, 4
    if form.validate_on_submit():
        tz = program_tz()
        data = services.ShiftData(
            role=form.role.data, slots=form.slots.data,
            starts_at=local_to_utc(form.day.data, form.start_time.data, tz),
            ends_at=local_to_utc(form.day.data, form.end_time.data, tz),
        )  # fmt: skip
        try:
            shift = services.add_shift(current_user, project, data)
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template("outreach/shift_form.html", form=form, project=project), status
        when = as_local(shift.starts_at, program_tz())
        flash(f"The {shift.role} shift on {when:%b %-d} is open for volunteers.", "success")
        return redirect(url_for("outreach.show_project", project_id=project.id))
    return render_template(
        "outreach/shift_form.html", form=form, project=project
    ), 400 if form.errors else 200


@bp.route("/outreach/<int:project_id>/runners", methods=["POST"])
@login_required
def add_runner(project_id):
    project = get_organised_project(project_id)
    form = RunnerForm()
    if not form.validate_on_submit():
        return project_page(project, 400, runner_form=form)
    return _act(project, lambda: totals.add_runner(current_user, project, form.who.data, form.team.data or ""), form,
                "The runner is entered.", runner_form=form)  # fmt: skip
