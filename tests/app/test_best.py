"""Learning versus memorizing: the best test loss a session keeps, Restore best, early stopping."""

import json

import numpy as np
import pytest

from app import protocol
from app.config import Config, InputError
from app.session import Session
from app.settings import Settings
from engine import Network
from engine.checkpoint import put_back, take

# Few, noisy training points and a big network: the test loss reaches its lowest within a few
# dozen epochs (seed 0.5: epoch 24) and then climbs while the training loss keeps falling.
OVERFITS = {
    "seed": "0.5",
    "dataset": "xor",
    "noise": 50,
    "perc_train": 10,
    "network_shape": [8, 8],
    "learning_rate": 0.3,
}


def _session(**config) -> Session:
    return Session(Settings(), Config(**{**OVERFITS, **config}))


def _send(session: Session, **message):
    return session.handle(protocol.parse(json.dumps(message), 1 << 20))


def _test_losses(epochs: int) -> list[float]:
    """The test loss after each epoch of a twin session, epoch by epoch (index 0: untrained)."""
    twin = _session()
    losses = [twin.metrics["test_loss"]]
    for _ in range(epochs):
        twin.train(1)
        losses.append(twin.net.score(twin.data.X_test, twin.data.Y_test)[0])
    return losses


def test_with_early_stopping_the_session_keeps_the_lowest_test_loss_of_every_epoch():
    session = _session(early_stopping=1000)
    session.train(120)
    session.record()
    losses = _test_losses(120)
    lowest = int(np.argmin(losses))
    assert 0 < lowest < 100  # the network overfits: the best is well behind it
    assert session.metrics["best_epoch"] == lowest
    assert session.metrics["best_test_loss"] == losses[lowest]
    assert session.metrics["test_loss"] > losses[lowest]


def test_without_early_stopping_the_best_is_the_lowest_of_the_measured_test_losses():
    # Measuring after every epoch would cost speed "max" a tenth of its epochs: the best is
    # of what the frames measured (the chart's points), here every 10th epoch.
    session = _session()
    for _ in range(12):
        session.train(10)
        session.record()
    losses = _test_losses(120)
    measured = {epoch: losses[epoch] for epoch in range(0, 121, 10)}
    lowest = min(measured, key=lambda epoch: measured[epoch])
    assert session.metrics["best_epoch"] == lowest
    assert session.metrics["best_test_loss"] == measured[lowest]


def test_restore_best_gives_back_the_best_test_loss_its_epoch_and_its_history():
    session = _session()
    for _ in range(12):
        session.train(10)
        session.record()
    best_loss, best_epoch = session.metrics["best_test_loss"], session.metrics["best_epoch"]
    reply = _send(session, type="restore_best")
    assert [m["type"] for m in reply.messages] == ["state", "snapshot"]
    assert session.net.epoch == best_epoch
    assert session.metrics["test_loss"] == best_loss  # bit for bit: the same weights
    assert reply.messages[0]["epoch"] == best_epoch
    assert all(epoch <= best_epoch for epoch, _, _ in session.history)
    assert not session.playing


def test_training_on_after_restore_best_retraces_the_same_epochs():
    session, twin = _session(), _session()
    session.train(60)
    session.record()
    best_epoch = session.metrics["best_epoch"]
    _send(session, type="restore_best")
    twin.train(best_epoch)
    assert session.net.parameters.values.tobytes() == twin.net.parameters.values.tobytes()
    session.train(5)
    twin.train(5)  # the same weights, optimizer state and shuffling generator: the same steps
    assert session.net.parameters.values.tobytes() == twin.net.parameters.values.tobytes()


@pytest.mark.parametrize("patience", [1, 10, 30])
def test_early_stopping_pauses_after_patience_epochs_without_a_lower_test_loss(patience):
    session = _session(early_stopping=patience)
    _send(session, type="play")
    while session.playing:
        session.train(7)
    losses = _test_losses(session.net.epoch)
    best = int(np.argmin(losses))
    assert session.net.epoch == best + patience
    assert min(losses[best + 1 :]) > losses[best]
    for earlier in range(patience, session.net.epoch):  # no earlier wait was as long
        assert min(losses[: earlier - patience + 1]) > min(losses[: earlier + 1])


def test_early_stopping_off_trains_past_the_best():
    session = _session(early_stopping=0)
    _send(session, type="play")
    assert session.train(200) == 200
    assert session.playing


def test_early_stopping_is_a_setting_that_keeps_the_network():
    session = _session()
    session.train(5)
    before = session.net.parameters.values.tobytes()
    _send(session, type="config", changes={"early_stopping": 25})
    assert session.config.early_stopping == 25
    assert session.net.parameters.values.tobytes() == before
    assert session.snapshot()["config"]["early_stopping"] == 25


@pytest.mark.parametrize("value", [-1, 10_001, 2.5, "ten", True])
def test_early_stopping_out_of_range_is_refused_naming_the_field(value):
    session = _session()
    with pytest.raises(InputError) as error:
        _send(session, type="config", changes={"early_stopping": value})
    assert error.value.field == "changes.early_stopping"
    assert session.config.early_stopping == 0


def test_the_range_is_said_in_the_message():
    with pytest.raises(InputError, match="0 \\(off\\) or 1 to 10000 epochs"):
        _send(_session(), type="config", changes={"early_stopping": 20_000})


def test_without_test_points_there_is_no_best_and_restore_best_says_why():
    session = _session(all_train=True)
    session.train(5)
    session.record()
    assert session.metrics["best_test_loss"] is None
    with pytest.raises(InputError, match="no test points"):
        _send(session, type="restore_best")


@pytest.mark.parametrize("change", [{"type": "reset"}, {"type": "regenerate"}])
def test_a_new_network_or_new_points_start_the_best_afresh(change):
    session = _session()
    session.train(40)
    session.record()
    _send(session, **change)
    assert session.metrics["best_test_loss"] == session.metrics["test_loss"]
    assert session.metrics["best_epoch"] == session.net.epoch


def test_a_checkpoint_taken_again_reuses_its_arrays_and_goes_back_bit_for_bit():
    net = Network([2, 3, 1], seed=1, optimizer="adam")
    X, Y = np.random.default_rng(0).normal(size=(20, 2)), np.ones(20)
    net.train_epoch(X, Y)
    first = take(net)
    values = first.values
    net.train_epoch(X, Y)
    again = take(net, first)
    assert again is first
    assert again.values is values
    assert again.epoch == 2
    saved = net.parameters.values.copy()
    net.train_epoch(X, Y)
    net.optimizer = "sgd"
    put_back(net, again)
    assert net.parameters.values.tobytes() == saved.tobytes()
    assert net.epoch == 2
    assert all(not state.any() for state in net.optimizer_state.values())
