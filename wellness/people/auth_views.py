"""Sign-in, sign-out, passwords, and the invitation and reset links."""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import client_address, db, limiter
from ..forms_support import ConfirmForm, show_domain_error
from ..notifications.mail import send_link_mail
from . import auth, bp
from .forms import ChangePasswordForm, LoginForm, ResetRequestForm, SetPasswordForm
from .permissions import can_view_sign_in_log, require

SAME_MESSAGE = "That email and password do not match an active account."


def _login_email() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response) -> bool:
    """Only failed sign-ins count toward the limits (a success redirects)."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_email,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        person = auth.authenticate(
            form.email.data, form.password.data, client_address(), request.user_agent.string
        )
        db.session.commit()  # the attempt is logged whether or not it succeeded
        if person is not None:
            login_user(person, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(SAME_MESSAGE, "danger")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("people.login"))


@bp.route("/account")
@login_required
def account():
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), confirm_form=ConfirmForm()
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            auth.change_password(current_user, form.current_password.data, form.password.data)
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template(
                "auth/account.html", password_form=form, confirm_form=ConfirmForm()
            ), status
        login_user(current_user, remember=False)  # this session carries on with the new token
        flash("Your password is changed. Other devices have been signed out.", "success")
        return redirect(url_for("people.account"))
    return render_template("auth/account.html", password_form=form, confirm_form=ConfirmForm()), 400


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        auth.sign_out_everywhere(current_user)
        db.session.commit()
        logout_user()
        flash("You are signed out on every device.", "info")
    return redirect(url_for("people.login"))


def _redeem(secret: str, purpose: str):
    token = auth.find_link(secret, purpose)
    form = SetPasswordForm()
    if token is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 404
    if form.validate_on_submit():
        try:
            person = auth.redeem_link(secret, purpose, form.password.data)
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template(
                "auth/set_password.html", form=form, person=token.person, purpose=purpose
            ), status
        logout_user()
        login_user(person)
        flash("Your password is set. Welcome!", "success")
        return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    return render_template("auth/set_password.html", form=form, person=token.person, purpose=purpose), status


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def accept_invitation(secret):
    return _redeem(secret, "invitation")


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("10 per 5 minutes", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        ttl = timedelta(minutes=current_app.config["PASSWORD_RESET_TTL_MINUTES"])
        issued = auth.request_password_reset(form.email.data, ttl)
        db.session.commit()
        if issued is not None:
            person, link = issued
            send_link_mail(person, "reset", link)
        flash(
            "If that address has an account, a reset link is on its way. It works once, for a limited time.",
            "info",
        )
        return redirect(url_for("people.login"))
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset-password/<secret>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def reset_password(secret):
    return _redeem(secret, "reset")


@bp.route("/admin/sign-ins")
@login_required
def sign_in_log():
    require(can_view_sign_in_log(current_user))
    return render_template("auth/sign_in_log.html", attempts=auth.recent_login_attempts())
