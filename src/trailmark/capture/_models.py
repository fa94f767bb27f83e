"""describe_model: what a trained model is, how it was configured and fitted, and a digest."""

from __future__ import annotations

import pickle
import sys
from typing import Any

from trailmark.capture._description import Description
from trailmark.capture._lazy import class_path, module_root
from trailmark.capture._objhash import object_digest
from trailmark.capture._sklearn import describe_estimator, is_estimator
from trailmark.capture._torch import describe_module, is_module, module_digest
from trailmark.errors import ValidationError

__all__ = ["describe_model"]


def describe_model(obj: Any) -> Description:
    """Describe a model: scikit-learn (and sklearn-API XGBoost, LightGBM...) or PyTorch.

    Any other picklable object is described by class alone, with a digest of its pickle;
    an object that cannot be pickled raises ValidationError.
    """
    if is_module(obj):
        properties = {"framework": "torch", "class": class_path(type(obj)), **describe_module(obj)}
        return Description(module_digest(obj), properties)
    if is_estimator(obj):
        return _describe_estimator(obj)
    return _describe_unknown(obj)


def _describe_estimator(estimator: Any) -> Description:
    root = module_root(estimator)
    properties = {"framework": root, "library_version": _version(root), **describe_estimator(estimator)}
    try:
        digest = object_digest(estimator)
    except (TypeError, ValueError, RecursionError, pickle.PicklingError) as exc:
        raise ValidationError(f"cannot digest model of type {class_path(type(estimator))}: {exc}") from exc
    return Description(digest, properties)


def _describe_unknown(obj: Any) -> Description:
    name = class_path(type(obj))
    try:
        data = pickle.dumps(obj, protocol=4)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ValidationError(
            f"cannot describe model of type {name}: not a scikit-learn estimator or torch module, "
            f"and not picklable ({exc})"
        ) from exc
    from trailmark.hashing import digest_bytes

    return Description(digest_bytes(data), {"framework": "unknown", "class": name})


def _version(root: str) -> str | None:
    module = sys.modules.get(root)
    version = getattr(module, "__version__", None)
    return str(version) if version is not None else None
