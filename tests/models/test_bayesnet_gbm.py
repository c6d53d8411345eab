"""bayesnet against pgmpy's own inference; structure constraints; what-if; gbm SHAP and determinism."""

from __future__ import annotations

import numpy as np
import pytest

from cxradar.models import BayesNetModel, BNLogitModel, GBMModel
from cxradar.models.bayesnet import LABEL

from .conftest import make_table


def test_closed_form_inference_equals_pgmpy_variable_elimination() -> None:
    """Reference: pgmpy VariableElimination on a DiscreteBayesianNetwork built from our CPDs.
    Tolerance 1e-9 (both exact)."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination
    from pgmpy.models import DiscreteBayesianNetwork

    X, y = make_table(5, 1500)
    model = BayesNetModel(calibration="none").fit(X, y)
    net = DiscreteBayesianNetwork(model.edges_)
    net.add_nodes_from([*model.feature_names_in_, LABEL])
    states = model._states(X)
    nodes = [*model.feature_names_in_, LABEL]
    full = np.column_stack([states, y])
    for _j, node in enumerate(nodes):
        pars = model.parents_[node]
        if node in model.cpds_:
            values = model.cpds_[node]
        else:  # nodes outside the blanket: any valid CPD (they do not change P(label | all))
            n_cfg = int(np.prod([model._card(p) for p in pars])) if pars else 1
            values = np.full((model._card(node), n_cfg), 1.0 / model._card(node))
        net.add_cpds(
            TabularCPD(
                node,
                model._card(node),
                values,
                evidence=pars or None,
                evidence_card=[model._card(p) for p in pars] or None,
            )
        )
    engine = VariableElimination(net)
    ours = model.predict_proba(X.iloc[:5])[:, 1]
    for i in range(5):
        evidence = {n: int(full[i, j]) for j, n in enumerate(nodes[:-1])}
        ref = engine.query([LABEL], evidence=evidence, show_progress=False).values[1]
        assert ours[i] == pytest.approx(ref, abs=1e-9)


def test_forbidden_children_and_required_edges_are_respected() -> None:
    X, y = make_table(11, 1500)
    model = BayesNetModel(forbidden_children=["x1", "plan"], required_edges=[("incident_hours", LABEL)]).fit(
        X, y
    )
    assert (LABEL, "x1") not in model.edges_ and (LABEL, "plan") not in model.edges_
    assert ("incident_hours", LABEL) in model.edges_
    assert "incident_hours" in model.markov_blanket_


def test_what_if_no_incident_lowers_risk_of_the_hit() -> None:
    X, y = make_table(13, 3000)
    model = BayesNetModel(required_edges=[("incident_hours", LABEL)]).fit(X, y)
    hit = X[X["incident_hours"] > 1.5]
    assert (model.what_if(hit, {"incident_hours": 0}) < model.predict_proba(hit)[:, 1]).mean() > 0.9
    with pytest.raises(Exception, match="Did you mean 'incident_hours'"):
        model.what_if(hit, {"incident_hour": 0})


def test_bn_logit_selects_the_markov_blanket() -> None:
    X, y = make_table(17, 2000)
    model = BNLogitModel().fit(X, y)
    assert model.selected_ == model.network_.markov_blanket_
    assert set(model.summary["feature"]) - {""} <= set(model.selected_)


def test_gbm_shap_contributions_sum_to_raw_score_and_are_deterministic() -> None:
    X, y = make_table(19, 1500)
    a = GBMModel(n_estimators=60, random_state=3, n_jobs=1).fit(X, y)
    b = GBMModel(n_estimators=60, random_state=3, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    contrib = a.contributions(X)
    raw = a.booster_.predict(a._encode(X), raw_score=True)
    np.testing.assert_allclose(contrib.sum(axis=1) + contrib.attrs["bias"], raw, atol=1e-9)
    # so scoring with reasons takes its probabilities from the contributions (one tree pass)
    np.testing.assert_allclose(a.proba_from_contributions(contrib), a.predict_proba(X)[:, 1], atol=1e-9)
    # the strongest driver in the simulated truth is x1
    assert contrib.abs().mean().idxmax() == "x1"
