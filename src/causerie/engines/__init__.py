"""Engines: one contract (`Engine`) and the implementations registered under `causerie.engines`."""

from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest, Usage

__all__ = ["Capabilities", "Chunk", "Engine", "GenerationRequest", "Usage"]
