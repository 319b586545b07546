"""The registries the page builds its controls, labels, URL hash and texts from: the engine's
features and activations and the configuration's fields, sent once with the page (templates/
index.html carries them as JSON), so a feature or an activation is added in one Python module."""

from typing import Any

from app.config import Config, config_schema
from app.settings import Settings
from engine.activations import ACTIVATIONS
from engine.features import FEATURES

# TF Playground writes its features into a link in this order (its State's fields); features it
# does not have follow, in the registry's order.
TF_HASH_ORDER = ("x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY")


def registry(settings: Settings) -> dict[str, Any]:
    """Every feature, every activation and every configuration field with its range and default."""
    ours = [name for name in FEATURES if name not in TF_HASH_ORDER]
    defaults = Config().model_dump()
    return {
        "features": [
            {"name": f.name, "label": f.label, "formula": f.formula, "thumbnail": list(f.thumbnail)}
            for f in FEATURES.values()
        ],
        "hash_features": [name for name in TF_HASH_ORDER if name in FEATURES] + ours,
        "activations": [
            {
                "name": a.name,
                "label": a.label,
                "formula": a.formula,
                "derivative": a.der_formula,
                "hidden": a.hidden,
                "output": a.output,
                "normalized": a.normalized,
            }
            for a in ACTIVATIONS.values()
        ],
        "fields": {
            name: {key: value for key, value in field.items() if key != "title"}
            | {"default": defaults[name]}
            for name, field in config_schema(settings)["properties"].items()  # type: ignore[attr-defined]
        },
    }
