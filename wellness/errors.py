"""Domain errors raised by services, and the HTTP error pages."""

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from .extensions import db
from .redaction import redact


class DomainError(Exception):
    """A business rule refused the request; the message is safe to show to the person."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input broke a rule that needs other records to check."""


class NotAllowed(DomainError):
    """The acting person may not do this."""

    status_code = 403


class Conflict(DomainError):
    """The request conflicts with the current state, e.g. a duplicate or a full resource."""

    status_code = 409


ERROR_TITLES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Not found", "There is nothing here. The link may be old or mistyped."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: ("Too large", "That upload is larger than the limit. Split it into smaller files."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong", "The error has been logged. Nothing was saved; please try again."),
}


def _render_error(code: int, detail: str | None = None):
    title, message = ERROR_TITLES.get(code, ERROR_TITLES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    def handle_http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = None
        # CSRF failures and form-size problems explain themselves without leaking internals.
        if error.code == 400 and getattr(error, "description", "").startswith("The CSRF"):
            detail = "Your form expired or was sent from elsewhere. Reload the page and try again."
        if error.code >= 500:
            db.session.rollback()
        return _render_error(error.code if error.code in ERROR_TITLES else 500, detail)

    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, redact(request.path))
        return _render_error(500)

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
