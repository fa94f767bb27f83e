"""The tamper-evident audit log: entries, the hash chain, verification."""

from trailmark.audit._chain import GENESIS, AuditEntry, change_digest, entry_hash
from trailmark.audit._face import Audit
from trailmark.audit._verify import AuditReport, parse_anchor, verify

__all__ = ["GENESIS", "Audit", "AuditEntry", "AuditReport", "change_digest", "entry_hash", "parse_anchor", "verify"]
