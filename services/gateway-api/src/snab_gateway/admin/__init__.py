"""The web admin under /admin: server-rendered pages (Jinja2 + htmx) over the desk layer."""
