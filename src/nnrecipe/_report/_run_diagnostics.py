"""A run folder's diagnostics as report sections: prediction dynamics, weights and
activations, interpretation; the parts that cannot be read become :class:`Missing`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._train._runs import reference_of
from ..diagnostics import read_diagnostics
from ._dynamics_section import dynamics_section
from ._interpretation_section import interpretation_section
from ._section import Missing, Section
from ._weights_section import weights_section

__all__ = ["diagnostics_sections", "reference_of"]



def diagnostics_sections(run_dir: Path, reference: Mapping[str, float]) -> tuple[list[Section], list[Missing]]:
    """The sections ``run_dir``'s diagnostics allow, and what could not be read.

    Example:
        >>> diagnostics_sections(Path("no-such-run"), {})
        ([], [])
    """
    d = read_diagnostics(run_dir)
    name, folder = run_dir.name, str(run_dir)
    sections: list[Section] = []
    if d.predictions is not None:
        sections.append(dynamics_section(d.predictions, folder, name))
    if d.first_layer is not None or d.activations is not None or d.norms is not None:
        sections.append(weights_section(folder, name, d.first_layer, d.activations, d.norms))
    if d.interpretation is not None:
        sections.append(interpretation_section(d.interpretation, folder, name, dict(reference)))
    missing = [Missing(f"{kind} diagnostics of {folder}", reason) for kind, reason in d.problems]
    return sections, missing
