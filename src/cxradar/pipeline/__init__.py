"""The monthly run: validate, features, explicit pool, potential dissatisfied, care, churn.

``run_month`` executes :data:`~cxradar.pipeline.run.STEPS` in order on DuckDB or Spark (see
docs/architecture.md); ``evaluate_run`` scores a run folder against the simulator's truth.
"""

from cxradar.pipeline.context import RunContext
from cxradar.pipeline.evaluate import churn_against_truth, evaluate_run
from cxradar.pipeline.layout import RunLayout
from cxradar.pipeline.run import ENGINES, OPTIONAL_STEPS, STEPS, run_month

__all__ = [
    "ENGINES",
    "OPTIONAL_STEPS",
    "STEPS",
    "RunContext",
    "RunLayout",
    "churn_against_truth",
    "evaluate_run",
    "run_month",
]
