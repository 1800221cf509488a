"""The only place that speaks SQL: a study's database through SQLAlchemy Core (SQLite or PostgreSQL).
"""
