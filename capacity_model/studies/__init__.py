"""Studies of many runs: side-by-side comparison, parameter sweeps and inverse questions.

Each study builds variants of a scenario (:func:`capacity_model.scenario_files.variant`),
runs them through the same engine as a single run, and reduces each run to the
:class:`~capacity_model.studies.outcomes.Outcome` figures a planner compares.
"""
