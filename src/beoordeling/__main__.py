"""``python -m beoordeling`` runs the command line."""

from .cli import main

main()
