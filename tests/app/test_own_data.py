"""Own data: the CSV upload (app/upload.py, POST /api/data), set_points, all-train, the metrics
and the 3-class spiral."""

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import protocol, upload
from app.config import Config, InputError
from app.main import create_app
from app.session import Session
from app.settings import Settings
from engine.datasets import DATASETS

ALL_FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"]


def _session(**config) -> Session:
    return Session(Settings(), Config(seed="0.12345", **config))


def _send(session: Session, **message):
    return session.handle(protocol.parse(json.dumps(message), 1 << 20))


def test_a_csv_with_a_header_and_plus_minus_one_labels_is_read_whole():
    points = upload.parse(b"x,y,label\n1.5,-2,1\n\n-3,0.5,-1\n", "classification", 10)
    assert points.rows == [[1.5, -2.0, 1.0], [-3.0, 0.5, -1.0]]
    assert points.n_classes == 2


def test_zero_and_one_are_two_classes_and_more_classes_are_counted():
    assert upload.parse(b"0,0,1\n1,1,0\n", "classification", 10).rows == [
        [0.0, 0.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    three = upload.parse(b"0,0,0\n1,1,2\n2,2,1\n", "classification", 10)
    assert three.n_classes == 3
    assert [row[2] for row in three.rows] == [0, 2, 1]
    assert upload.parse(b"\xef\xbb\xbf0,0,0.25\n", "regression", 10).rows == [[0.0, 0.0, 0.25]]


def test_every_bad_row_is_reported_with_its_line_and_reason():
    text = b"x,y,label\n1,1,1\n2,oops,1\n3,3\n21,0,-1\n0,0,5\n1,2,-1\n"
    with pytest.raises(upload.CsvError) as caught:
        upload.parse(text, "classification", 100)
    assert caught.value.errors == [
        {"line": 3, "reason": "y is not a number"},
        {"line": 4, "reason": "expected 3 columns (x, y, label), found 2"},
        {"line": 5, "reason": "x 21 outside -20 to 20"},
        {"line": 6, "reason": "label 5 is not +1 or -1 (two classes)"},
    ]


@pytest.mark.parametrize(
    ("text", "problem", "reason"),
    [
        (b"", "classification", "the file has no points"),
        (
            b"a,b,c\n1,1,1\n",
            "classification",
            "the header must be x, y, label (and set), not a, b, c",
        ),
        (b"1,1,1\n" * 4, "classification", "the file has 4 points; a session holds at most 3"),
        (b"\xff\xfe", "classification", "the file is not UTF-8 text"),
        (b"0,0,2.5\n", "regression", "label 2.5 is not a value from -2 to 2"),
        (b"0,0,nan\n", "regression", "label is not a number"),
    ],
)
def test_files_that_cannot_be_points_say_why(text, problem, reason):
    with pytest.raises(upload.CsvError) as caught:
        upload.parse(text, problem, 3)
    assert reason in [error["reason"] for error in caught.value.errors]


def test_post_api_data_answers_the_points_or_every_problem():
    with TestClient(create_app(Settings(max_upload_bytes=2048))) as client:
        good = client.post("/api/data", files={"file": ("p.csv", b"x,y,label\n1,2,1\n3,4,-1\n")})
        bad = client.post("/api/data", files={"file": ("p.csv", b"1,2,1\n3,x,-1\n")})
        big = client.post("/api/data", files={"file": ("p.csv", b"1,2,1\n" * 500)})
        regression = client.post(
            "/api/data", files={"file": ("p.csv", b"1,2,0.5\n")}, data={"problem": "regression"}
        )
        missing = client.post("/api/data")
    assert good.status_code == 200
    assert good.json() == {
        "problem": "classification",
        "n_classes": 2,
        "points": [[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]],
        "train": None,
    }
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"line": 2, "reason": "y is not a number"}]
    assert big.status_code == 413
    assert "over the limit of 2048 bytes" in big.json()["detail"]
    assert regression.json()["points"] == [[1.0, 2.0, 0.5]]
    assert missing.status_code == 422


