"""Models: cards (provenance), the catalog (entry points), assembly and verification, installation."""
