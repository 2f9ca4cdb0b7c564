"""Cover for a person's duties on days they are away, from their duties page: naming a coverer,
suggestions, and removing a cover. (An SGIM trip's duties are covered on the trip's page.)"""

from flask import flash
from flask_login import current_user, login_required

from ..dates import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_view_person, require
from . import bp, covers
from .forms import cover_form
from .models import Duty
from .views import back_to, person_page


def get_duty(duty_id: int) -> Duty:
    """A duty of the current user's own, or anyone's for staff; 404 otherwise."""
    duty = db.session.get(Duty, duty_id)
    require(duty is not None and can_view_person(current_user, duty.person), hide=True)
    return duty


@bp.route("/duties/<int:duty_id>/cover", methods=["POST"])
@login_required
def cover_duty(duty_id):
    duty = get_duty(duty_id)
    form = cover_form(duty_id)
    if not form.validate_on_submit():
        return person_page(duty.person, 400, cover_forms={duty_id: form})
    try:
        covers.cover_duty(current_user, duty, covers.find_person(form.coverer.data), utcnow())
        db.session.commit()
    except DomainError as error:
        return person_page(duty.person, show_domain_error(error, form), cover_forms={duty_id: form})
    flash(f"{duty.covered_by.name} covers it and has been told.", "success")
    return back_to(duty.person, f"#duty-{duty_id}")


@bp.route("/duties/<int:duty_id>/uncover", methods=["POST"])
@login_required
def uncover_duty(duty_id):
    duty = get_duty(duty_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return person_page(duty.person, 400)
    try:
        covers.uncover_duty(current_user, duty, utcnow())
        db.session.commit()
    except DomainError as error:
        return person_page(duty.person, show_domain_error(error, form))
    flash("Cover removed; the duty needs cover again.", "success")
    return back_to(duty.person, f"#duty-{duty_id}")
