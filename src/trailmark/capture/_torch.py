"""PyTorch modules: layers, parameter shapes and counts; digest over the state dict."""

from __future__ import annotations

import hashlib
from typing import Any

from trailmark.capture._lazy import class_path

MAX_LAYERS = 500


def is_module(obj: object) -> bool:
    """Whether ``obj`` is a ``torch.nn.Module`` (checked without importing torch)."""
    return any(cls.__module__ == "torch.nn.modules.module" and cls.__name__ == "Module" for cls in type(obj).__mro__)


def describe_module(module: Any) -> dict[str, Any]:
    """Layers (leaf modules and modules holding parameters directly) and parameter counts."""
    import torch

    layers = []
    for name, child in module.named_modules():
        own = dict(child.named_parameters(recurse=False))
        if name and (own or not any(True for _ in child.children())):
            layers.append({
                "name": name,
                "class": class_path(type(child)),
                "parameters": {key: list(p.shape) for key, p in own.items()},
                "trainable": sum(p.numel() for p in own.values() if p.requires_grad),
            })
    params = list(module.parameters())
    out: dict[str, Any] = {
        "parameters": {"total": sum(p.numel() for p in params),
                       "trainable": sum(p.numel() for p in params if p.requires_grad)},
        "dtypes": sorted({str(p.dtype).removeprefix("torch.") for p in params}),
        "training": bool(module.training),
        "library_version": torch.__version__,
        "layers": layers[:MAX_LAYERS],
    }
    if len(layers) > MAX_LAYERS:
        out["layers_truncated"] = len(layers)
    return out


def module_digest(module: Any) -> str:
    """SHA-256 over the class and each state-dict entry: key, dtype, shape, bytes, in key order."""
    import torch

    sha = hashlib.sha256(class_path(type(module)).encode() + b"\n")
    for key, value in module.state_dict().items():
        if not isinstance(value, torch.Tensor):
            sha.update(f"{key}={value!r}\n".encode())
            continue
        tensor = value.detach().to("cpu").contiguous()
        sha.update(f"{key}:{tensor.dtype!s}:{list(tensor.shape)}\n".encode())
        sha.update(tensor.reshape(-1).view(torch.uint8).numpy().data)
    return "sha256:" + sha.hexdigest()
