"""causerie: an open, French-first AI assistant that runs on your own machine."""

__version__ = "0.1.0"
