"""Notice pages: the list behind the bell, and the admins' mail outbox."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_view_outbox, require
from . import bp, outbox, services
from .mail import mail_enabled
from .models import Notice


@bp.app_context_processor
def notice_bell():
    """Give templates `unread_notices()`: counted once per request, and only when a page asks."""

    def unread_notices() -> int:
        if "unread_notices" not in g:
            g.unread_notices = services.unread_count(current_user)
        return g.unread_notices

    return {"unread_notices": unread_notices}


def get_own_notice(notice_id: int) -> Notice:
    """Load one of the current person's notices; anyone else's is a 404, since notices are private."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.person_id != current_user.id:
        abort(404)
    return notice


def _check_form() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/notifications")
@login_required
def list_notices():
    page = services.list_notices(current_user, request.args.get("page", 1, type=int))
    return render_template("notifications/list.html", page=page)


@bp.route("/notifications/<int:notice_id>/open", methods=["POST"])
@login_required
def open_notice(notice_id):
    notice = get_own_notice(notice_id)
    _check_form()
    services.mark_read(current_user, notice)
    db.session.commit()
    return redirect(services.safe_link(notice.link) or url_for("notifications.list_notices"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    _check_form()
    marked = services.mark_all_read(current_user)
    db.session.commit()
    flash(f"Marked {marked} notification{'' if marked == 1 else 's'} as read.", "success")
    return redirect(url_for("notifications.list_notices"))


@bp.route("/notifications/outbox", endpoint="outbox")  # the function name is taken by the module
@login_required
def outbox_page():
    require(can_view_outbox(current_user))
    return render_template(
        "notifications/outbox.html", overview=outbox.outbox_overview(), mail_enabled=mail_enabled()
    )


@bp.route("/notifications/outbox/<int:notice_id>/retry", methods=["POST"])
@login_required
def retry_notice(notice_id):
    require(can_view_outbox(current_user))
    notice = db.get_or_404(Notice, notice_id)
    _check_form()
    try:
        outbox.retry_now(current_user, notice)
        db.session.commit()
        flash("The message will be sent on the next run of flask notifications send.", "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(url_for("notifications.outbox"))
