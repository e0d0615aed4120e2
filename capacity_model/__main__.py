"""``python -m capacity_model`` and the ``capacity-model`` command.

The entry point imports the command line inside the signal guard, so a Ctrl-C or
SIGTERM while the libraries load (matplotlib takes about a second) ends with the
same one line and exit code as it does once a command is running.
"""

import sys

from .signals import STOPPED_MESSAGE, Terminated, exit_code, sigterm_raises


def entry() -> int:
    """Import and run the command line; return its exit code."""
    try:
        with sigterm_raises():
            from .cli import main

            return main()
    except (KeyboardInterrupt, Terminated) as stop:  # reached only before a command starts
        print(STOPPED_MESSAGE, file=sys.stderr)
        return exit_code(stop)


if __name__ == "__main__":
    sys.exit(entry())