def test_set_points_replaces_the_data_whole_or_not_at_all():
    session = _session()
    before = session.data.points.copy()
    with pytest.raises(InputError, match=r"points\[1\]: label 3 is not \+1 or -1"):
        _send(session, type="set_points", points=[[1, 1, 1], [2, 2, 3]])
    assert np.array_equal(session.data.points, before)
    assert session.config.dataset == "circle"
    _send(session, type="set_points", points=[[1, 1, 1], [2, 2, -1], [-1, 0, 1], [0, -4, -1]])
    assert session.config.dataset == "own"
    assert session.data.points.tolist() == [[1, 1], [2, 2], [-1, 0], [0, -4]]


def test_set_points_with_another_class_count_gives_a_network_with_that_many_outputs():
    session = _session()
    reply = _send(
        session, type="set_points", points=[[1, 1, 0], [2, 2, 1], [-1, 0, 2]], n_classes=3
    )
    assert session.config.n_classes == 3
    assert session.config.output_activation == "softmax"
    assert session.net.layer_sizes[-1] == 3
    assert reply.messages[0]["type"] == "state"


def test_drawn_points_are_in_the_next_state_and_change_the_next_epochs_loss():
    twin, session = _session(all_train=True), _session(all_train=True)
    reply = _send(session, type="add_points", points=[[5, 5, -1], [5.5, 5, -1], [5, 5.5, -1]])
    assert reply.messages[0]["points"]["x"][-3:] == [5, 5.5, 5]
    assert reply.frame
    assert session.data.train[-3:].all()
    assert session.metrics["train_loss"] != twin.metrics["train_loss"]
    twin.train(1)
    session.train(1)  # the same seed, the same weights: only the three points differ
    assert session.net.parameters.values.tobytes() != twin.net.parameters.values.tobytes()


def test_all_train_leaves_no_test_set():
    session = _session()
    _send(session, type="config", changes={"all_train": True})
    assert session.data.train.all()
    assert session.metrics["test_loss"] is None
    assert session.metrics["test_accuracy"] is None
    assert session.metrics["train_accuracy"] is not None


def test_regression_reports_rmse_and_r2():
    session = _session(problem="regression", reg_dataset="reg-plane")
    session.train(200)
    metrics = session._measure()
    assert metrics["train_loss"] == pytest.approx(metrics["train_rmse"] ** 2 / 2)
    assert 0.9 < metrics["test_r2"] <= 1
    assert "train_accuracy" not in metrics


def test_the_confusion_matrices_come_on_demand():
    session = _session(dataset="blobs", n_classes=3, loss="cross_entropy")
    assert "train_confusion" not in session.metrics
    assert _send(session, type="confusion", show=True).frame
    matrix = np.array(session.metrics["train_confusion"])
    assert matrix.shape == (3, 3)
    assert matrix.sum() == len(session.data.X_train)
    accuracy = np.trace(matrix) / matrix.sum()
    assert accuracy == pytest.approx(session.metrics["train_accuracy"])
    _send(session, type="confusion", show=False)
    assert "train_confusion" not in session.metrics


def test_a_three_class_spiral_reaches_a_test_accuracy_of_0_9():
    session = Session(
        Settings(),
        Config(
            seed="1",
            dataset="spiral",
            n_classes=3,
            network_shape=[8] * 6,
            features=ALL_FEATURES,
            loss="cross_entropy",
            optimizer="adam",
            learning_rate=0.01,
            activation="relu",
        ),
    )
    for _ in range(20):
        session.train(25)
        if session._measure()["test_accuracy"] >= 0.9:
            break
    assert session._measure()["test_accuracy"] >= 0.9


def test_a_session_with_no_points_is_not_diverged_and_trains_once_points_come():
    session = _session()
    _send(session, type="clear_points")
    session.record()
    session.frame()
    assert not session.diverged
    with pytest.raises(InputError, match="no points to train on"):
        _send(session, type="play")
    _send(session, type="add_points", points=[[1, 1, 1], [-1, -1, -1], [2, 2, 1], [-2, -1, -1]])
    _send(session, type="play")
    assert session.playing
    assert session.train(1) == 1


def _every_generated_set():
    """(dataset, noise, class count) for every dataset, noise step and class count it takes."""
    for name, spec in DATASETS.items():
        for noise in range(0, 51, 5):
            for k in range(2, spec.max_classes + 1) if spec.problem == "classification" else [2]:
                yield name, spec.problem, noise, k


