"""Alembic's scripts, shipped as a package so that an installed platform finds them."""
