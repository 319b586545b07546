"""A session that is not playing holds its state and little else (issue #17: a thousand open
embeds must fit in a small server): grids and reusable buffers go when it stops."""

import gc
import tracemalloc
from collections.abc import Callable

from app.session import Session
from app.settings import Settings
from app.store import SessionStore
from tests.app.sessions import new_session, param_bytes, send, visible

IDLE_LIMIT = 200 * 1024  # bytes a default session may hold at rest (benchmarks/load.py: RSS)


def held(make: Callable[[], Session], count: int = 5) -> float:
    """The bytes each session made by `make` still holds, on average."""
    make()  # one-time costs (imports, caches of numpy's) are not the sessions'
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [make() for _ in range(count)]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(kept) == count
    return (after - before) / count


def played_then_paused() -> Session:
    session = new_session()
    send(session, type="play")
    session.train(3)
    session.frame()
    send(session, type="pause")
    session.frame()
    return session


def test_a_new_session_that_sent_its_first_frame_holds_little() -> None:
    def opened() -> Session:
        session = new_session()
        session.frame()
        return session

    assert held(opened) < IDLE_LIMIT


def test_a_session_that_played_and_paused_holds_little_too() -> None:
    assert held(played_then_paused) < IDLE_LIMIT


def freed_by(prepare: Callable[[], Session], settle: Callable[[Session], object]) -> int:
    """Bytes let go when `settle` runs on a session `prepare` made."""
    prepare()
    gc.collect()
    tracemalloc.start()
    try:
        session = prepare()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        settle(session)
        gc.collect()
        return before - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def playing() -> Session:
    session = new_session()
    send(session, type="play")
    session.train(3)
    session.frame()
    return session


def test_pausing_lets_go_of_the_grids_and_buffers_playing_kept() -> None:
    def pause(session: Session) -> None:
        send(session, type="pause")
        session.frame()

    assert freed_by(playing, pause) > 500 * 1024  # the 100 × 100 grid's features and buffers


def test_a_parked_session_rests_until_its_client_comes_back() -> None:
    store = SessionStore(Settings(resume_grace_s=60))

    def held_and_playing() -> Session:
        holder, _ = store.open(None)
        session = holder.session
        send(session, type="play")
        session.train(3)
        session.frame()
        return session

    def park(session: Session) -> None:
        store.release(store.active[session.token])

    assert freed_by(held_and_playing, park) > 500 * 1024
    token = next(iter(store.parked))
    again, resumed = store.open(token)
    assert resumed
    assert again.session.playing
    assert again.session.frame()  # and it draws again


def test_a_rested_session_trains_and_draws_as_if_it_had_never_rested() -> None:
    rested, kept = playing(), playing()
    rested.rest()
    for session in (rested, kept):
        session.train(2)
    assert param_bytes(rested) == param_bytes(kept)
    assert rested.frame() == kept.frame()
    assert visible(rested) == visible(kept)
