"""Documents: a user's own files, read (`formats`), cut into chunks (`chunking`), embedded (`embedders`),
indexed in the store (`causerie.store.documents`) and searched (`search`) to ground answers that cite them
(`grounding`). `ingest` is the one pipeline every surface (CLI, HTTP, web) goes through."""
