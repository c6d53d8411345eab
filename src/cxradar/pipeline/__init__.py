"""The monthly run: validate, features, explicit pool, potential dissatisfied, outputs.

``run_month`` executes :data:`~cxradar.pipeline.steps.STEPS` in order; ``evaluate_run`` scores a
run folder against the simulator's truth.
"""

from cxradar.pipeline.context import RunContext
from cxradar.pipeline.evaluate import evaluate_run
from cxradar.pipeline.run import run_month
from cxradar.pipeline.steps import STEPS

__all__ = ["STEPS", "RunContext", "evaluate_run", "run_month"]
