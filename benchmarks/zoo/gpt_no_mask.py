"""A decoder without its causal mask: every position sees the whole sequence, its label included."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(lambda: GPT(mask="none" if buggy else "causal"), train, "cross_entropy", val,
                options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_no_mask", "next-token", "causality", "https://github.com/huggingface/transformers/issues/48745", build)
