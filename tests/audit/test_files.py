"""Folders of images (one sub-folder per class) and CSV tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnrecipe import AuditConfig, DataError, audit
from nnrecipe._audit import ClassLabels

_FAST = AuditConfig(label_errors=False)


def _write_folder(root: Path, X: np.ndarray, y: np.ndarray) -> list[Path]:
    paths = []
    for i, (x, c) in enumerate(zip(X, y)):
        d = root / f"digit{c}"
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"{i:04d}.png"
        Image.fromarray((x.reshape(8, 8) * 15).astype(np.uint8)).save(p)
        paths.append(p)
    return paths


def test_an_image_folder_is_audited_with_folder_names_as_classes(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    _write_folder(tmp_path, X[:200], y[:200])
    report = audit(tmp_path, config=_FAST)
    labels = report.summary.labels
    assert isinstance(labels, ClassLabels)
    assert labels.class_names == tuple(f"digit{c}" for c in range(10))
    assert labels.counts["train"] == tuple(np.bincount(y[:200], minlength=10).tolist())
    assert report.summary.splits["train"].shape == (8, 8)
    assert report.summary.splits["train"].dtype == "uint8"


def test_an_unreadable_image_and_an_odd_size_are_listed_and_the_rest_audited(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    _write_folder(tmp_path, X[:100], y[:100])
    (tmp_path / "digit3" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    Image.new("L", (9, 8)).save(tmp_path / "digit4" / "wide.png")
    report = audit(tmp_path, config=_FAST)
    unreadable, odd = report.find("unreadable"), report.find("wrong_shape")
    assert unreadable is not None and len(unreadable.examples) == 1
    assert "broken.png" in unreadable.details["reasons"][0]
    assert odd is not None and "wide.png" in odd.details["reasons"][0]
    assert report.summary.splits["train"].usable == 100


def test_decoded_pixels_not_file_bytes_define_duplicates(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    paths = _write_folder(tmp_path, X[:60], y[:60])
    img = Image.open(paths[0])
    img.save(tmp_path / f"digit{y[0]}" / "copy.bmp")  # same pixels, different file format
    found = audit(tmp_path, config=_FAST).find("exact_duplicates")
    assert found is not None and len(found.examples) == 2


def test_train_val_test_folders_become_splits(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    _write_folder(tmp_path / "train", X[:100], y[:100])
    _write_folder(tmp_path / "val", X[100:150], y[100:150])
    _write_folder(tmp_path / "val", X[:1], y[:1])  # a training image copied into val
    report = audit(tmp_path, config=_FAST)
    assert set(report.summary.splits) == {"train", "val"}
    assert report.find("leakage") is not None


def test_a_folder_without_images_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "notes.txt").write_text("no images here")
    with pytest.raises(DataError, match="no images found"):
        audit(tmp_path)


def _write_csv(path: Path, X: np.ndarray, labels: list[str], column: str = "label") -> None:
    lines = [",".join([f"f{j}" for j in range(X.shape[1])] + [column])]
    lines += [",".join([f"{v:g}" for v in x] + [lab]) for x, lab in zip(X, labels)]
    path.write_text("\n".join(lines) + "\n")


def test_a_csv_with_a_label_column_is_audited(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = X[:300].copy()
    X[8] = X[1]
    _write_csv(tmp_path / "d.csv", X, [str(v) for v in y[:300]], column="digit")
    report = audit(tmp_path / "d.csv", config=AuditConfig(label_errors=False, label_column="digit"))
    assert set(report.find("exact_duplicates").examples) == {("train", 1), ("train", 8)}  # type: ignore[union-attr]
    assert report.summary.labels.counts["train"] == tuple(np.bincount(y[:300]).tolist())  # type: ignore[union-attr]


def test_csv_class_names_empty_cells_and_missing_labels(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    labels = ["even" if v % 2 == 0 else "odd" for v in y[:200]]
    labels[5] = ""
    _write_csv(tmp_path / "d.csv", X[:200], labels)
    text = (tmp_path / "d.csv").read_text().splitlines()
    cells = text[9].split(",")
    cells[2] = ""
    text[9] = ",".join(cells)  # example 8 (line 0 is the header) has an empty feature cell
    (tmp_path / "d.csv").write_text("\n".join(text) + "\n")
    report = audit(tmp_path / "d.csv", config=_FAST)
    assert report.summary.labels.class_names == ("even", "odd")  # type: ignore[union-attr]
    assert report.find("missing_labels").examples == (("train", 5),)  # type: ignore[union-attr]
    assert report.find("non_finite").examples == (("train", 8),)  # type: ignore[union-attr]


def test_a_csv_without_the_label_column_names_the_option(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    _write_csv(tmp_path / "d.csv", X[:20], [str(v) for v in y[:20]], column="target")
    with pytest.raises(DataError, match="--label-column"):
        audit(tmp_path / "d.csv")


def test_a_text_feature_column_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("colour,size,label\nred,1,0\nblue,2,1\nred,3,0\n")
    with pytest.raises(DataError, match=r"\['colour'\].*encode"):
        audit(tmp_path / "d.csv")


def test_a_csv_read_in_chunks_numbers_class_names_in_sorted_order(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    from nnrecipe._audit._budget import Budget

    monkeypatch.setattr(Budget, "chunk_rows", lambda self, width: 7)
    X, y = digits
    names = ["zebra" if v % 2 else "ant" for v in y[:100]]  # "zebra" appears first in the file
    _write_csv(tmp_path / "d.csv", X[:100], names)
    report = audit(tmp_path / "d.csv", config=_FAST)
    labels = report.summary.labels
    assert isinstance(labels, ClassLabels) and labels.class_names == ("ant", "zebra")
    assert labels.counts["train"] == (names.count("ant"), names.count("zebra"))


def test_an_image_folder_is_read_in_chunks(tmp_path: Path, digits: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    from nnrecipe._audit._budget import Budget

    monkeypatch.setattr(Budget, "chunk_rows", lambda self, width: 13)
    X, y = digits
    paths = _write_folder(tmp_path, X[:80], y[:80])
    (tmp_path / "digit5" / "broken.png").write_bytes(b"not an image")
    Image.open(paths[3]).save(tmp_path / f"digit{y[3]}" / "zz-copy.png")
    report = audit(tmp_path, config=_FAST)
    assert len(report.find("unreadable").examples) == 1  # type: ignore[union-attr]
    assert len(report.find("exact_duplicates").examples) == 2  # type: ignore[union-attr]
    assert report.summary.splits["train"].examples == 82
