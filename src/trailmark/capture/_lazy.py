"""Optional frameworks, imported only when a capture needs them."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

# module -> (name users know it by, the extra that installs it)
_PACKAGES = {
    "pyarrow": ("pyarrow", "pandas"),
    "pandas": ("pandas", "pandas"),
    "numpy": ("numpy", "pandas"),
    "sklearn": ("scikit-learn", "sklearn"),
    "torch": ("torch", "torch"),
}


def require(module: str) -> ModuleType:
    """Import an optional framework, or raise ImportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        name, extra = _PACKAGES.get(top, (top, "all"))
        raise ImportError(f"{name} is not installed: pip install 'trailmark[{extra}]'") from exc


def module_root(obj: object) -> str:
    """The top-level package an object's class comes from ("pandas", "sklearn"...)."""
    return type(obj).__module__.split(".")[0]


def class_path(cls: type) -> str:
    """The shortest dotted path a class is exported under: sklearn.ensemble.RandomForestRegressor.

    Looks for the class in each already-imported parent package of its module
    (``sklearn``, ``sklearn.ensemble``...) and falls back to the defining module.
    """
    parts = cls.__module__.split(".")
    for end in range(1, len(parts)):
        package = sys.modules.get(".".join(parts[:end]))
        if getattr(package, cls.__qualname__, None) is cls:
            return f"{'.'.join(parts[:end])}.{cls.__qualname__}"
    return f"{cls.__module__}.{cls.__qualname__}"
