"""Turn a :class:`~capacity_model.engine.Projection` into files: PDF, CSV, JSON.

``figures`` builds matplotlib figures (object API only, returned, never shown);
``files`` writes every output of a run into a folder, all or nothing.
"""

from .files import OUTPUT_FILES, write_outputs

__all__ = ["OUTPUT_FILES", "write_outputs"]
