"""A language model returning probabilities to a cross-entropy with label smoothing.

The clean twin returns logits to the same smoothed loss, whose floor is above zero: the
overfitting check must judge it against that floor.
"""

import nnrecipe
from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(lambda: GPT(softmax_output=buggy), train, "cross_entropy", val,
                config=nnrecipe.TrainConfig(label_smoothing=0.1), options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_probabilities_into_loss", "next-token", "output_semantics",
                "https://github.com/gitabcworld/MatchingNetworks/issues/5", build)
