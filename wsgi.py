"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

from matchmaker import create_app

app = create_app()
