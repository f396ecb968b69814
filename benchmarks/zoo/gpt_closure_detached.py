"""minGPT-style closures (``self.mlpf = lambda x: ...``) with a stray .detach(): the MLPs never train.

The clean twin keeps the closures without the detach, passed as an instance: a deep copy
of it would still call the original's layers, so this also checks that the checks work on
the model itself and leave it as it was.
"""

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import tokens
from ._models import GPT


def build(buggy: bool) -> Case:
    train, val = tokens()
    return Case(GPT(closure=True, detach_mlp=buggy), train, "cross_entropy", val, options=CheckOptions(causal_dim=1))


FAMILY = Family("gpt_closure_detached", "next-token", "gradient_flow",
                "https://github.com/karpathy/minGPT/blob/master/mingpt/model.py", build)
