"""Targets shifted twice (in the data and again in the loss): the model learns next-next-token prediction."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens(shift=2 if buggy else 1)
    return Case(lambda: GPT(), train, "cross_entropy", val, options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_double_shift", "next-token", "causality", "https://github.com/huggingface/transformers/issues/46897", build)
