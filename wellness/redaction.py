"""Keeping secrets that travel in request paths (link secrets, calendar addresses) out of logs."""

import logging
import re

# Paths that carry a secret: invitation and reset links, and personal calendar feeds.
SECRET_PATHS = re.compile(r"(/(?:invitation|reset-password|calendar)/)[^\s?/\"]+")


def redact(value):
    """The value with every path secret replaced by [redacted]; non-strings pass through."""
    return SECRET_PATHS.sub(r"\1[redacted]", value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Redacts path secrets in a log record: access logs (dev server, gunicorn) and the app's own."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, dict):  # gunicorn passes its access-log atoms as a mapping
            record.args = {key: redact(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(value) for value in record.args)
        return True
