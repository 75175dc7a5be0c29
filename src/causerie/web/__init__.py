"""The web chat served by `causerie serve` at `/`: one HTML page, plain ES modules and CSS, vendored
libraries. It is a thin client of causerie's public API; see docs/web.md."""

from causerie.web.router import install_web

__all__ = ["install_web"]
