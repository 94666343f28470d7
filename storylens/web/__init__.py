"""storylens serve: a web app over the corpus store (see `app.create_app`)."""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
