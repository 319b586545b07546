"""Tests for engine.datasets: TF Playground's generators, ours, validation and the split."""

import math

import numpy as np
import numpy.typing as npt
import pytest

from engine.datasets import DATASETS, MAX_POINTS, generate, split

CLASSIFICATION = [name for name, spec in DATASETS.items() if spec.problem == "classification"]
REGRESSION = [name for name, spec in DATASETS.items() if spec.problem == "regression"]
MULTI_CLASS = [name for name, spec in DATASETS.items() if spec.max_classes > 2]
LABEL_ONLY_NOISE = ["circle", "xor", "checkerboard", "reg-plane", "reg-gauss"]
MOVING_NOISE = ["gauss", "spiral", "blobs", "moons"]
BALANCED_BY_CONSTRUCTION = ["gauss", "spiral", "blobs", "moons"]


def radii(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(np.hypot(points[:, 0], points[:, 1]), dtype=np.float64)


def test_registry_keys_are_tfs_six_and_ours():
    assert list(DATASETS) == [
        "circle",
        "xor",
        "gauss",
        "spiral",
        "moons",
        "checkerboard",
        "blobs",
        "reg-plane",
        "reg-gauss",
    ]


def test_default_points_are_tfs_500_and_1200():
    assert {name: spec.default_points for name, spec in DATASETS.items()} == {
        **dict.fromkeys(CLASSIFICATION, 500),
        **dict.fromkeys(REGRESSION, 1200),
    }


def test_only_blobs_and_spiral_have_more_than_two_classes():
    assert {name: spec.max_classes for name, spec in DATASETS.items() if spec.max_classes > 2} == {
        "spiral": 5,
        "blobs": 5,
    }


def test_circle_label_is_positive_exactly_within_radius_2_5_at_noise_0():
    points, labels = generate("circle", 500, 0.0, seed=1)
    np.testing.assert_array_equal(labels, np.where(radii(points) < 2.5, 1.0, -1.0))


def test_circle_inner_radii_are_in_0_to_2_5_and_outer_in_3_5_to_5():
    points, labels = generate("circle", 2000, 0.0, seed=2)
    inner, outer = radii(points[labels == 1]), radii(points[labels == -1])
    assert (len(inner), len(outer)) == (1000, 1000)
    assert inner.min() >= 0
    assert inner.max() < 2.5
    assert outer.min() >= 3.5
    assert outer.max() <= 5


def test_xor_points_are_pushed_0_3_away_from_the_axes():
    points, _ = generate("xor", 2000, 0.0, seed=3)
    assert np.abs(points).min() >= 0.3
    assert np.abs(points).max() <= 5.3


def test_xor_label_is_the_sign_of_x_times_y_at_noise_0():
    points, labels = generate("xor", 2000, 0.0, seed=4)
    np.testing.assert_array_equal(labels, np.sign(points[:, 0] * points[:, 1]))


@pytest.mark.parametrize(("noise", "sd"), [(0.0, math.sqrt(0.5)), (0.5, 2.0)])
def test_gauss_clusters_sit_at_plus_and_minus_2_2_with_sd_from_noise(noise, sd):
    # 10,000 points per cluster: the standard error of a mean is sd/100, of an sd about sd/141;
    # the tolerances are about five standard errors.
    points, labels = generate("gauss", 20_000, noise, seed=5)
    for label, centre in [(1.0, [2.0, 2.0]), (-1.0, [-2.0, -2.0])]:
        cluster = points[labels == label]
        np.testing.assert_allclose(cluster.mean(axis=0), centre, rtol=0, atol=5 * sd / 100)
        np.testing.assert_allclose(cluster.std(axis=0), [sd, sd], rtol=0, atol=5 * sd / 141)


def test_spiral_positions_follow_tfs_formula_at_noise_0():
    n = 100  # points per arm
    points, labels = generate("spiral", 2 * n, 0.0, seed=6)
    expected = []
    for delta in (0.0, math.pi):
        for i in range(n):
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + delta
            expected.append((r * math.sin(t), r * math.cos(t)))
    np.testing.assert_allclose(points, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(labels, [1.0] * n + [-1.0] * n)


def test_spiral_second_arm_is_the_first_turned_by_pi():
    points, _ = generate("spiral", 400, 0.0, seed=7)
    np.testing.assert_allclose(points[200:], -points[:200], rtol=0, atol=1e-12)


@pytest.mark.parametrize("n_classes", [3, 4, 5])
def test_spiral_arm_c_is_the_first_arm_turned_by_2_pi_c_over_k(n_classes):
    n = 60 * n_classes
    points, labels = generate("spiral", n, 0.0, seed=8, n_classes=n_classes)
    first = points[labels == 0]
    for c in range(1, n_classes):
        angle = -2 * math.pi * c / n_classes  # x = r·sin t, y = r·cos t: clockwise for +t
        rotation = np.array(
            [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]
        )
        np.testing.assert_allclose(points[labels == c], first @ rotation.T, rtol=0, atol=1e-12)


def test_spiral_noise_moves_each_coordinate_by_at_most_noise():
    clean, _ = generate("spiral", 500, 0.0, seed=9)
    noisy, _ = generate("spiral", 500, 0.5, seed=9)
    assert np.abs(noisy - clean).max() <= 0.5


def test_reg_plane_label_is_x_plus_y_over_10_at_noise_0():
    points, labels = generate("reg-plane", 1200, 0.0, seed=10)
    np.testing.assert_allclose(labels, (points[:, 0] + points[:, 1]) / 10, rtol=0, atol=1e-15)


def test_reg_plane_labels_are_unclamped_like_tf():
    _, labels = generate("reg-plane", 1200, 0.0, seed=11)
    assert labels.max() > 1.0
    assert labels.min() < -1.0


def test_reg_gauss_label_is_the_strongest_bump_at_noise_0():
    centres = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    points, labels = generate("reg-gauss", 300, 0.0, seed=12)
    expected = []
    for x, y in points:
        best = 0.0
        for cx, cy, sign in centres:
            value = sign * min(max(1 - math.hypot(x - cx, y - cy) / 2, 0.0), 1.0)
            if abs(value) > abs(best):
                best = value
        expected.append(best)
    np.testing.assert_allclose(labels, expected, rtol=0, atol=1e-12)


def test_reg_gauss_points_near_each_centre_take_its_sign():
    points, labels = generate("reg-gauss", 20_000, 0.0, seed=13)
    for cx, cy, sign in [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1)]:
        near = np.hypot(points[:, 0] - cx, points[:, 1] - cy) < 0.2
        assert near.sum() > 0
        assert (labels[near] * sign >= 0.9).all()


def test_blob_centres_are_evenly_spaced_on_a_circle_of_radius_3_5():
    # 4,000 points per blob with sd √0.5: standard error of a mean about 0.011
    points, labels = generate("blobs", 20_000, 0.0, seed=14, n_classes=5)
    angles = math.pi / 4 + 2 * math.pi * np.arange(5) / 5
    expected = 3.5 * np.column_stack((np.cos(angles), np.sin(angles)))
    means = np.array([points[labels == c].mean(axis=0) for c in range(5)])
    np.testing.assert_allclose(means, expected, rtol=0, atol=0.06)


def test_moons_lie_on_two_half_circles_of_radius_3_3_at_noise_0():
    points, labels = generate("moons", 1000, 0.0, seed=15)
    scale, middle = 3.3, np.array([0.5, 0.25])
    upper = points[labels == 1] / scale + middle  # back to unit moons
    lower = points[labels == -1] / scale + middle
    np.testing.assert_allclose(radii(upper), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(radii(lower - [1.0, 0.5]), 1.0, rtol=0, atol=1e-12)
    assert upper[:, 1].min() >= -1e-12
    assert lower[:, 1].max() <= 0.5 + 1e-12


def test_checkerboard_label_is_the_parity_of_its_2_5_wide_cell_at_noise_0():
    points, labels = generate("checkerboard", 2000, 0.0, seed=16)
    column, row = np.floor((points[:, 0] + 5) / 2.5), np.floor((points[:, 1] + 5) / 2.5)
    np.testing.assert_array_equal(labels, np.where((column + row) % 2 == 0, 1.0, -1.0))


@pytest.mark.parametrize("name", LABEL_ONLY_NOISE)
def test_noise_changes_labels_but_moves_no_point(name):
    clean_points, clean_labels = generate(name, 500, 0.0, seed=17)
    noisy_points, noisy_labels = generate(name, 500, 0.5, seed=17)
    np.testing.assert_array_equal(noisy_points, clean_points)
    assert not np.array_equal(noisy_labels, clean_labels)


@pytest.mark.parametrize("name", MOVING_NOISE)
def test_noise_moves_points(name):
    clean_points, clean_labels = generate(name, 500, 0.0, seed=18)
    noisy_points, noisy_labels = generate(name, 500, 0.5, seed=18)
    assert not np.any(noisy_points == clean_points)
    np.testing.assert_array_equal(noisy_labels, clean_labels)


@pytest.mark.parametrize("name", [*BALANCED_BY_CONSTRUCTION, "circle"])
def test_two_classes_split_an_odd_count_251_to_250(name):
    _, labels = generate(name, 501, 0.0, seed=19)
    assert (int((labels == 1).sum()), int((labels == -1).sum())) == (251, 250)


@pytest.mark.parametrize("name", MULTI_CLASS)
def test_five_classes_split_503_points_as_101_101_101_100_100(name):
    _, labels = generate(name, 503, 0.2, seed=20, n_classes=5)
    assert np.bincount(labels).tolist() == [101, 101, 101, 100, 100]


@pytest.mark.parametrize(("name", "n_classes"), [(n, k) for n in MULTI_CLASS for k in (3, 4, 5)])
def test_multi_class_labels_are_int64_class_indices_all_present(name, n_classes):
    _, labels = generate(name, 300, 0.1, seed=21, n_classes=n_classes)
    assert labels.dtype == np.int64
    assert np.unique(labels).tolist() == list(range(n_classes))


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_binary_labels_are_float64_plus_and_minus_1(name):
    points, labels = generate(name, 500, 0.3, seed=22)
    assert (points.shape, labels.shape) == ((500, 2), (500,))
    assert points.dtype == np.float64
    assert labels.dtype == np.float64
    assert np.unique(labels).tolist() == [-1.0, 1.0]


@pytest.mark.parametrize(
    ("name", "bound"),
    # reg-gauss's bumps stay in [-1, 1]; reg-plane maps x' + y' (|x'|, |y'| ≤ 6 + 6·noise) by /10
    [("reg-gauss", 1.0), ("reg-plane", 1.8)],
)
def test_regression_labels_are_float64_within_their_range(name, bound):
    points, labels = generate(name, 1200, 0.5, seed=23)
    assert points.shape == (1200, 2)
    assert labels.dtype == np.float64
    assert labels.min() >= -bound
    assert labels.max() <= bound


@pytest.mark.parametrize(("name", "n_classes"), [(n, DATASETS[n].max_classes) for n in DATASETS])
@pytest.mark.parametrize("n_points", [1, 7, 1001])
def test_exactly_n_points_are_returned(name, n_classes, n_points):
    points, labels = generate(name, n_points, 0.1, seed=24, n_classes=n_classes)
    assert (points.shape, labels.shape) == ((n_points, 2), (n_points,))


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_gives_identical_arrays(name):
    first = generate(name, 300, 0.2, seed="0.59704")
    second = generate(name, 300, 0.2, seed="0.59704")
    assert np.array_equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])


