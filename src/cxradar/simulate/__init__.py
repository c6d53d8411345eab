"""The synthetic operator (capability C2): contract tables with hidden ground truth.

``simulate(...)`` writes every table of ``conf/contract`` plus ``truth/`` (true satisfaction,
causes, expectations, churn, care response); ``respond_to_care(...)`` plays a care campaign
against the truth. The story and every base rate are in docs/simulator.md.
"""

from cxradar.simulate.care import respond_to_care
from cxradar.simulate.params import SimulatorParams, load_params
from cxradar.simulate.simulator import TRUTH_TABLES, simulate

__all__ = ["TRUTH_TABLES", "SimulatorParams", "load_params", "respond_to_care", "simulate"]
