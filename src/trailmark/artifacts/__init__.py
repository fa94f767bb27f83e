"""The artifact root: files and models kept by content (SHA-256), read back verified."""

from trailmark.artifacts._blob import STORED, Blob, stored_digest, stored_properties
from trailmark.artifacts._models import load_model, save_model
from trailmark.artifacts._reader import CorruptArtifactError, VerifiedReader
from trailmark.artifacts._root import ARTIFACTS_ENV, ArtifactRoot, BlobWriter, default_root_url, missing_root

__all__ = [
    "STORED",
    "Blob",
    "ARTIFACTS_ENV",
    "ArtifactRoot",
    "BlobWriter",
    "CorruptArtifactError",
    "VerifiedReader",
    "default_root_url",
    "load_model",
    "missing_root",
    "save_model",
    "stored_digest",
    "stored_properties",
]
