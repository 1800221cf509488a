"""Theme Workbench: offline, NLP-assisted theme discovery for qualitative research teams."""

# Before anything else: dependencies read their telemetry and offline switches when they
# first initialise, and every module of the package is imported after this line.
from workbench.offline import apply as _offline

_offline()

__version__ = "0.1.0"

__all__ = ["__version__"]
