"""A coded set's codes are computed once per model file and data version, then read from beside the model, and
the network is loaded only when drawings must go through it (fast tier: the miniature Omniglot)."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from lab.data.omniglot import load_set
from lab.siamese.code_store import code_paths
from lab.siamese.model import LazyModel
from lab.siamese.store import find_model, load_model_file
from lab.workflows import coded_set as workflow
from lab.workflows.coded_set import lazy_model, load_coded_set, set_codes, stored_set_codes
from tests.support.models import store_with_the_shipped_model


class Loader:
    """Loads a stored model's network and counts how often it was asked to."""

    def __init__(self, path: Path) -> None:
        self.path, self.calls, self.model = path, 0, None

    def __call__(self):  # type: ignore[no-untyped-def]
        self.calls += 1
        self.model = self.model or load_model_file(self.path)
        return self.model


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user store holding a copy of the shipped model as "mine"."""
    folder = store_with_the_shipped_model(tmp_path, monkeypatch)
    monkeypatch.setenv("ONESHOT_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def test_codes_are_read_back_without_the_network(store: Path, miniature_omniglot: Path) -> None:
    info, data = find_model("mine"), load_set("evaluation", miniature_omniglot)
    first = Loader(info.path)
    codes = stored_set_codes(info, data, "embedding", first)
    assert first.calls == 1 and np.array_equal(codes, set_codes(first.model, data))
    again = Loader(info.path)
    assert np.array_equal(stored_set_codes(info, data, "embedding", again), codes) and again.calls == 0
    assert code_paths(info.path, "evaluation-embedding", data.fingerprint)[0].is_file()
    features = stored_set_codes(info, data, "features", again)  # another layer: computed once, stored apart
    assert again.calls == 1 and features.shape[:2] == codes.shape[:2]


def test_a_retrained_model_recomputes_its_codes(store: Path, miniature_omniglot: Path) -> None:
    info, data = find_model("mine"), load_set("evaluation", miniature_omniglot)
    stored_set_codes(info, data, "embedding", Loader(info.path))
    info.path.write_bytes(info.path.read_bytes())  # saved again: a new modification time
    loader = Loader(info.path)
    stored_set_codes(info, data, "embedding", loader)
    assert loader.calls == 1


def test_changed_data_recomputes_the_codes(store: Path, miniature_omniglot: Path) -> None:
    info = find_model("mine")
    before = load_set("evaluation", miniature_omniglot)
    stored_set_codes(info, before, "embedding", Loader(info.path))
    with zipfile.ZipFile(miniature_omniglot / "images_evaluation.zip", "a") as archive:
        archive.comment = b"another release of the same drawings"
    after = load_set("evaluation", miniature_omniglot)
    assert after.fingerprint != before.fingerprint
    loader = Loader(info.path)
    stored_set_codes(info, after, "embedding", loader)
    assert loader.calls == 1


def test_a_damaged_codes_file_is_recomputed(store: Path, miniature_omniglot: Path) -> None:
    info, data = find_model("mine"), load_set("evaluation", miniature_omniglot)
    codes = stored_set_codes(info, data, "embedding", Loader(info.path))
    stored = code_paths(info.path, "evaluation-embedding", data.fingerprint)[0]
    stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])
    loader = Loader(info.path)
    assert np.allclose(stored_set_codes(info, data, "embedding", loader), codes) and loader.calls == 1


def test_a_set_made_in_memory_is_never_stored(store: Path, mini_evaluation) -> None:  # type: ignore[no-untyped-def]
    info, loader = find_model("mine"), Loader(find_model("mine").path)
    made = replace(mini_evaluation, fingerprint="")  # no file, so no version to store its codes under
    stored_set_codes(info, made, "embedding", loader)
    stored_set_codes(info, made, "embedding", loader)
    assert loader.calls == 2 and not list(store.glob("*.codes.npz"))


def test_load_coded_set_loads_no_network_once_the_codes_are_stored(store: Path, miniature_omniglot: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_coded_set("mine", miniature_omniglot)
    calls = []
    monkeypatch.setattr(workflow, "load_model_file", lambda *args: calls.append(args))
    second = load_coded_set("mine", miniature_omniglot)
    assert isinstance(second.model, LazyModel) and second.model.head() is None and calls == []
    assert np.array_equal(second.codes, first.codes)


def test_a_bce_head_is_stored_like_the_codes(tmp_path: Path, store: Path) -> None:
    pytest.importorskip("keras")
    from lab.siamese.store import save_model
    from tests.unit.siamese.test_store import tiny_model

    model = tiny_model("bce")
    info = save_model(model, "tiny", {}, store)
    loader = Loader(info.path)
    lazy = lazy_model(info, loader)
    kernel, bias = model.head()
    assert isinstance(lazy, LazyModel) and loader.calls == 1
    again = Loader(info.path)
    stored_kernel, stored_bias = lazy_model(info, again).head()
    assert again.calls == 0 and np.allclose(stored_kernel, kernel) and stored_bias == pytest.approx(bias)


def test_a_model_without_metadata_is_loaded_to_learn_its_loss(store: Path) -> None:
    (store / "mine.json").unlink()
    info = find_model("mine")
    loader = Loader(info.path)
    model = lazy_model(info, loader)
    # The shipped model's file alone says only "no head": a metric loss (lab.siamese.store infers contrastive).
    assert loader.calls == 1 and model.loss == "contrastive" and not isinstance(model, LazyModel)
