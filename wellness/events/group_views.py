"""Coordinator pages for groups (audiences) and the list of event kinds."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_manage_events, require
from . import bp, groups, services
from .forms import GroupForm, KindForm, MemberForm
from .models import EventKind, Group


def get_group(group_id: int) -> Group:
    require(can_manage_events(current_user))
    return db.get_or_404(Group, group_id)


@bp.route("/groups", methods=["GET", "POST"])
@login_required
def list_groups():
    require(can_manage_events(current_user))
    form = GroupForm()
    refused = None
    if form.validate_on_submit():
        try:
            group = groups.save_group(current_user, None, form.name.data, form.description.data or "")
            db.session.commit()
            flash(f"{group.name} is created. Add its members.", "success")
            return redirect(url_for("events.show_group", group_id=group.id))
        except DomainError as error:
            refused = show_domain_error(error, form)
    status = refused or (400 if form.errors else 200)
    return render_template("events/groups.html", groups=services.all_groups(), form=form), status


def _render_group(group, form=None, member_form=None, status=200):
    return render_template(
        "events/group.html",
        group=group,
        form=form or GroupForm(formdata=None, obj=group),
        member_form=member_form or MemberForm(formdata=None),
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/groups/<int:group_id>")
@login_required
def show_group(group_id):
    return _render_group(get_group(group_id))


@bp.route("/groups/<int:group_id>/edit", methods=["POST"])
@login_required
def edit_group(group_id):
    group = get_group(group_id)
    form = GroupForm()
    if not form.validate_on_submit():
        return _render_group(group, form=form, status=400)
    try:
        groups.save_group(current_user, group, form.name.data, form.description.data or "")
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return _render_group(get_group(group_id), form=form, status=status)
    flash("The group is saved.", "success")
    return redirect(url_for("events.show_group", group_id=group_id))


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@login_required
def add_members(group_id):
    group = get_group(group_id)
    form = MemberForm()
    if not form.validate_on_submit():
        return _render_group(group, member_form=form, status=400)
    try:
        added = groups.add_members(current_user, group, form.emails.data)
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return _render_group(get_group(group_id), member_form=form, status=status)
    flash(f"{len(added)} added." if added else "They were all members already.", "success")
    return redirect(url_for("events.show_group", group_id=group_id))


@bp.route("/groups/<int:group_id>/members/<int:person_id>/remove", methods=["POST"])
@login_required
def remove_member(group_id, person_id):
    group = get_group(group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person = groups.remove_member(current_user, group, person_id)
    db.session.commit()
    if person is not None:
        flash(f"{person.name} is no longer in {group.name}.", "success")
    return redirect(url_for("events.show_group", group_id=group_id))


@bp.route("/groups/<int:group_id>/delete", methods=["POST"])
@login_required
def delete_group(group_id):
    group = get_group(group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = group.name
    try:
        groups.delete_group(current_user, group)
        db.session.commit()
    except DomainError as error:
        show_domain_error(error)
        return redirect(url_for("events.show_group", group_id=group_id))
    flash(f"{name} is deleted.", "success")
    return redirect(url_for("events.list_groups"))


@bp.route("/event-kinds", methods=["GET", "POST"])
@login_required
def list_kinds():
    require(can_manage_events(current_user))
    form = KindForm()
    refused = None
    if form.validate_on_submit():
        try:
            kind = groups.save_kind(current_user, None, form.name.data, form.colour.data)
            db.session.commit()
            flash(f"{kind.name} is added.", "success")
            return redirect(url_for("events.list_kinds"))
        except DomainError as error:
            refused = show_domain_error(error, form)
    status = refused or (400 if form.errors else 200)
    kinds = services.all_kinds()
    forms = {kind.id: KindForm(formdata=None, obj=kind, prefix=f"k{kind.id}") for kind in kinds}
    return render_template("events/kinds.html", kinds=kinds, forms=forms, form=form), status


@bp.route("/event-kinds/<int:kind_id>", methods=["POST"])
@login_required
def edit_kind(kind_id):
    require(can_manage_events(current_user))
    kind = db.get_or_404(EventKind, kind_id)
    form = KindForm(prefix=f"k{kind_id}")
    if form.validate_on_submit():
        try:
            groups.save_kind(current_user, kind, form.name.data, form.colour.data)
            db.session.commit()
            flash("The kind is saved.", "success")
        except DomainError as error:
            show_domain_error(error)
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("events.list_kinds"))
