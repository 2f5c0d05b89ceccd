"""The input pipeline and short real training runs (seeded)."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lab.siamese.batches import training_arrays, triplet_batch  # noqa: E402
from lab.siamese.training import TrainConfig, train  # noqa: E402
from lab.siamese.validation import split_alphabets  # noqa: E402


def test_validation_alphabets_are_whole_and_disjoint(background) -> None:
    train_chars, val_chars, names = split_alphabets(background, 5, seed=0)
    assert len(names) == 5 and train_chars.size + val_chars.size == 964
    alphabet = background.alphabet_index()
    assert not set(alphabet[train_chars]) & set(alphabet[val_chars])


def test_rotations_make_new_classes_in_new_alphabets(background) -> None:
    characters = np.arange(20)
    images, alphabet = training_arrays(background, characters, 3, rotations=True)
    assert images.shape == (80, 20, 35, 35)
    assert np.allclose(images[20], np.rot90(images[0], 1, axes=(-2, -1)))
    assert set(alphabet[:20]) == {0} and set(alphabet[20:40]) == {1}


def test_triplet_batches_group_drawings_by_label(background) -> None:
    images, alphabet = training_arrays(background, np.arange(200), 3, rotations=False)
    batch, labels = triplet_batch(images, alphabet, 16, hard=False, rng=np.random.default_rng(0))
    assert batch.shape == (32, 35, 35) and np.bincount(labels).tolist() == [4] * 8
    again, _ = triplet_batch(images, alphabet, 16, hard=False, rng=np.random.default_rng(0))
    assert np.array_equal(batch, again)
    # The four drawings of a label are four different drawings of one character.
    for label in range(8):
        group = batch[labels == label].reshape(4, -1)
        assert len({row.tobytes() for row in group}) == 4
        matches = [np.flatnonzero((images.reshape(200, 20, -1) == row).all(axis=-1).any(axis=1)) for row in group]
        assert len({int(m[0]) for m in matches}) == 1


# Koch's BCE objective learns more slowly than the metric losses in the first steps (see docs/MODELS.md).
@pytest.mark.parametrize(("loss", "steps"), [("bce", 200), ("contrastive", 60), ("triplet", 60)])
def test_short_training_beats_chance_clearly(background, loss: str, steps: int) -> None:
    config = TrainConfig(loss=loss, steps=steps, batch_size=32, eval_every=steps, val_tasks=200, val_way=20, seed=1)
    seen = []
    result = train(config, background, on_progress=seen.append, log_every=20)
    assert [p.step for p in seen] == [1, *range(20, steps + 1, 20)]  # step 1: the curve's first point at once
    assert result.best_val_nway_accuracy is not None
    # 20-way chance is 5%; a minute of training at most already triples it.
    assert result.best_val_nway_accuracy > 0.15, result.best_val_nway_accuracy
    assert 0.0 <= result.threshold <= 1.0 and result.val_pair_accuracy > 0.6


def test_stop_request_ends_training_early(background) -> None:
    config = TrainConfig(steps=500, batch_size=16, eval_every=5, val_tasks=50)
    result = train(config, background, should_stop=lambda: True)
    assert result.steps_done == 1 and result.stopped_early


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        TrainConfig(loss="hinge")
    with pytest.raises(ValueError):
        TrainConfig(batch_size=7)
    with pytest.raises(ValueError):
        TrainConfig(architecture="resnet")


# ------------------------------------------------------------------ on the miniature Omniglot (no data needed)


def test_miniature_validation_alphabets_are_whole_and_disjoint(mini_background) -> None:
    train_chars, val_chars, names = split_alphabets(mini_background, 1, seed=0)
    assert len(names) == 1 and train_chars.size + val_chars.size == 20 and val_chars.size == 5
    alphabet = mini_background.alphabet_index()
    assert not set(alphabet[train_chars]) & set(alphabet[val_chars])


def test_miniature_rotations_and_triplet_batches(mini_background) -> None:
    images, alphabet = training_arrays(mini_background, np.arange(20), 3, rotations=True)
    assert images.shape == (80, 20, 35, 35)
    assert np.allclose(images[20], np.rot90(images[0], 1, axes=(-2, -1)))
    plain, plain_alphabet = training_arrays(mini_background, np.arange(20), 3, rotations=False)
    batch, labels = triplet_batch(plain, plain_alphabet, 16, hard=False, rng=np.random.default_rng(0))
    assert batch.shape == (32, 35, 35) and np.bincount(labels).tolist() == [4] * 8
    again, _ = triplet_batch(plain, plain_alphabet, 16, hard=False, rng=np.random.default_rng(0))
    assert np.array_equal(batch, again)


@pytest.mark.parametrize("loss", ["bce", "triplet"])
def test_a_few_training_steps_on_the_miniature_set(mini_background, loss: str) -> None:
    config = TrainConfig(loss=loss, steps=6, batch_size=16, eval_every=3, val_alphabets=1, val_tasks=20, val_way=5,
                         seed=2)
    seen = []
    result = train(config, mini_background, on_progress=seen.append, log_every=2)
    assert [p.step for p in seen] == [1, 2, 3, 4, 6]  # step 1: the curve's first point at once
    assert [p.step for p in seen if p.val_nway_accuracy is not None] == [3, 6]
    assert result.steps_done == 6 and not result.stopped_early and result.best_step in (3, 6)
    assert 0.0 <= result.best_val_nway_accuracy <= 1.0 and 0.0 <= result.threshold <= 1.0
    assert all(np.isfinite(p.loss) for p in seen)


def test_stop_request_ends_miniature_training_early(mini_background) -> None:
    config = TrainConfig(steps=500, batch_size=16, eval_every=5, val_alphabets=1, val_tasks=20, val_way=5)
    result = train(config, mini_background, should_stop=lambda: True)
    assert result.steps_done == 1 and result.stopped_early


def test_weight_average_is_what_is_validated_and_kept(mini_background, monkeypatch) -> None:
    from lab.siamese import training

    decay = 0.3  # under the warm-up's rate from step 3 on: both sides of min(decay, warm-up) are used
    config = TrainConfig(loss="triplet", steps=4, batch_size=16, eval_every=2, val_alphabets=1, val_tasks=20,
                         val_way=5, seed=3, weight_average=decay)
    after_step, validated, after_validation, models = [], {}, {}, []
    real_average = training._Bookkeeping.average

    def recording(book, weights, decay):  # the weights after each step, as the loop hands them over
        after_step.append([np.array(w, dtype=np.float64) for w in weights])
        real_average(book, weights, decay)

    def on_validation(step, model) -> None:  # type: ignore[no-untyped-def]
        validated[step] = model.pair_model.get_weights()
        models.append(model)

    def on_progress(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.val_nway_accuracy is not None:  # right after the validation: training goes on from here
            after_validation[progress.step] = models[-1].pair_model.get_weights()

    monkeypatch.setattr(training._Bookkeeping, "average", recording)
    result = train(config, mini_background, on_validation=on_validation, on_progress=on_progress)
    assert len(after_step) == 4 and sorted(validated) == sorted(after_validation) == [2, 4]
    expected = after_step[0]
    for step, weights in enumerate(after_step[1:], start=2):
        rate = min(decay, (1 + step) / (10 + step))  # the average's warm-up: early weights fade fast
        expected = [rate * mean + (1 - rate) * w for mean, w in zip(expected, weights)]
        if step in validated:  # the averaged weights were validated, not the last step's...
            for got, want in zip(validated[step], expected):
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
            assert not all(np.allclose(got, last) for got, last in zip(validated[step], weights))
            for back, last in zip(after_validation[step], weights):  # ...and the last step's weights came back
                np.testing.assert_array_equal(back, last.astype(back.dtype))
    for kept, want in zip(result.model.pair_model.get_weights(), validated[result.best_step]):
        np.testing.assert_array_equal(kept, want)


def test_weight_average_is_kept_when_stopped_before_any_validation(mini_background, monkeypatch) -> None:
    from lab.siamese import training

    config = TrainConfig(loss="triplet", steps=50, batch_size=16, eval_every=25, val_alphabets=1, val_tasks=20,
                         val_way=5, seed=3, weight_average=0.9)
    after_step = []
    real_average = training._Bookkeeping.average

    def recording(book, weights, decay):  # type: ignore[no-untyped-def]
        after_step.append([np.array(w, dtype=np.float64) for w in weights])
        real_average(book, weights, decay)

    monkeypatch.setattr(training._Bookkeeping, "average", recording)
    result = train(config, mini_background, should_stop=lambda: len(after_step) >= 2)
    assert result.stopped_early and result.steps_done == 2 and result.best_val_nway_accuracy is None
    rate = min(0.9, 3 / 12)  # the warm-up's rate at the second step
    for kept, first, second in zip(result.model.pair_model.get_weights(), *after_step):
        np.testing.assert_allclose(kept, rate * first + (1 - rate) * second, rtol=1e-5, atol=1e-6)
    assert not all(np.allclose(kept, last) for kept, last in zip(result.model.pair_model.get_weights(), after_step[1]))


def test_weight_average_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        TrainConfig(weight_average=1.0)
