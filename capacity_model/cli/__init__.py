"""Command line: ``capacity-model run|validate|plan|compare|sweep|solve|init|schema``.

The one error boundary of the package: :func:`main` turns the package's own
errors into messages on stderr and an exit code (0 success, 2 invalid input
or usage, 4 a ``run --check`` that found a missed target or a shortfall,
1 internal error). Anything else is a bug and keeps its traceback.

Each command has its module: :mod:`.run` (run, watch), :mod:`.plan` (plan, validate),
:mod:`.studies` (compare, sweep, solve), :mod:`.fit`, :mod:`.editing` (init, schema); what
they share is in :mod:`.scenarios`, :mod:`.console` and :mod:`.text`; the grammar in
:mod:`.parser` and :mod:`.arguments`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..errors import CapacityModelError, ScenarioError
from ..signals import STOPPED_MESSAGE, Terminated, exit_code, sigterm_raises
from .arguments import join_signed_values
from .console import echo
from .editing import init_command, schema_command
from .exit_codes import EXIT_INVALID
from .fit import fit_command
from .parser import build_parser
from .plan import plan_command, validate_command
from .run import run_command, watch_command
from .studies import compare_command, solve_command, sweep_command

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = build_parser().parse_args(join_signed_values(sys.argv[1:] if argv is None else argv))
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    command = {
        "run": run_command,
        "plan": plan_command,
        "validate": validate_command,
        "compare": compare_command,
        "sweep": sweep_command,
        "solve": solve_command,
        "fit": fit_command,
        "init": init_command,
        "schema": schema_command,
        "watch": watch_command,
    }[arguments.command]
    try:
        with sigterm_raises():
            return command(arguments)
    except ScenarioError as error:
        if arguments.debug:
            raise
        for problem in error.problems:
            echo(problem, file=sys.stderr)
        return EXIT_INVALID
    except CapacityModelError as error:
        if arguments.debug:
            raise
        echo(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except (KeyboardInterrupt, Terminated) as stop:
        echo(STOPPED_MESSAGE, file=sys.stderr)
        return exit_code(stop)
