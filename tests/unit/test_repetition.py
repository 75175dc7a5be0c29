"""The runaway-repetition guard: a loop is caught within a few repeats; prose, lists and code are not."""

from __future__ import annotations

from causerie.engines.repetition import RepetitionGuard


def feed_all(text: str, step: int = 7) -> bool:
    guard = RepetitionGuard()
    return any(guard.feed(text[i:i + step]) for i in range(0, len(text), step))


def test_a_looping_line_is_caught():
    assert feed_all("Voici la lettre.\n" + "Je vous prie d'agréer mes salutations.\n" * 8)


def test_a_looping_word_is_caught():
    assert feed_all("Bonjour. " + "Merci. " * 12)


def test_prose_a_list_and_code_are_not_loops():
    prose = ("La Révolution française commence en 1789. Les états généraux se réunissent à Versailles, puis "
             "le peuple de Paris prend la Bastille le 14 juillet. ") * 2
    items = "".join(f"- point {i} : vérifier la facture\n" for i in range(20))
    code = "def f(x):\n    return x\n\n" + "".join(f"assert f({i}) == {i}\n" for i in range(30))
    dots = "Chargement" + "." * 300
    assert not any(feed_all(text) for text in (prose, items, code, dots))
