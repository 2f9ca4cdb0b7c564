"""The notice pages' forms: POST buttons that carry only the CSRF token."""

from ..forms_support import Form


class ActionForm(Form):
    """An empty form for the Open, Mark all as read and Retry buttons."""
