"""Collections, documents, chunks and their vectors in the store, on SQLite (sqlite-vec) and on a real
PostgreSQL (exact search over bytes): the `database_url` fixture runs each test on both."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import text

from causerie.documents.embedders.fake import FakeEmbedder
from causerie.documents.parsed import Chunk
from causerie.documents.search import rrf, search
from causerie.errors import Conflict, InvalidRequest, NotFound
from causerie.store import Store
from causerie.store.document_records import NewDocument

EMBEDDER = FakeEmbedder()
TEXTS = {
    "tarifs.txt": ["Le tarif réduit est de 5 euros pour les étudiants.", "Le musée ouvre à 9 heures le matin."],
    "horaires.txt": ["La bibliothèque ferme à 18 heures.", "Les chats dorment beaucoup."],
}


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


def new(filename: str, sha: str | None = None) -> NewDocument:
    return NewDocument(filename=filename, media_type="text/plain", sha256=sha or filename.ljust(64, "0")[:64],
                       size_bytes=100, title=None, pages=None)


def chunks_of(texts: list[str]) -> list[Chunk]:
    return [Chunk(seq=i, text=body, tokens=EMBEDDER.count_tokens(body), page=i + 1, heading="Infos")
            for i, body in enumerate(texts)]


def add(store: Store, user_id: int, collection: str, filename: str, sha: str | None = None):
    store.ensure_collection(user_id, collection, embedder=EMBEDDER.name, dimensions=EMBEDDER.dimensions)
    chunks = chunks_of(TEXTS[filename])
    return store.add_document(user_id, collection, new(filename, sha), chunks,
                              EMBEDDER.embed_passages([c.text for c in chunks]))


def vector_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        if store.backend == "sqlite":
            return connection.execute(text("SELECT count(*) FROM chunk_vectors_384")).scalar()
        return connection.execute(text("SELECT count(*) FROM chunks WHERE embedding IS NOT NULL")).scalar()


def test_a_document_is_stored_with_its_chunks_and_vectors(store):
    alice = store.add_user("alice")
    document = add(store, alice.id, "musée", "tarifs.txt")
    assert (document.chunk_count, document.filename) == (2, "tarifs.txt")
    collection = store.get_collection(alice.id, "musée")
    assert (collection.documents, collection.chunks, collection.revision) == (1, 2, 1)
    assert vector_rows(store) == 2
    passages = store.document_chunks(alice.id, "musée", document.id)
    assert [p.page for p in passages] == [1, 2] and passages[0].heading == "Infos"


def test_the_same_bytes_twice_are_kept_once_and_a_new_version_replaces_the_old(store):
    alice = store.add_user("alice")
    first = add(store, alice.id, "musée", "tarifs.txt")
    assert add(store, alice.id, "musée", "tarifs.txt").id == first.id  # same sha256: nothing written
    assert store.get_collection(alice.id, "musée").revision == 1
    newer = add(store, alice.id, "musée", "tarifs.txt", sha="f" * 64)  # same name, new content
    assert newer.id != first.id
    assert [d.id for d in store.list_documents(alice.id, "musée")] == [newer.id]
    assert vector_rows(store) == 2


def test_deleting_a_document_a_collection_or_a_user_removes_chunks_and_vectors(store):
    alice = store.add_user("alice")
    document = add(store, alice.id, "a", "tarifs.txt")
    add(store, alice.id, "a", "horaires.txt")
    add(store, alice.id, "b", "tarifs.txt")
    store.delete_document(alice.id, "a", document.id)
    assert vector_rows(store) == 4
    store.delete_collection(alice.id, "b")
    assert vector_rows(store) == 2
    store.delete_user("alice")  # ON DELETE CASCADE down to the vectors (a trigger on SQLite)
    assert vector_rows(store) == 0


def test_another_users_collection_is_not_found(store):
    alice, bob = store.add_user("alice"), store.add_user("bob")
    document = add(store, alice.id, "privé", "tarifs.txt")
    for call in (lambda: store.get_collection(bob.id, "privé"), lambda: store.list_documents(bob.id, "privé"),
                 lambda: store.delete_document(bob.id, "privé", document.id),
                 lambda: store.search_text(bob.id, ["privé"], "tarif", 5),
                 lambda: store.delete_collection(bob.id, "privé")):
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.status == 404 and "privé" in caught.value.message("fr")
    assert store.passages(bob.id, [1, 2]) == {}  # chunk ids of another user give nothing
    assert store.get_collection(alice.id, "privé").documents == 1


def test_collection_names_are_checked_and_unique_per_user(store):
    alice, bob = store.add_user("alice"), store.add_user("bob")
    store.create_collection(alice.id, "Rapports 2025", embedder="e", dimensions=384)
    store.create_collection(bob.id, "Rapports 2025", embedder="e", dimensions=384)  # another user: fine
    with pytest.raises(Conflict):
        store.create_collection(alice.id, "Rapports 2025", embedder="e", dimensions=384)
    for bad in ("", "../x", "a" * 65, "-tiret"):
        with pytest.raises(InvalidRequest):
            store.create_collection(alice.id, bad, embedder="e", dimensions=384)


def test_vector_search_finds_the_passage_sharing_words_best_first(store):
    alice = store.add_user("alice")
    add(store, alice.id, "musée", "tarifs.txt")
    add(store, alice.id, "musée", "horaires.txt")
    found = store.search_vectors(alice.id, ["musée"], EMBEDDER.embed_queries(["tarif réduit étudiants"])[0], 3)
    best = store.passages(alice.id, [found[0][0]])[found[0][0]]
    assert "tarif réduit" in best.text
    assert found[0][1] > found[1][1] and -1.0 <= found[-1][1] <= 1.0


def test_full_text_search_matches_any_word_and_ranks(store):
    alice = store.add_user("alice")
    add(store, alice.id, "musée", "tarifs.txt")
    add(store, alice.id, "musée", "horaires.txt")
    ids = store.search_text(alice.id, ["musée"], "À quelle heure ferme la bibliothèque ?", 5)
    assert ids, "any word matches"
    assert "bibliothèque" in store.passages(alice.id, ids[:1])[ids[0]].text
    assert store.search_text(alice.id, ["musée"], "?!", 5) == []
    assert store.search_text(alice.id, ["musée"], 'chat" OR x:* NEAR(', 5)  # query syntax is quoted away


def test_hybrid_search_fuses_both_lists_over_several_collections(store):
    alice = store.add_user("alice")
    add(store, alice.id, "a", "tarifs.txt")
    add(store, alice.id, "b", "horaires.txt")
    hits = search(store, EMBEDDER, alice.id, ["a", "b"], "la bibliothèque ferme", limit=4)
    assert hits[0].passage.collection == "b" and "bibliothèque" in hits[0].passage.text
    assert hits[0].similarity is not None and hits[0].text_rank == 1
    assert {hit.passage.collection for hit in hits} == {"a", "b"}
    vector_only = search(store, EMBEDDER, alice.id, ["a", "b"], "la bibliothèque ferme", method="vector")
    assert all(hit.text_rank is None for hit in vector_only)


def test_a_collection_is_searched_with_the_embedder_that_filled_it(store):
    alice = store.add_user("alice")
    store.create_collection(alice.id, "autre", embedder="another-model", dimensions=384)
    with pytest.raises(InvalidRequest) as caught:
        search(store, EMBEDDER, alice.id, ["autre"], "x")
    assert "another-model" in caught.value.message("en")


def test_vectors_of_the_wrong_size_are_refused_before_anything_is_written(store):
    alice = store.add_user("alice")
    store.ensure_collection(alice.id, "c", embedder=EMBEDDER.name, dimensions=384)
    with pytest.raises(InvalidRequest):
        store.add_document(alice.id, "c", new("x.txt"), chunks_of(["un"]), np.zeros((1, 12), np.float32))
    assert store.list_documents(alice.id, "c") == []


def test_export_holds_every_passage_and_delete_all_collections_empties_them(store):
    alice = store.add_user("alice")
    add(store, alice.id, "musée", "tarifs.txt")
    exported = store.export_documents(alice.id)
    assert exported[0]["name"] == "musée"
    assert [p["text"] for p in exported[0]["documents"][0]["passages"]] == TEXTS["tarifs.txt"]
    assert store.delete_all_collections(alice.id) == 1
    assert store.list_collections(alice.id) == [] and vector_rows(store) == 0


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = rrf([1, 2, 3], [3, 1])
    assert max(fused, key=fused.get) == 1 and fused[3] > fused[2]
