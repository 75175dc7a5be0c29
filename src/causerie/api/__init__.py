"""The HTTP API: one folder per endpoint family (protocol, service, router), built by `create_app`."""

from causerie.api.app import create_app

__all__ = ["create_app"]
