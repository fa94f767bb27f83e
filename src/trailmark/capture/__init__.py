"""Automatic capture: metadata and digests read from datasets, models and the environment.

Every function here is pure (no store involved) and imports its framework lazily, so
``import trailmark.capture`` needs neither pandas, NumPy, Arrow, scikit-learn nor torch.
"""

from __future__ import annotations

from trailmark.capture._datasets import DatasetOptions, describe_dataset
from trailmark.capture._description import Description
from trailmark.capture._evaluate import classification_metrics, regression_metrics
from trailmark.capture._models import describe_model
from trailmark.capture._validate import validate_data
from trailmark.capture.environment import capture_environment

__all__ = [
    "DatasetOptions",
    "Description",
    "capture_environment",
    "classification_metrics",
    "describe_dataset",
    "describe_model",
    "regression_metrics",
    "validate_data",
]
