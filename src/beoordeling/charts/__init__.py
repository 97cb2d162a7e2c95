"""Charts drawn with matplotlib for the documents: the forecast of the funds.

Every chart is drawn with the Agg backend (no display), in Dutch, and written without the moment
it was made, so that the same figures give the same file (SVG with a fixed hash salt; PNG without
the software's timestamp).
"""

from __future__ import annotations

from .forecast import plot_forecast

__all__ = ["plot_forecast"]
