"""Documents behind a real `causerie serve` (SmolLM2, the bundled e5 embedder): real PDF and DOCX files
uploaded as multipart, a French question grounded on them through the official openai SDK, its sources
pointing at the right page and section. The model's wording is not asserted, only the protocol."""

from __future__ import annotations

import httpx
import pytest
from fixtures.documents import make

from .causerie_it import MODEL, ServerProcess

pytestmark = pytest.mark.integration


def upload(server: ServerProcess, collection: str, name: str, data: bytes, media_type: str) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/collections/{collection}/documents", timeout=120,
                      files=[("file", (name, data, media_type))])


def test_real_files_ground_a_cited_answer(server, client):
    pdf = upload(server, "contrats", "contrat.pdf", make.pdf(), "application/pdf")
    assert pdf.status_code == 201, pdf.text
    assert pdf.json()["data"][0]["pages"] == 4
    docx = upload(server, "contrats", "note.docx", make.docx(),
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert docx.status_code == 201, docx.text

    found = httpx.post(f"{server.url}/v1/search", timeout=60, json={
        "query": "Quel est le prix mensuel ?", "collections": ["contrats"], "limit": 3}).json()["data"]
    assert found[0]["passage"]["filename"] == "contrat.pdf" and found[0]["passage"]["page"] == 2
    assert "Tarifs" in (found[0]["passage"]["heading"] or "")

    answer = client.chat.completions.create(
        model=MODEL, max_tokens=40, temperature=0,
        messages=[{"role": "user", "content": "Quel est le prix mensuel du contrat ?"}],
        extra_body={"collections": ["contrats"]})
    sources = answer.model_extra["sources"]
    assert sources and sources[0]["filename"] == "contrat.pdf" and sources[0]["label"].startswith("contrat.pdf, p. 2")
    assert {"index", "label", "document_id", "page", "heading", "text", "cited"} <= set(sources[0])
    assert answer.choices[0].message.content


def test_the_embedding_model_is_listed_and_answers_in_openais_shape(server, client):
    listed = {model.id: model for model in client.models.list().data}
    assert "multilingual-e5-small" in listed
    vectors = client.embeddings.create(model="multilingual-e5-small", input=["Bonjour", "Au revoir"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) == 384 and vectors.usage.prompt_tokens > 0
