"""bot.nlu.bucketed_diet: DIET's training batches hold messages of similar length."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.utils import train_utils
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import FeatureArray, RasaModelData

from bot.nlu.bucketed_diet import (
    LengthBucketedBatchGenerator,
    bucketed_order,
    bucketed_training_batches,
    example_lengths,
)


def padded_tokens(lengths: np.ndarray, order: np.ndarray, batch_size: int) -> int:
    """What padding every batch to its longest message costs, in tokens."""
    ordered = lengths[order]
    return sum(
        len(ordered[i : i + batch_size]) * int(ordered[i : i + batch_size].max())
        for i in range(0, len(ordered), batch_size)
    )


def test_the_order_is_a_permutation_with_the_incomplete_batch_last():
    lengths = np.random.RandomState(3).randint(1, 60, size=1000)
    order = bucketed_order(lengths, 64, np.random.RandomState(0), chunk_batches=4)
    assert sorted(order.tolist()) == list(range(1000))
    # 1000 = 15 × 64 + 40: the 40 left over come last, together.
    assert len(set(order[-40:].tolist())) == 40


def test_batches_hold_messages_of_similar_length():
    lengths = np.random.RandomState(1).choice([5, 8, 10, 12, 60], size=2048)
    bucketed = bucketed_order(lengths, 64, np.random.RandomState(0))
    shuffled = np.random.RandomState(0).permutation(len(lengths))
    assert padded_tokens(lengths, bucketed, 64) < 0.5 * padded_tokens(lengths, shuffled, 64)
    assert padded_tokens(lengths, bucketed, 64) >= lengths.sum()


def test_the_batch_order_changes_with_the_random_state():
    lengths = np.random.RandomState(1).randint(1, 60, size=1024)
    first = bucketed_order(lengths, 32, np.random.RandomState(0))
    again = bucketed_order(lengths, 32, np.random.RandomState(0))
    other = bucketed_order(lengths, 32, np.random.RandomState(1))
    assert first.tolist() == again.tolist()
    assert first.tolist() != other.tolist()


def model_data(lengths, labels) -> RasaModelData:
    sequences = [scipy.sparse.coo_matrix(np.ones((n, 3))) for n in lengths]
    label_ids = [np.array([label]) for label in labels]
    return RasaModelData(
        label_key="label",
        label_sub_key="ids",
        data={
            "text": {"sequence": [FeatureArray(np.array(sequences), number_of_dimensions=3)]},
            "label": {"ids": [FeatureArray(np.array(label_ids), number_of_dimensions=2)]},
        },
    )


def test_example_lengths_are_the_token_counts():
    data = model_data([3, 1, 7], [0, 1, 0])
    assert example_lengths(data.data).tolist() == [3, 1, 7]


@pytest.mark.parametrize("strategy", ["balanced", "sequence"])
def test_the_generator_pads_less_and_still_shows_every_example(strategy):
    rng = np.random.RandomState(5)
    lengths = rng.choice([2, 4, 6, 40], size=600, p=[0.4, 0.3, 0.25, 0.05])
    labels = rng.randint(0, 4, size=600)
    data = model_data(lengths, labels)

    def epoch_cost(generator: RasaBatchDataGenerator) -> int:
        batch_lengths = example_lengths(generator._data)
        order = np.arange(len(batch_lengths))
        return padded_tokens(batch_lengths, order, generator._current_batch_size)

    np.random.seed(0)
    plain = RasaBatchDataGenerator(data, batch_size=64, epochs=2, batch_strategy=strategy)
    np.random.seed(0)
    bucketed = LengthBucketedBatchGenerator(data, batch_size=64, epochs=2, batch_strategy=strategy)
    assert epoch_cost(bucketed) < 0.6 * epoch_cost(plain)
    assert sorted(example_lengths(bucketed._data).tolist()) == sorted(
        example_lengths(plain._data).tolist()
    )
    assert len(bucketed) == len(plain)


def test_rasa_builds_bucketed_generators_only_inside_the_context():
    data = model_data([1, 2, 3, 4], [0, 1, 0, 1])
    with bucketed_training_batches():
        generator, _ = train_utils.create_data_generators(data, 2, 1)
    assert isinstance(generator, LengthBucketedBatchGenerator)
    assert generator.chunk_batches == 16
    generator, _ = train_utils.create_data_generators(data, 2, 1)
    assert type(generator) is RasaBatchDataGenerator


def test_the_original_generator_is_restored_after_an_error():
    with pytest.raises(RuntimeError):
        with bucketed_training_batches():
            raise RuntimeError("training failed")
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator
