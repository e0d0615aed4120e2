"""The command line's exit codes (README, "Quick start")."""

from __future__ import annotations

#: Exit codes: success; an internal error (a bug); invalid input or usage; a ``run --check``
#: that found a missed target or a shortfall.
EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_CHECK_FAILED = 0, 1, 2, 4
