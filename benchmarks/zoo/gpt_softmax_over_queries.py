"""Attention softmax over the query axis (dim=-2): each output mixes in later queries' scores."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(lambda: GPT(softmax_dim=-2 if buggy else -1), train, "cross_entropy", val,
                options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_softmax_over_queries", "next-token", "causality",
                "https://github.com/MicrosoftDocs/pytorchfundamentals/pull/21", build)
