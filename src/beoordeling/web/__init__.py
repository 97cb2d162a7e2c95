"""The web interface: the assessors' workbench, the submitters' self-check, on the same library.

``create_app(store_url)`` gives the Starlette application; ``beoordeling serve`` runs it.
"""

from .app import Web, create_app

__all__ = ["Web", "create_app"]
