"""Persistence: SQLAlchemy 2 models and the engine (SQLite by default, Postgres in production)."""
