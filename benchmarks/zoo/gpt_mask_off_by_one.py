"""A causal mask built with diagonal=2 (tril offset by one): position t attends to t+1."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(lambda: GPT(mask="off_by_one" if buggy else "causal"), train, "cross_entropy", val,
                options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_mask_off_by_one", "next-token", "causality", "https://github.com/karpathy/nanoGPT/issues/331", build)
