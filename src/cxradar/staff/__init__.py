"""First-touchpoint staff and service halls (seeds 002/003): internal satisfaction per hall, role and
agent with empirical-Bayes shrinkage, targets per role, the external survey's weak items mapped to
the roles that own them, the trend, later pool entry and churn of the customers served, and the
follow-up report (回访报告). ``cxradar staff report`` writes it; the dashboard's staff page shows it.
"""

from cxradar.staff.config import StaffConfig, load_staff_config
from cxradar.staff.league import hall_items, league, role_table
from cxradar.staff.output import write_staff_report
from cxradar.staff.report import agent_keys, build_staff_views, has_staff, load_staff_tables
from cxradar.staff.scores import contact_scores
from cxradar.staff.shrinkage import dersimonian_laird, shrink
from cxradar.staff.truth_eval import ranking_recovery

__all__ = [
    "StaffConfig",
    "agent_keys",
    "build_staff_views",
    "contact_scores",
    "dersimonian_laird",
    "hall_items",
    "has_staff",
    "league",
    "load_staff_config",
    "load_staff_tables",
    "ranking_recovery",
    "role_table",
    "shrink",
    "write_staff_report",
]
