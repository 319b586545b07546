"""Export and import: the model file (a snapshot) round trip, POST /api/model and the numpy
snippet."""

import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import protocol
from app.config import Config
from app.main import create_app
from app.session import Session
from app.settings import Settings
from engine.features import transform

FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"]


def _trained(**config) -> Session:
    session = Session(Settings(), Config(seed="0.25", **config))
    session.train(20)
    return session


def test_export_then_import_gives_the_weights_bit_for_bit_and_training_goes_on_the_same():
    exported = _trained(optimizer="adam", network_shape=[5, 3])
    text = json.dumps(exported.snapshot())  # the file the page saves
    with TestClient(create_app()) as client:
        checked = client.post("/api/model", content=text)
    assert checked.status_code == 200
    assert checked.json() == {"ok": True, "epoch": 20, "layer_sizes": [2, 5, 3, 1]}
    imported = Session(Settings())
    restore = {"type": "restore", "snapshot": json.loads(text)}
    imported.handle(protocol.parse(json.dumps(restore), 1 << 22))
    assert imported.net.parameters.values.tobytes() == exported.net.parameters.values.tobytes()
    exported.train(5)
    imported.train(5)
    assert imported.net.parameters.values.tobytes() == exported.net.parameters.values.tobytes()


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"{not json", 422, "not JSON"),
        (b"[" * 1500 + b"]" * 1500, 422, "nested too deeply"),
        (b"[1, 2]", 422, "a JSON object"),
        (b'{"format": 7}', 422, "snapshot.format"),
        (b'{"format": 1, "config": {"learning_rate": -1}}', 422, "learning_rate"),
        (b" " * 5000, 413, "over the limit of 4096 bytes"),
    ],
)
def test_a_bad_model_file_is_refused_with_what_is_wrong(body, status, says):
    with TestClient(create_app(Settings(max_message_bytes=4096))) as client:
        response = client.post("/api/model", content=body)
    assert response.status_code == status
    assert says in json.dumps(response.json())


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"activation": "relu", "dataset": "spiral", "n_classes": 3, "features": FEATURES},
        {"activation": "sigmoid", "problem": "regression", "network_shape": [6]},
        {"activation": "linear", "loss": "cross_entropy", "network_shape": []},
    ],
)
def test_the_python_snippet_computes_the_networks_output(config):
    session = _trained(**config)
    with TestClient(create_app()) as client:
        response = client.post("/api/model/python", content=json.dumps(session.snapshot()))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    assert "lernmi_model.py" in response.headers["content-disposition"]
    namespace: dict[str, Any] = {}
    exec(compile(response.text, "lernmi_model.py", "exec"), namespace)
    rng = np.random.default_rng(0)
    points = rng.uniform(-6, 6, size=(20, 2))
    expected = session.net.predict(transform(points, session.config.features))
    for point, want in zip(points, expected, strict=True):
        np.testing.assert_allclose(namespace["output"](*point), want, rtol=0, atol=1e-12)
