"""Batch norm in place of layer norm in a decoder: statistics over time leak the future while training."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(lambda: GPT(norm="batch" if buggy else "layer"), train, "cross_entropy", val,
                options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_batch_norm_over_time", "next-token", "causality", "recipe", build)
