"""The steps of the monthly run, one module each, in the order :mod:`cxradar.pipeline.run` runs them.

Each step is a function ``step(ctx: RunContext) -> StepResult`` that reads relations and small
results left by earlier steps, runs SQL, shard functions or a global computation on
``ctx.engine`` and records what it wrote (see docs/architecture.md for which is which).
"""
