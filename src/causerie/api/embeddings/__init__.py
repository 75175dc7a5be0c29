"""Embeddings endpoint: POST /v1/embeddings (OpenAI's), served by the configured embedder."""
