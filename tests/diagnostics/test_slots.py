"""The storage bound: a fixed number of records per series, whatever the run's length."""

import torch

from nnrecipe.diagnostics._norms import GradientNorms
from nnrecipe.diagnostics._slots import Slots
from nnrecipe.diagnostics._store import read_kind, write_kind


def test_compaction_keeps_the_whole_run_evenly_at_a_doubled_cadence():
    s = Slots(slots=8, every=1)
    for step in range(100):
        if s.due(step):
            s.add(step, {"x": torch.tensor([float(step)])})
    assert len(s) <= 8
    assert s.steps == [i * s.cadence for i in range(len(s))]
    assert s.steps[-1] >= 100 - s.cadence
    torch.testing.assert_close(s.arrays()["x"].flatten(), torch.tensor(s.steps, dtype=torch.float32))


def test_final_step_is_kept_off_the_grid():
    s = Slots(slots=4, every=10)
    for step in range(0, 31, 10):
        s.add(step, {"x": torch.zeros(1)})
    s.add_final(33, {"x": torch.ones(1)})
    assert s.steps[-1] == 33 and len(s) <= 4


def test_100k_steps_of_a_50_layer_model_stay_under_5_mb(tmp_path):
    """Fed directly: the records a 100,000-step run of 50 layers would make, every diagnostic's series."""
    layers = 50
    norms = Slots(slots=GradientNorms().slots, every=50)
    acts = Slots(slots=GradientNorms().slots, every=50)
    for step in range(0, 100_001, 50):
        if norms.due(step):
            v = torch.full((layers,), float(step))
            norms.add(step, {"grad": v, "update": v, "weight": v, "lr": torch.tensor(1e-3)})
            acts.add(step, {"stats": torch.zeros(layers, 4)})
    write_kind(tmp_path, "norms", {"cadence": norms.cadence, "layers": [f"l{i}" for i in range(layers)]}, norms.arrays())
    write_kind(tmp_path, "activations", {"cadence": acts.cadence}, acts.arrays())
    size = sum(f.stat().st_size for f in (tmp_path / "diagnostics").iterdir())
    assert size < 5_000_000
    meta, arrays = read_kind(tmp_path, "norms")
    assert arrays["grad"].shape == (len(norms), layers) and meta["cadence"] == norms.cadence > 50
    assert norms.steps[0] == 0 and norms.steps[-1] > 90_000


def test_state_round_trip_continues_identically():
    a, b = Slots(slots=4, every=1), Slots(slots=4, every=1)
    for step in range(7):
        a.add(step, {"x": torch.tensor([float(step)])}) if a.due(step) else None
    b.load_state_dict(a.state_dict())
    for s in (a, b):
        for step in range(7, 20):
            s.add(step, {"x": torch.tensor([float(step)])}) if s.due(step) else None
    assert a.steps == b.steps
    torch.testing.assert_close(a.arrays()["x"], b.arrays()["x"])
