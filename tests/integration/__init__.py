"""Integration tests: real servers, CLI and engines on SmolLM2-135M."""
