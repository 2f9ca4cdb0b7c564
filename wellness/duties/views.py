"""Duty and time-away pages: a person's duties, covers and time away; coordinators' forms for a person's
duties, the requests waiting for them, and importing a term of duties.

A person's page is theirs and the coordinators'; to anyone else it does not exist (404). So is a period
of time away.
"""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..dates import academic_year_of, program_today, utcnow
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.models import Person
from ..people.permissions import can_view_person, is_staff, require
from ..people.roster import decode_upload
from . import away, bp, clinics, covers, importing, vacation
from .forms import AwayForm, ClinicForm, DeclineForm, DutyForm, FindForm, ImportForm, cover_form
from .models import AwayPeriod, Duty
from .sessions import DUTY_KINDS

WEEKS_SHOWN = (16, 52)


def _today():
    return program_today(program_tz())


def get_person(person_id: int) -> Person:
    """A person whose duties the current user may see: themself, or anyone for staff; 404 otherwise."""
    person = db.session.get(Person, person_id)
    require(person is not None and can_view_person(current_user, person), hide=True)
    return person


def get_period(period_id: int) -> AwayPeriod:
    """Time away of the current user's own, or anyone's for staff; 404 otherwise."""
    period = db.session.get(AwayPeriod, period_id)
    require(period is not None and can_view_person(current_user, period.person), hide=True)
    return period


def _years(person: Person, today, periods) -> list[vacation.VacationUse]:
    years = {academic_year_of(today)} | {
        year for p in periods if p.kind == "vacation" for year in vacation.years_of(p)
    }
    return [
        vacation.vacation_use(person.id, year)
        for year in sorted(y for y in years if y >= academic_year_of(today))
    ]


def person_page(person: Person, status: int = 200, cover_forms: dict | None = None, **forms):
    """The person's coming duties (who covers each, and cover for those on days they are away), the
    covers they give, their time away and vacation use; staff also get the forms to change them, the
    person the form to ask for time away. `?suggest=<duty id>` lists coverers for that duty."""
    today = _today()
    weeks = request.args.get("weeks", type=int)
    weeks = weeks if weeks in WEEKS_SHOWN else WEEKS_SHOWN[0]
    periods = away.periods_of(person.id, today - timedelta(days=60))
    duties = covers.duties_between(person.id, today, today + timedelta(weeks=weeks))
    away_then = away.away_during(duties, periods)
    # Duties of an SGIM trip are covered on the trip's page; the rest of those on days away, here.
    coverable = [d for d in duties if d.id in away_then and not away.managed_at(away_then[d.id])]
    arranges = {duty.id: covers.can_arrange_cover(current_user, duty) for duty in coverable}
    asked = next((d for d in coverable if d.id == request.args.get("suggest", type=int)), None)
    suggested = asked if asked and arranges[asked.id] and not asked.covered_by_id else None
    clinic = forms.setdefault("clinic_form", ClinicForm())
    if not clinic.is_submitted() and person.clinic_site:
        clinic.site.data = person.clinic_site.name
    for name, form in (("duty_form", DutyForm), ("away_form", AwayForm)):
        forms.setdefault(name, form())
    page = render_template(
        "duties/person.html",
        person=person,
        own=person.id == current_user.id,
        today=today,
        weeks=weeks,
        weeks_shown=WEEKS_SHOWN,
        duties=duties,
        page_url=lambda **params: page_url(person, **params),
        away_during=away_then,
        managed_at=away.managed_at,
        arranges=arranges,
        cover_forms={d.id: (cover_forms or {}).get(d.id) or cover_form(d.id) for d in coverable},
        suggested_id=suggested.id if suggested else None,
        suggestions=covers.suggest_coverers(suggested, utcnow()) if suggested else [],
        covering=covers.covers_by(person.id, today),
        periods=periods,
        vacation=_years(person, today, periods),
        may_request=away.may_request_away(current_user) and person.id == current_user.id,
        can_cancel=lambda period: away.can_cancel_away(current_user, period, today),
        confirm_form=ConfirmForm(),
        find_form=FindForm(formdata=None),
        duty_kinds=DUTY_KINDS,
        days_text=away.days_text,
        **forms,
    )
    return page, status


