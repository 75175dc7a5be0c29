"""Embedders: text to vectors, for document search and `/v1/embeddings`. One contract (`base.Embedder`),
registered under the `causerie.embedders` entry points exactly as a third-party one would be."""
