"""Running untrusted code: bubblewrap namespaces + rlimits, never in the server process, never unconfined."""

from causerie.sandbox.runner import Limits, RunResult, Sandbox, SandboxUnavailable

__all__ = ["Limits", "RunResult", "Sandbox", "SandboxUnavailable"]
