"""WSGI entry point: `gunicorn "app:app"` or `flask run`."""

from wellness import create_app

app = create_app()
