"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from voting import create_app

app = create_app()
