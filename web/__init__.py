"""Web layer: Litestar app, templates and static assets."""
