"""Tests for engine.features: the formulas, column order, the heatmap grid and validation."""

import math
from collections.abc import Callable

import numpy as np
import pytest

from engine.features import FEATURES, grid, transform

POINTS = np.array([[0.5, -2.0], [3.0, 1.5], [-1.25, 0.0]])
FORMULAS: dict[str, Callable[[float, float], float]] = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "xSquared": lambda x, y: x**2,
    "ySquared": lambda x, y: y**2,
    "xTimesY": lambda x, y: x * y,
    "sinX": lambda x, y: math.sin(x),
    "sinY": lambda x, y: math.sin(y),
    "cosX": lambda x, y: math.cos(x),
    "cosY": lambda x, y: math.cos(y),
}


def test_registry_follows_tfs_input_order_then_the_cosines():
    assert list(FEATURES) == list(FORMULAS)


def test_labels_name_the_formulas_with_subscripts():
    assert [feature.label for feature in FEATURES.values()] == [
        "X₁",
        "X₂",
        "X₁²",
        "X₂²",
        "X₁X₂",
        "sin(X₁)",
        "sin(X₂)",
        "cos(X₁)",
        "cos(X₂)",
    ]


@pytest.mark.parametrize("name", FORMULAS)
def test_each_feature_computes_its_formula(name):
    expected = [[FORMULAS[name](x, y)] for x, y in POINTS.tolist()]
    np.testing.assert_allclose(transform(POINTS, [name]), expected, rtol=1e-15, atol=0)


def test_cos_features_are_real_cosines():
    result = transform([[0.0, math.pi], [math.pi / 3, 0.0]], ["cosX", "cosY"])
    np.testing.assert_allclose(result, [[1.0, -1.0], [0.5, 1.0]], rtol=0, atol=1e-15)


def test_columns_follow_the_order_of_the_names():
    result = transform(POINTS, ["xTimesY", "y", "x"])
    np.testing.assert_array_equal(
        result, np.column_stack((POINTS[:, 0] * POINTS[:, 1], POINTS[:, 1], POINTS[:, 0]))
    )


def test_transform_returns_float64_of_shape_n_by_names():
    result = transform([[1, 2], [3, 4]], list(FEATURES))
    assert result.shape == (2, 9)
    assert result.dtype == np.float64


def test_transform_of_no_points_has_no_rows():
    assert transform(np.zeros((0, 2)), ["x", "sinY"]).shape == (0, 2)


def test_unknown_feature_is_rejected_with_the_allowed_names():
    with pytest.raises(ValueError, match=r"Unknown feature 'tanX'; allowed: x, y, xSquared"):
        transform(POINTS, ["x", "tanX"])


def test_repeated_feature_is_rejected():
    with pytest.raises(ValueError, match=r"must not repeat a feature"):
        transform(POINTS, ["x", "y", "x"])


def test_no_features_is_rejected():
    with pytest.raises(ValueError, match=r"at least one feature"):
        transform(POINTS, [])


def test_a_bare_string_of_names_is_rejected():
    with pytest.raises(ValueError, match=r"not the string 'xy'"):
        transform(POINTS, "xy")


@pytest.mark.parametrize("points", [np.zeros((3, 3)), np.zeros(2), np.zeros((1, 2, 2))])
def test_points_not_of_shape_n_by_2_are_rejected(points):
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\)"):
        transform(points, ["x"])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_points_that_are_not_finite_are_rejected(bad):
    with pytest.raises(ValueError, match=r"points must be finite"):
        transform([[0.0, 1.0], [bad, 2.0]], ["x"])


def test_grid_has_density_squared_points():
    assert grid().shape == (10_000, 2)


def test_grid_corners_are_the_domain_corners_top_left_first():
    points = grid(100, 6.0)
    assert points[0].tolist() == [-6.0, 6.0]
    assert points[99].tolist() == [6.0, 6.0]
    assert points[-100].tolist() == [-6.0, -6.0]
    assert points[-1].tolist() == [6.0, -6.0]


def test_grid_is_row_major_with_y_decreasing_down_the_image():
    np.testing.assert_array_equal(
        grid(3, 1.0),
        [[-1, 1], [0, 1], [1, 1], [-1, 0], [0, 0], [1, 0], [-1, -1], [0, -1], [1, -1]],
    )


def test_grid_point_j_i_is_at_tfs_heatmap_scale():
    density, domain = 7, 2.5
    points = grid(density, domain)
    for j in range(density):
        for i in range(density):
            x = -domain + 2 * domain * i / (density - 1)
            y = domain - 2 * domain * j / (density - 1)
            assert points[j * density + i].tolist() == [x, y]


@pytest.mark.parametrize("density", [1, 0, -3, 2.5, True])
def test_grid_density_below_2_is_rejected(density):
    with pytest.raises(ValueError, match=r"density must be an integer of at least 2"):
        grid(density)


@pytest.mark.parametrize("domain", [0.0, -1.0, math.nan, math.inf])
def test_grid_domain_that_is_not_positive_and_finite_is_rejected(domain):
    with pytest.raises(ValueError, match=r"domain must be a positive finite number"):
        grid(10, domain)
