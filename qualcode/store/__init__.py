"""SQLAlchemy models, engine and repositories; the only place that builds SQL."""