def page_url(person: Person, **params) -> str:
    """The address of the person's duties page (/duties for one's own), with query parameters."""
    if person.id == current_user.id:
        return url_for("duties.my_duties", **params)
    return url_for("duties.show_person", person_id=person.id, **params)


def back_to(person: Person, anchor: str = ""):
    return redirect(page_url(person) + anchor)


@bp.route("/duties")
@login_required
def my_duties():
    return person_page(current_user)


@bp.route("/duties/people/<int:person_id>")
@login_required
def show_person(person_id):
    return person_page(get_person(person_id))


@bp.route("/duties/find")
@login_required
def find_person():
    require(is_staff(current_user))
    form = FindForm(request.args)
    person = covers.find_person(form.email.data or "") if form.validate() else None
    if person is None:
        flash("No active person has that address.", "danger")
        return redirect(url_for("duties.my_duties"))
    return redirect(url_for("duties.show_person", person_id=person.id))


def _person_change(person_id: int, form_name: str, form, change, message, anchor: str):
    """Validate `form` for the person's page, run `change(person, form)` and commit, or re-render."""
    person = get_person(person_id)
    require(is_staff(current_user))
    if not form.validate_on_submit():
        return person_page(person, 400, **{form_name: form})
    try:
        outcome = change(person, form)
        db.session.commit()
    except DomainError as error:
        return person_page(person, show_domain_error(error, form), **{form_name: form})
    flash(message(outcome) if callable(message) else message, "success")
    return back_to(person, anchor)


@bp.route("/duties/people/<int:person_id>/duties", methods=["POST"])
@login_required
def add_duty(person_id):
    return _person_change(
        person_id,
        "duty_form",
        DutyForm(),
        lambda p, f: clinics.add_duty(
            current_user, p, f.day.data, f.session.data, f.kind.data, f.site.data or "", utcnow()
        ),
        lambda duty: f"Added: {covers.duty_text(duty)}.",
        "#duties",
    )


@bp.route("/duties/people/<int:person_id>/clinics", methods=["POST"])
@login_required
def generate_clinics(person_id):
    return _person_change(
        person_id,
        "clinic_form",
        ClinicForm(),
        lambda p, f: clinics.generate_clinics(
            current_user,
            p,
            f.weekday.data,
            f.session.data,
            f.site.data or "",
            f.first_day.data,
            f.last_day.data,
            utcnow(),
        ),
        lambda run: (
            f"{run.made} clinic session{'' if run.made == 1 else 's'} made"
            + (
                f"; {run.kept} day{'' if run.kept == 1 else 's'} already had a duty then and kept it."
                if run.kept
                else "."
            )
        ),
        "#duties",
    )


@bp.route("/duties/people/<int:person_id>/away", methods=["POST"])
@login_required
def enter_away(person_id):
    return _person_change(
        person_id,
        "away_form",
        AwayForm(),
        lambda p, f: away.enter_away(current_user, p, away_data(f), utcnow()),
        lambda period: " ".join(
            filter(
                None,
                [
                    f"{period.label} entered and approved.",
                    *(use.warning() for use in vacation.vacation_after(period)),
                ],
            )
        ),
        "#away",
    )


def away_data(form: AwayForm) -> away.AwayData:
    return away.AwayData(form.kind.data, form.starts_on.data, form.ends_on.data, form.note.data or "")


