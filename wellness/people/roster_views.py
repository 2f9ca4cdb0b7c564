"""Roster import in the browser: upload, preview, confirm."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import program_today
from ..extensions import db
from . import bp
from .forms import RosterConfirmForm, RosterUploadForm
from .permissions import can_import_roster, require
from .roster import COLUMNS, decode_upload, parse_roster
from .roster_import import grantable_roles, import_roster


def _check(text: str, *, dry_run: bool):
    today = program_today(current_app.config["WELLNESS_TIMEZONE"])
    parsed = parse_roster(text, today.year, grantable_roles(current_user))
    return import_roster(current_user, parsed, dry_run=dry_run)


@bp.route("/people/import", methods=["GET", "POST"])
@login_required
def import_roster_upload():
    require(can_import_roster(current_user))
    form = RosterUploadForm()
    if form.validate_on_submit():
        try:
            text = decode_upload(form.file.data.read())
        except UnicodeDecodeError:
            form.file.errors.append(
                "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”."
            )
            return render_template("people/import.html", form=form, columns=COLUMNS), 400
        report = _check(text, dry_run=True)
        db.session.rollback()
        confirm = RosterConfirmForm(csv_text=text)
        return render_template(
            "people/import_preview.html", report=report, confirm_form=confirm
        ), 200 if report.ok else 400
    return render_template("people/import.html", form=form, columns=COLUMNS), 400 if form.errors else 200


@bp.route("/people/import/confirm", methods=["POST"])
@login_required
def import_roster_confirm():
    require(can_import_roster(current_user))
    form = RosterConfirmForm()
    if not form.validate_on_submit():
        flash("The preview expired. Upload the file again.", "danger")
        return redirect(url_for("people.import_roster_upload"))
    report = _check(form.csv_text.data, dry_run=False)
    if not report.ok:
        db.session.rollback()
        return render_template("people/import_preview.html", report=report, confirm_form=form), 400
    db.session.commit()
    flash(
        f"Roster imported: {report.count('create')} added, {report.count('update')} updated, "
        f"{report.count('unchanged')} unchanged.",
        "success",
    )
    return redirect(url_for("people.list_people"))
