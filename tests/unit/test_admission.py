"""The queue in front of an engine's slots (engines/admission.py), driven through `Engine.stream` with
FakeEngines: first come first served, a request that leaves while it waits costs nothing, a full queue or a
long wait is a 503 with Retry-After, and the counts are what really runs."""

from __future__ import annotations

import threading
import time

import pytest

from causerie.engines.admission import Admission
from causerie.engines.base import GenerationRequest
from causerie.engines.fake import FakeEngine
from causerie.errors import ServerBusy


def ask(**kwargs: object) -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": "Bonjour"}], **kwargs)


def hold(engine: FakeEngine, count: int) -> list[tuple[GenerationRequest, object]]:
    """`count` generations started and left open (each holds a slot until it is closed)."""
    held = []
    for _ in range(count):
        request = ask()
        stream = engine.stream(request)
        assert next(stream).text  # admitted at once: the first chunk is output
        held.append((request, stream))
    return held


def wait_until(predicate, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_a_free_slot_admits_at_once_and_counts_what_runs():
    engine = FakeEngine(replies=["un deux trois"] * 2, slots=2)
    held = hold(engine, 2)
    load = engine.admission.load()
    assert (load.running, load.busy_slots, load.queued) == (2, 2, 0)
    for _, stream in held:
        stream.close()
    assert engine.admission.load().running == 0 and engine.active == 0


def test_a_request_waits_in_line_and_says_so_then_gets_the_freed_slot():
    engine = FakeEngine(replies=["a b c"] * 3, slots=1)
    [(_, first)] = hold(engine, 1)
    waiting = engine.stream(ask())
    signal = next(waiting)
    assert signal.waiting is not None and signal.waiting.stage == "queued" and signal.waiting.position == 1
    assert engine.admission.load().queued == 1
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.extend(chunk.text for chunk in waiting))
    reader.start()
    time.sleep(0.15)
    assert not got, "admitted while the only slot was busy"
    first.close()  # the slot frees: the waiting request runs
    reader.join(timeout=5)
    assert "".join(got) == "a b c"
    assert engine.admission.load().running == 0


def test_first_come_first_served():
    engine = FakeEngine(replies=["x"] * 4, slots=1)
    [(_, first)] = hold(engine, 1)
    order: list[int] = []

    def run(number: int) -> None:
        for chunk in engine.stream(ask()):
            if chunk.text:
                order.append(number)

    threads = []
    for number in range(3):
        threads.append(threading.Thread(target=run, args=(number,)))
        threads[-1].start()
        wait_until(lambda n=number: engine.admission.load().queued == n + 1)
    first.close()
    for thread in threads:
        thread.join(timeout=5)
    assert order == [0, 1, 2]


def test_a_request_cancelled_while_it_waits_leaves_the_queue_and_never_reaches_the_engine():
    engine = FakeEngine(slots=1)
    held = hold(engine, 1)  # noqa: F841 - kept: a collected stream would free its slot
    request = ask()
    stream = engine.stream(request)
    assert next(stream).waiting is not None
    done = threading.Event()
    threading.Thread(target=lambda: (list(stream), done.set())).start()
    request.cancel.set()
    assert done.wait(2), "the waiting request did not leave when cancelled"
    assert engine.admission.load().queued == 0
    assert request not in engine.requests


def test_closing_a_waiting_stream_frees_its_place():
    engine = FakeEngine(slots=1)
    held = hold(engine, 1)  # noqa: F841 - kept: a collected stream would free its slot
    stream = engine.stream(ask())
    next(stream)
    stream.close()  # the consumer went away at the `queued` chunk
    assert engine.admission.load().queued == 0


def test_a_parent_cancel_reaches_a_waiting_request():
    engine = FakeEngine(slots=1)
    held = hold(engine, 1)  # noqa: F841 - kept: a collected stream would free its slot
    skill_cancel = threading.Event()
    stream = engine.stream(ask(parent_cancel=skill_cancel))
    next(stream)
    skill_cancel.set()
    assert list(stream) == []


def test_a_full_queue_refuses_with_retry_after_naming_the_limit():
    engine = FakeEngine(slots=1)
    engine.admission.configure(max_queue=1, queue_timeout=None)
    refused: list[str] = []
    engine.admission.on_refuse = refused.append
    held = hold(engine, 1)  # noqa: F841 - kept: a collected stream would free its slot
    in_line = engine.stream(ask())
    next(in_line)  # takes the one place in line
    with pytest.raises(ServerBusy) as caught:
        next(engine.stream(ask()))
    error = caught.value
    assert error.status == 503 and error.code == "server_busy"
    assert int(error.headers["Retry-After"]) >= 1
    for lang in ("fr", "en"):
        assert "max_queue = 1" in error.message(lang) and "CAUSERIE_MAX_QUEUE" in error.message(lang)
    assert refused == ["queue_full"]


def test_no_queue_at_all_refuses_as_soon_as_the_slots_are_taken():
    engine = FakeEngine(slots=2)
    engine.admission.configure(max_queue=0, queue_timeout=None)
    held = hold(engine, 2)  # noqa: F841 - kept: a collected stream would free its slot
    with pytest.raises(ServerBusy):
        next(engine.stream(ask()))


def test_waiting_too_long_is_a_503_and_frees_the_place():
    engine = FakeEngine(slots=1)
    engine.admission.configure(max_queue=4, queue_timeout=0.2)
    waits: list[float] = []
    engine.admission.on_wait = waits.append
    held = hold(engine, 1)  # noqa: F841 - kept: a collected stream would free its slot
    stream = engine.stream(ask())
    next(stream)
    with pytest.raises(ServerBusy) as caught:
        next(stream)
    assert caught.value.key == "api.queue_timeout" and "0.2" in caught.value.message("en")
    assert engine.admission.load().queued == 0 and waits == []


def test_n_choices_take_n_slots():
    engine = FakeEngine(replies=["a", "b", "c"], slots=3)
    [(_, single)] = hold(engine, 1)
    stream = engine.stream(ask(n=3))
    assert next(stream).waiting is not None  # 1 + 3 > 3 slots: it waits
    single.close()
    assert next(stream).text == "b"  # the held request took "a"
    assert engine.admission.load().busy_slots == 3
    stream.close()
    assert engine.admission.load().busy_slots == 0


def test_the_wait_is_reported_to_the_observer():
    engine = FakeEngine(replies=["a", "b"], slots=1)
    waits: list[float] = []
    engine.admission.on_wait = waits.append
    [(_, first)] = hold(engine, 1)
    stream = engine.stream(ask())
    next(stream)
    threading.Timer(0.1, first.close).start()
    assert next(stream).text == "b"
    assert len(waits) == 1 and waits[0] >= 0.05


def test_a_stall_is_measured_only_while_work_runs():
    now = [100.0]
    admission = Admission(slots=2, clock=lambda: now[0])
    assert admission.load().stalled_s == 0
    request = ask()
    assert list(admission.enter(request)) == []  # admitted: nothing to yield
    now[0] += 7
    assert admission.load().stalled_s == 7
    admission.note_activity()
    assert admission.load().stalled_s == 0
    admission.leave(request)
    now[0] += 50
    assert admission.load().stalled_s == 0  # idle is not stalled
