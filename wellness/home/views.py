"""The home dashboard and the health check."""

from flask import current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from ..dates import program_today
from ..events.seats import upcoming_for
from ..extensions import db
from ..notifications.mail import mail_enabled
from ..people.permissions import is_admin, is_staff
from . import bp, services


@bp.route("/")
@login_required
def index():
    today = program_today(current_app.config["WELLNESS_TIMEZONE"])
    summary = services.program_summary(today) if is_staff(current_user) else None
    failed = services.failed_sign_ins_last_day() if is_admin(current_user) else None
    return render_template(
        "home/index.html",
        today=today,
        summary=summary,
        failed_sign_ins=failed,
        mail_enabled=mail_enabled(),
        my_events=upcoming_for(current_user),
    )


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