@pytest.mark.parametrize(("dataset", "problem", "noise", "k"), list(_every_generated_set()))
def test_every_generated_set_is_a_set_the_server_accepts_back(dataset, problem, noise, k):
    field = "dataset" if problem == "classification" else "reg_dataset"
    session = _session(problem=problem, noise=noise, n_classes=k, **{field: dataset})
    points = np.column_stack([session.data.points, np.asarray(session.data.labels)])
    _send(session, type="set_points", points=points.tolist(), n_classes=k)  # as a download
    assert session.config.active_dataset == "own"
    assert np.array_equal(session.data.points, points[:, :2])
    assert np.array_equal(np.asarray(session.data.labels, dtype=float), points[:, 2])


def test_a_point_drawn_on_the_noisiest_reg_plane_is_accepted():
    session = _session(problem="regression", reg_dataset="reg-plane", noise=50)
    assert np.abs(np.asarray(session.data.labels)).max() > 1  # the dataset's own labels pass ±1
    _send(session, type="add_points", points=[[5.9, 5.9, -1.0]])
    assert len(session.data.points) == 1201


def test_a_downloaded_file_with_its_set_column_uploads_back_with_the_same_split():
    text = b"x,y,label,set\n1,1,1,train\n2,2,-1,test\n-1,-1,1,TEST\n3,-3,-1,train\n"
    read = upload.parse(text, "classification", 100)
    assert read.rows == [[1, 1, 1], [2, 2, -1], [-1, -1, 1], [3, -3, -1]]
    assert read.train == [True, False, False, True]
    session = _session()
    _send(session, type="set_points", points=read.rows, train=read.train)
    assert session.data.train.tolist() == [True, False, False, True]
    assert upload.parse(b"1,1,1\n2,2,-1\n", "classification", 100).train is None  # the ratio


def test_a_set_column_must_say_train_or_test_on_every_row():
    text = b"x,y,label,set\n1,1,1,train\n2,2,-1,maybe\n3,3,1\n"
    with pytest.raises(upload.CsvError) as caught:
        upload.parse(text, "classification", 100)
    assert caught.value.errors == [
        {"line": 3, "reason": "set is 'maybe', not train or test"},
        {"line": 4, "reason": "expected 4 columns (x, y, label, set), found 3"},
    ]


def test_set_points_with_a_split_of_another_length_is_refused_and_changes_nothing():
    session = _session()
    before = session.data.points.copy()
    with pytest.raises(InputError) as error:
        _send(session, type="set_points", points=[[1, 1, 1], [2, 2, -1]], train=[True])
    assert error.value.field == "train"
    assert np.array_equal(session.data.points, before)


def test_a_split_survives_edits_a_snapshot_and_a_new_ratio_resplits():
    session = _session()
    points = [[1, 1, 1], [2, 2, -1], [3, 3, 1], [-2, -2, -1]]
    _send(session, type="set_points", points=points, train=[True, False, False, True])
    _send(session, type="add_points", points=[[0, 5, 1]])  # a drawn point trains
    assert session.data.train.tolist() == [True, False, False, True, True]
    _send(session, type="remove_point", near=[2, 2])
    assert session.data.train.tolist() == [True, False, True, True]
    other = _session()
    other.restore(session.snapshot())
    assert other.data.train.tolist() == [True, False, True, True]
    _send(other, type="config", changes={"perc_train": 70})
    assert other.split is None  # the person chose a ratio: it splits the points anew
    assert other.data.train.sum() == 2


@pytest.mark.parametrize(("dataset", "problem", "noise", "k"), list(_every_generated_set())[::7])
def test_every_generated_set_downloads_and_uploads_back_the_same(dataset, problem, noise, k):
    field = "dataset" if problem == "classification" else "reg_dataset"
    session = _session(problem=problem, noise=noise, n_classes=k, **{field: dataset})
    d = session.data
    labels = np.asarray(d.labels, dtype=float)
    lines = ["x,y,label,set"] + [  # as the page's pointsCsv writes it (JS prints shortest floats)
        f"{x!r},{y!r},{label!r},{'train' if t else 'test'}"
        for (x, y), label, t in zip(
            d.points.tolist(), labels.tolist(), d.train.tolist(), strict=True
        )
    ]
    read = upload.parse(("\n".join(lines) + "\n").encode(), problem, 2000)
    _send(session, type="set_points", points=read.rows, n_classes=read.n_classes, train=read.train)
    assert np.array_equal(session.data.points, d.points)
    assert np.array_equal(np.asarray(session.data.labels, dtype=float), labels)
    assert np.array_equal(session.data.train, d.train)
