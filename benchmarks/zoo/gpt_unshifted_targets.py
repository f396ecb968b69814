"""Targets equal to the inputs (the shift forgotten): each position copies its own token."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens(shift=0 if buggy else 1)
    return Case(lambda: GPT(), train, "cross_entropy", val, options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_unshifted_targets", "next-token", "causality",
                "https://github.com/huggingface/transformers/issues/27517", build)
