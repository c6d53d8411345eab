"""Care for flagged customers (C7): strategy rules, policies, pending care, channel lists.

Pure functions on tables; file I/O is in :mod:`cxradar.care.io`. The monthly step that ties
care to campaign design is :func:`cxradar.campaigns.step.care_step`.
"""

from cxradar.care.assign import CareAssignment, assign_care, flagged_customers
from cxradar.care.lists import channel_lists
from cxradar.care.pending import (
    deliver_from_contacts,
    expire_pending,
    lookup_pending,
    make_pending,
    record_delivery,
    sync_care_actions,
)
from cxradar.care.policies import Policies, PolicyResult, apply_policies, expected_value, load_policies
from cxradar.care.rules import CareRule, RuleSet, apply_rules, load_rules

__all__ = [
    "CareAssignment",
    "CareRule",
    "Policies",
    "PolicyResult",
    "RuleSet",
    "apply_policies",
    "apply_rules",
    "assign_care",
    "channel_lists",
    "deliver_from_contacts",
    "expected_value",
    "expire_pending",
    "flagged_customers",
    "load_policies",
    "load_rules",
    "lookup_pending",
    "make_pending",
    "record_delivery",
    "sync_care_actions",
]
