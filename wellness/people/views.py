"""People pages: the list, a person's page, create, edit, deactivate, invitations, and fields."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..dates import program_today
from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..notifications.mail import link_url, mail_enabled, send_link_mail, send_link_mails
from . import auth, bp, services
from .forms import FieldForm, PeopleFilterForm, PersonForm
from .models import Field, Person
from .permissions import (
    can_edit_person,
    can_manage_fields,
    can_manage_people,
    can_view_person,
    require,
)


def get_person(person_id: int, *, for_edit: bool = False) -> Person:
    """Load a person the current user may see (404 otherwise, so existence stays private).

    With for_edit, a visible person the user may not edit is a 403.
    """
    person = db.session.get(Person, person_id)
    if person is None or not can_view_person(current_user, person):
        abort(404)
    if for_edit:
        require(can_edit_person(current_user, person))
    return person


def _today():
    return program_today(current_app.config["WELLNESS_TIMEZONE"])


def _person_data(form: PersonForm) -> services.PersonData:
    return services.PersonData(
        email=form.email.data,
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        roles=tuple(form.roles.data or ()),
        program=form.program.data or None,
        is_stanbury=form.is_stanbury.data,
        training_start_year=form.training_start_year.data,
        fields=tuple(name.strip() for name in (form.fields.data or "").split(";") if name.strip()),
        firm=form.firm.data or None,
        clinic_site=form.clinic_site.data or None,
        coach_capacity=form.coach_capacity.data,
    )


def _filters(form: PeopleFilterForm) -> services.PeopleFilter:
    def number(value):
        return int(value) if value and value.isdigit() else None

    return services.PeopleFilter(
        q=form.q.data or "",
        role=form.role.data or "",
        program=form.program.data or "",
        pgy=number(form.pgy.data),
        firm_id=number(form.firm.data),
        field_id=number(form.field.data),
        status=form.status.data or "active",
    )


@bp.route("/people")
@login_required
def list_people():
    require(can_manage_people(current_user))
    form = PeopleFilterForm(request.args)
    form.firm.choices += [(str(f.id), f.name) for f in services.all_firms()]
    form.field.choices += [(str(f.id), f.name) for f in services.all_fields()]
    filters = _filters(form) if form.validate() else services.PeopleFilter()
    page = services.list_people(filters, _today(), request.args.get("page", 1, type=int))
    return render_template("people/list.html", form=form, page=page, today=_today())


@bp.route("/people/new", methods=["GET", "POST"])
@login_required
def create_person():
    require(can_manage_people(current_user))
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = services.create_person(current_user, _person_data(form))
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template("people/edit.html", form=form, person=None), status
        flash(f"{person.name} is added. Send an invitation so they can sign in.", "success")
        return redirect(url_for("people.show_person", person_id=person.id))
    return render_template("people/edit.html", form=form, person=None), 400 if form.errors else 200


@bp.route("/people/<int:person_id>")
@login_required
def show_person(person_id):
    person = get_person(person_id)
    history = services.person_history(person) if can_manage_people(current_user) else []
    return render_template(
        "people/show.html", person=person, history=history, today=_today(), confirm_form=ConfirmForm()
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit_person(person_id):
    person = get_person(person_id, for_edit=True)
    form = PersonForm(obj=None if request.method == "POST" else person)
    if request.method == "GET":
        form.roles.data = sorted(person.role_names)
        form.fields.data = "; ".join(f.name for f in person.fields)
        form.firm.data = person.firm.name if person.firm else ""
        form.clinic_site.data = person.clinic_site.name if person.clinic_site else ""
        form.program.data = person.program or ""
    if form.validate_on_submit():
        try:
            services.update_person(current_user, person, _person_data(form))
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template("people/edit.html", form=form, person=person), status
        flash(f"{person.name} is saved.", "success")
        return redirect(url_for("people.show_person", person_id=person.id))
    return render_template("people/edit.html", form=form, person=person), 400 if form.errors else 200


def _state_change(person_id: int, change, message: str):
    person = get_person(person_id, for_edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(current_user, person)
        db.session.commit()
        flash(message.format(name=person.name), "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(url_for("people.show_person", person_id=person.id))


@bp.route("/people/<int:person_id>/deactivate", methods=["POST"])
@login_required
def deactivate_person(person_id):
    return _state_change(
        person_id, services.deactivate_person, "{name} is deactivated and signed out everywhere."
    )


@bp.route("/people/<int:person_id>/reactivate", methods=["POST"])
@login_required
def reactivate_person(person_id):
    return _state_change(person_id, services.reactivate_person, "{name} is active again.")


@bp.route("/people/<int:person_id>/invitation", methods=["POST"])
@login_required
def invite_person(person_id):
    person = get_person(person_id, for_edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    purpose = "invitation" if not person.has_password else "reset"
    hours = current_app.config["INVITATION_TTL_HOURS"]
    try:
        link = auth.issue_link(current_user, person, purpose, timedelta(hours=hours))
        db.session.commit()
    except DomainError as error:
        show_domain_error(error)
        return redirect(url_for("people.show_person", person_id=person.id))
    mailed = send_link_mail(person, purpose, link) if mail_enabled() else None
    return render_template(
        "people/invitation.html",
        person=person,
        url=link_url(purpose, link.secret),
        purpose=purpose,
        expires_at=link.expires_at,
        mailed=mailed,
    )


@bp.route("/people/invitations", methods=["POST"])
@login_required
def invite_not_signed_up():
    require(can_manage_people(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not mail_enabled():
        flash("Mail is not configured: open each person's page to copy their invitation link.", "warning")
        return redirect(url_for("home.index"))
    ttl = timedelta(hours=current_app.config["INVITATION_TTL_HOURS"])
    links = auth.invite_not_signed_up(current_user, ttl)
    db.session.commit()
    sent, failed = send_link_mails(links, "invitation")
    flash(
        f"Mailed {sent} invitations." + (f" {failed} could not be sent; try again later." if failed else ""),
        "success" if not failed else "warning",
    )
    return redirect(url_for("home.index"))


@bp.route("/fields", methods=["GET", "POST"])
@login_required
def list_fields():
    require(can_manage_fields(current_user))
    form = FieldForm()
    status = 200
    if form.validate_on_submit():
        try:
            field = services.create_field(current_user, form.name.data)
            db.session.commit()
            flash(f"{field.name} is added.", "success")
            return redirect(url_for("people.list_fields"))
        except DomainError as error:
            status = show_domain_error(error, form)
    elif form.errors:
        status = 400
    return render_template(
        "fields/list.html",
        form=form,
        fields=services.all_fields(),
        usage=services.field_usage(),
        confirm_form=ConfirmForm(),
    ), status


def _get_field(field_id: int) -> Field:
    require(can_manage_fields(current_user))
    return db.get_or_404(Field, field_id)


@bp.route("/fields/<int:field_id>/rename", methods=["POST"])
@login_required
def rename_field(field_id):
    field = _get_field(field_id)
    form = FieldForm()
    if not form.validate_on_submit():
        flash("Enter a name of at most 80 characters.", "danger")
        return redirect(url_for("people.list_fields"))
    try:
        services.rename_field(current_user, field, form.name.data)
        db.session.commit()
        flash(f"Renamed to {field.name}.", "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(url_for("people.list_fields"))


@bp.route("/fields/<int:field_id>/delete", methods=["POST"])
@login_required
def delete_field(field_id):
    field = _get_field(field_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = field.name
    try:
        services.delete_field(current_user, field)
        db.session.commit()
        flash(f"{name} is removed.", "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(url_for("people.list_fields"))