@pytest.mark.parametrize("name", DATASETS)
def test_different_seeds_give_different_points(name):
    first, _ = generate(name, 300, 0.2, seed=25)
    second, _ = generate(name, 300, 0.2, seed=26)
    assert not np.array_equal(first, second)


def test_unknown_name_is_rejected_with_the_allowed_names():
    with pytest.raises(ValueError, match=r"Unknown dataset 'ring'; allowed: circle, xor, gauss"):
        generate("ring", 500, 0.0, seed=1)


@pytest.mark.parametrize("n_points", [0, -1, MAX_POINTS + 1, 10.0, True])
def test_n_points_outside_1_to_max_points_is_rejected(n_points):
    with pytest.raises(ValueError, match=r"n_points must be an integer from 1 to 100000"):
        generate("circle", n_points, 0.0, seed=1)


@pytest.mark.parametrize("noise", [-0.01, 0.51, math.nan, "0.1"])
def test_noise_outside_0_to_0_5_is_rejected(noise):
    with pytest.raises(ValueError, match=r"noise must be a number from 0 to 0.5"):
        generate("circle", 500, noise, seed=1)


@pytest.mark.parametrize(("name", "n_classes"), [("spiral", 1), ("spiral", 6), ("circle", 3)])
def test_n_classes_outside_2_to_max_classes_is_rejected(name, n_classes):
    maximum = DATASETS[name].max_classes
    with pytest.raises(
        ValueError, match=rf"n_classes for dataset '{name}' must be .* 2 to {maximum}"
    ):
        generate(name, 500, 0.0, seed=1, n_classes=n_classes)