@bp.route("/duties/<int:duty_id>/delete", methods=["POST"])
@login_required
def delete_duty(duty_id):
    duty = db.session.get(Duty, duty_id)
    require(duty is not None and can_view_person(current_user, duty.person), hide=True)
    require(is_staff(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person, text = duty.person, covers.duty_text(duty)
    clinics.delete_duty(current_user, duty, utcnow())
    db.session.commit()
    flash(f"Deleted: {text}.", "success")
    return back_to(person, "#duties")


@bp.route("/duties/away", methods=["POST"])
@login_required
def request_away():
    form = AwayForm()
    require(away.may_request_away(current_user))
    if not form.validate_on_submit():
        return person_page(current_user, 400, away_form=form)
    try:
        period = away.request_away(current_user, away_data(form), _today(), utcnow())
        db.session.commit()
    except DomainError as error:
        return person_page(current_user, show_domain_error(error, form), away_form=form)
    warnings = list(filter(None, (use.warning(if_approved=True) for use in vacation.vacation_after(period))))
    flash(
        " ".join(["Requested; a coordinator will decide.", *warnings]), "warning" if warnings else "success"
    )
    return redirect(url_for("duties.my_duties") + "#away")


def away_page(status: int = 200, decline_forms: dict | None = None):
    require(is_staff(current_user))
    today, pending = _today(), away.pending_requests()
    forms = {p.id: (decline_forms or {}).get(p.id) or DeclineForm(prefix=f"d{p.id}") for p in pending}
    page = render_template(
        "duties/away.html",
        pending=pending,
        upcoming=away.upcoming_approved(today),
        decline_forms=forms,
        vacation={p.id: vacation.vacation_after(p) for p in pending},
        confirm_form=ConfirmForm(),
        today=today,
        days_text=away.days_text,
        can_cancel=lambda period: away.can_cancel_away(current_user, period, today),
    )
    return page, status


@bp.route("/duties/away")
@login_required
def list_away():
    return away_page()


def _decide(period_id: int, decide, message, form=None):
    period = get_period(period_id)
    require(is_staff(current_user))
    if not (form or ConfirmForm()).validate_on_submit():
        return away_page(400, {period.id: form} if form else None)
    try:
        outcome = decide(period)
        db.session.commit()
    except DomainError as error:
        return away_page(show_domain_error(error, form), {period.id: form} if form else None)
    over = isinstance(outcome, list) and any(use.is_over for use in outcome)
    flash(message(period, outcome), "warning" if over else "success")
    return redirect(url_for("duties.list_away"))


@bp.route("/duties/away/<int:period_id>/approve", methods=["POST"])
@login_required
def approve_away(period_id):
    return _decide(
        period_id,
        lambda p: away.approve_away(current_user, p, utcnow()),
        lambda p, uses: " ".join(
            [
                f"Approved: {p.person.name}, {p.label}; they have been told.",
                *filter(None, (use.warning() for use in uses)),
            ]
        ),
    )


@bp.route("/duties/away/<int:period_id>/decline", methods=["POST"])
@login_required
def decline_away(period_id):
    form = DeclineForm(prefix=f"d{period_id}")
    return _decide(
        period_id,
        lambda p: away.decline_away(current_user, p, form.reason.data, utcnow()),
        lambda p, _: f"Declined: {p.person.name}, {p.label}; they have been told why.",
        form,
    )


@bp.route("/duties/away/<int:period_id>/cancel", methods=["POST"])
@login_required
def cancel_away(period_id):
    period = get_period(period_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person = period.person
    try:
        away.cancel_away(current_user, period, _today(), utcnow())
        db.session.commit()
    except DomainError as error:
        return person_page(person, show_domain_error(error))
    flash(f"Cancelled: {period.label}, {away.days_text(period.starts_on, period.ends_on)}.", "success")
    return back_to(person, "#away")


@bp.route("/duties/import", methods=["GET", "POST"])
@login_required
def import_duties():
    require(is_staff(current_user))
    form, report = ImportForm(), None
    if form.validate_on_submit():
        try:
            report = importing.import_duties(current_user, decode_upload(form.file.data.read()), utcnow())
        except UnicodeDecodeError:
            form.file.errors.append(
                "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”."
            )
        if report is not None and report.ok:
            db.session.commit()
            flash(f"Duties imported: {report.summary()}", "success")
            return redirect(url_for("duties.import_duties"))
        db.session.rollback()
    page = render_template("duties/import.html", form=form, report=report, columns=importing.COLUMNS)
    return page, 400 if form.errors or report is not None else 200
