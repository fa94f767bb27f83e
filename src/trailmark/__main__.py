"""``python -m trailmark`` is the ``trailmark`` command."""

from trailmark.cli import main

main()
