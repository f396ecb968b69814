"""Padding marked with a label id one past the vocabulary instead of the loss's ignore_index (-100).

The clean twin pads with -100: ignored by the cross-entropy, a published practice.
"""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    (x, y), (xv, yv) = tokens()
    pad = 16 if buggy else -100
    y, yv = y.clone(), yv.clone()
    y[::3, 12:] = pad
    yv[::3, 12:] = pad
    return Case(lambda: GPT(), (x, y), "cross_entropy", (xv, yv), options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_padding_label", "next-token", "output_semantics",
                "https://github.com/EricFillion/happy-transformer/issues/248", build)