def test_n_classes_for_regression_accepts_only_the_default():
    with pytest.raises(ValueError, match=r"regression dataset 'reg-plane'; only the default 2"):
        generate("reg-plane", 500, 0.0, seed=1, n_classes=3)


@pytest.mark.parametrize(
    ("n", "fraction", "n_train"),
    [(500, 0.5, 250), (7, 0.5, 3), (10, 0.1, 1), (93_620, 0.7, 65_534), (4, 1.0, 4)],
)
def test_split_trains_on_the_first_floor_n_times_fraction_points(n, fraction, n_train):
    points, labels = np.zeros((n, 2)), np.zeros(n)
    train_points, train_labels, test_points, test_labels = split(points, labels, fraction, seed=1)
    assert (len(train_points), len(train_labels)) == (n_train, n_train)
    assert (len(test_points), len(test_labels)) == (n - n_train, n - n_train)


def test_split_is_a_partition_that_keeps_each_label_with_its_point():
    ids = np.arange(101)
    points, labels = np.column_stack((ids, -ids)).astype(np.float64), ids.astype(np.float64)
    train_points, train_labels, test_points, test_labels = split(points, labels, 0.3, seed=2)
    assert sorted(np.concatenate((train_labels, test_labels)).tolist()) == ids.tolist()
    np.testing.assert_array_equal(train_points[:, 0], train_labels)
    np.testing.assert_array_equal(test_points[:, 1], -test_labels)


def test_split_shuffles_by_seed():
    labels = np.arange(100.0)
    points = np.column_stack((labels, labels))
    first, second, other = (split(points, labels, 0.5, seed=s)[1] for s in (3, 3, 4))
    assert np.array_equal(first, second)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, labels[:50])


@pytest.mark.parametrize("fraction", [0.0, -0.5, 1.01, math.nan])
def test_split_rejects_train_fraction_outside_0_to_1(fraction):
    with pytest.raises(ValueError, match=r"train_fraction must be in \(0, 1\]"):
        split(np.zeros((4, 2)), np.zeros(4), fraction, seed=1)


def test_split_rejects_points_and_labels_of_different_lengths():
    with pytest.raises(ValueError, match=r"same length, not 4 and 3"):
        split(np.zeros((4, 2)), np.zeros(3), 0.5, seed=1)
