"""``python -m capacity_model``: the same as the ``capacity-model`` command."""

import sys

from .cli import main

sys.exit(main())
