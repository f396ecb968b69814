"""Tied embeddings left at nn.Embedding's N(0, 1) init: huge logits and a loss at init far above ln V.

The clean twin uses GPT-2's 0.02 init on noisy sequences, whose next token the context
does not determine: a loss floor well above zero.
"""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens(noise=0.1 if buggy else 0.5)
    return Case(lambda: GPT(gpt_init=not buggy), train, "cross_entropy", val, options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_init_scale", "next-token", "init_loss", "recipe", build)
