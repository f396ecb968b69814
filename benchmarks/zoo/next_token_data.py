"""Next-token data whose targets are the inputs themselves (no shift): the answer is in the input.

The clean twin is correct next-token data (targets = inputs shifted by one), which the
audit must recognise as the expected relation, not as target leakage.
"""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens(shift=0 if buggy else 1)
    return Case(lambda: GPT(), train, "cross_entropy", val, options=CheckOptions(causal_dim=1))


FAMILY = Family("next_token_data", "next-token", "audit:*leak*", "https://github.com/huggingface/transformers/issues/27517",
                build)
