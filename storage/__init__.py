"""Persistence: sqlmodel tables, repositories per aggregate, migrations."""
