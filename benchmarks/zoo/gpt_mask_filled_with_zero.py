"""Future scores masked with 0 instead of -inf: after the softmax the future still gets weight."""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(lambda: GPT(mask="zero_fill" if buggy else "causal"), train, "cross_entropy", val,
                options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_mask_filled_with_zero", "next-token", "causality",
                "https://github.com/karpathy/minGPT/issues/75", build)
