"""Anchor workloads: scripts run in the anchors' own virtual environments (see bench._anchors)."""
