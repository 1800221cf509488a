"""Theme Workbench: offline, NLP-assisted theme discovery for qualitative research teams."""

__version__ = "0.1.0"

__all__ = ["__version__"]
