"""The drift statistics, from stored profiles, against scipy and numpy on the raw samples."""

from __future__ import annotations

import math

import pytest

import trailmark as tm
from trailmark.automation import _drift
from trailmark.capture import describe_dataset

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
stats = pytest.importorskip("scipy.stats")
distance = pytest.importorskip("scipy.spatial.distance")


def profile(values, name="x"):
    return describe_dataset(pd.DataFrame({name: values})).properties


def numeric_cdfs(a, b):
    return _drift.cdf_of(profile(a)["stats"]["x"]), _drift.cdf_of(profile(b)["stats"]["x"])


@pytest.mark.parametrize("shift, scale", [(0.0, 1.0), (0.3, 1.0), (1.0, 1.5), (0.0, 2.0)])
def test_ks_from_profiles_matches_scipy_on_the_samples(shift, scale):
    rng = np.random.default_rng(11)
    a, b = rng.normal(0, 1, 4000), rng.normal(shift, scale, 3000)
    expected, actual = numeric_cdfs(a, b)
    assert _drift.ks(expected, actual) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=0.02)


@pytest.mark.parametrize("shift", [0.0, 0.25, 1.0])
def test_psi_from_profiles_matches_psi_on_the_samples(shift):
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 5000), rng.normal(shift, 1, 5000)
    expected, actual = numeric_cdfs(a, b)
    edges = _drift.psi_edges(expected)
    assert edges == pytest.approx(np.quantile(a, np.linspace(0.1, 0.9, 9)), abs=1e-9)
    bins = [-math.inf, *edges, math.inf]
    raw = _drift.psi_from_fractions(np.histogram(a, bins)[0] / len(a), np.histogram(b, bins)[0] / len(b))
    assert _drift.psi(expected, actual) == pytest.approx(raw, abs=0.01 + 0.02 * raw)


def test_psi_falls_back_to_a_histogram_for_profiles_without_quantiles():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 1, 2000), rng.normal(2, 1, 2000)
    pa, pb = profile(a)["stats"]["x"], profile(b)["stats"]["x"]
    old = [{k: v for k, v in p.items() if k != "quantiles"} for p in (pa, pb)]
    cdfs = [_drift.cdf_of(p) for p in old]
    assert cdfs[0] is not None and _drift.psi(*cdfs) > 1.0 and _drift.ks(*cdfs) > 0.6


def test_jensen_shannon_matches_scipy():
    rng = np.random.default_rng(2)
    a = rng.choice(list("abcd"), 3000, p=[0.4, 0.3, 0.2, 0.1])
    b = rng.choice(list("abcde"), 3000, p=[0.1, 0.2, 0.3, 0.3, 0.1])
    pa, pb = profile(a)["categorical"]["x"], profile(b)["categorical"]["x"]
    ca, cb = _drift.category_distribution(pa), _drift.category_distribution(pb)
    keys = sorted(set(ca) | set(cb))
    expected = distance.jensenshannon([ca.get(k, 0) for k in keys], [cb.get(k, 0) for k in keys], base=2)
    assert _drift.jensen_shannon(ca, cb) == pytest.approx(expected, abs=1e-9)
    assert _drift.jensen_shannon(ca, ca) == 0.0


def test_categories_beyond_the_kept_counts_are_summed_as_other():
    values = [f"v{i % 80}" for i in range(8000)]
    summary = profile(values)["categorical"]["x"]
    assert len(summary["counts"]) == 50 and summary["other"] == 3000
    assert sum(c for _, c in summary["counts"]) + summary["other"] == 8000


def test_compare_reports_every_check_and_the_worst_one_first():
    rng = np.random.default_rng(9)
    train = pd.DataFrame({"size": rng.normal(1500, 300, 1000), "city": rng.choice(["a", "b"], 1000),
                          "gone": rng.normal(0, 1, 1000)})
    batch = pd.DataFrame({"size": rng.normal(1500, 300, 800), "city": rng.choice(["a", "b", "c"], 800),
                          "new": rng.normal(0, 1, 800)})
    batch.loc[:399, "size"] = None  # half missing
    columns, schema = _drift.compare_profiles(describe_dataset(train).properties, describe_dataset(batch).properties,
                                              _drift.thresholds(None), training_ref="dataset:t@1")
    assert schema == {"missing": ["gone"], "added": ["new"], "changed": []}
    assert columns["gone"]["test"] == "schema" and columns["gone"]["drifted"]
    size = columns["size"]
    assert size["test"] == "null_rate" and size["drifted"] and size["statistic"] == pytest.approx(0.5)
    assert {c["test"] for c in size["checks"]} == {"psi", "ks", "null_rate"}
    assert columns["city"]["test"] == "js" and columns["city"]["drifted"]
    for found in columns.values():
        assert found["drifted"] == (found["statistic"] > found["threshold"])


def test_thresholds_are_checked():
    assert _drift.thresholds({"psi": 0.3})["psi"] == 0.3
    with pytest.raises(tm.ValidationError, match="unknown drift test 'chi'"):
        _drift.thresholds({"chi": 1})
    with pytest.raises(tm.ValidationError, match="must be a number >= 0"):
        _drift.thresholds({"psi": -1})
