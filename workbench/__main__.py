"""``python -m workbench`` runs the command line."""

from .cli import run

run()
