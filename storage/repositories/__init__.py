"""Repositories: the only code that touches sessions; features call these."""
