"""The train step: accumulation is the same step in micro-batches; a non-finite step changes nothing."""

import math

import pytest
import torch
from torch import nn

from nnrecipe import TrainConfig
from nnrecipe._core._losses import resolve_loss
from nnrecipe._train._step import TrainStep


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))


def batch(n: int = 30) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return torch.randn(n, 6, generator=g), torch.randint(0, 3, (n,), generator=g)


def step_for(m: nn.Module, **config) -> TrainStep:
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    return TrainStep(m, opt, resolve_loss("cross_entropy")[0], TrainConfig(**config), torch.device("cpu"))


@pytest.mark.parametrize("k", [2, 3, 7])
def test_accumulation_takes_the_same_step_in_micro_batches(k: int) -> None:
    whole, parts = model(), model()
    out_whole = step_for(whole)(batch())
    out_parts = step_for(parts, accumulate_steps=k)(batch())  # 30 examples in k uneven parts
    torch.testing.assert_close(out_parts.loss, out_whole.loss)
    for a, b in zip(whole.parameters(), parts.parameters()):
        torch.testing.assert_close(a, b)


def test_a_non_finite_loss_leaves_weights_and_optimizer_untouched() -> None:
    m = model()
    opt = torch.optim.Adam(m.parameters(), lr=0.1)
    step = TrainStep(m, opt, lambda out, y: out.sum() * math.nan, TrainConfig(), torch.device("cpu"))
    before = [p.detach().clone() for p in m.parameters()]
    out = step(batch())
    assert float(out.nonfinite) == 1.0 and math.isnan(float(out.loss))
    assert all(torch.equal(a, b) for a, b in zip(before, m.parameters())) and not opt.state


def test_clipping_reports_the_norm_before_clipping() -> None:
    m = model()
    out = step_for(m, grad_clip_norm=1e-3)(batch())
    assert out.grad_norm is not None and float(out.grad_norm) > 1e-3
    total = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in m.parameters()]))
    assert float(total) == pytest.approx(1e-3, rel=1e-3)  # the update used clipped gradients


def test_learning_rates_are_each_groups_base_times_the_factor() -> None:
    m = model()
    opt = torch.optim.SGD([{"params": m[0].parameters(), "lr": 0.1}, {"params": m[2].parameters(), "lr": 0.01}])
    step = TrainStep(m, opt, resolve_loss("cross_entropy")[0], TrainConfig(), torch.device("cpu"))
    assert step.set_lr(0.5) == pytest.approx(0.05)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.05, 0.005])


def test_each_step_starts_from_fresh_gradients_as_a_hand_loop_does() -> None:
    ours, hand = model(), model()
    step = step_for(ours)
    opt = torch.optim.SGD(hand.parameters(), lr=0.1)
    for _ in range(3):
        step(batch())
        loss = nn.functional.cross_entropy(hand(batch()[0]), batch()[1])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    for a, b in zip(ours.parameters(), hand.parameters()):
        assert torch.equal(a, b) and torch.equal(a.grad, b.grad)


def test_an_optimizer_with_its_own_zero_grad_has_it_called_every_step() -> None:
    calls = []

    class Counting(torch.optim.SGD):
        def zero_grad(self, set_to_none: bool = True) -> None:
            calls.append(set_to_none)
            super().zero_grad(set_to_none)

    m = model()
    step = TrainStep(m, Counting(m.parameters(), lr=0.1), resolve_loss("cross_entropy")[0], TrainConfig(), torch.device("cpu"))
    for _ in range(2):
        step(batch())
    assert calls == [True, True]


def test_a_non_finite_gradient_under_a_finite_loss_is_skipped_and_the_next_step_is_taken() -> None:
    m = model()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    ce = resolve_loss("cross_entropy")[0]

    def sqrt_at_zero(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ce(out, y) + torch.sqrt(out.abs().sum() * 0)  # finite value, NaN gradient

    before = [p.detach().clone() for p in m.parameters()]
    bad = TrainStep(m, opt, sqrt_at_zero, TrainConfig(), torch.device("cpu"))(batch())
    assert math.isfinite(float(bad.loss)) and bad.nonfinite == 1.0
    assert all(torch.equal(a, b) for a, b in zip(before, m.parameters()))
    good = TrainStep(m, opt, ce, TrainConfig(), torch.device("cpu"))
    assert good(batch()).nonfinite == 0.0 and good(batch()).nonfinite == 0.0  # the flag does not stick
    assert not all(torch.equal(a, b) for a, b in zip(before, m.parameters()))


def test_one_step_object_skips_a_bad_step_then_takes_the_good_ones() -> None:
    m = model()
    step = step_for(m)
    x, y = batch()
    assert step((x * float("nan"), y)).nonfinite == 1.0
    before = [p.detach().clone() for p in m.parameters()]
    assert step((x, y)).nonfinite == 0.0
    assert not all(torch.equal(a, b) for a, b in zip(before, m.parameters()))
