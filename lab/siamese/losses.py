"""The three training objectives, on the same towers (TensorFlow tensors in, scalar loss out).

- Koch et al. (2015): a logistic unit on the L1 distance of two codes, binary cross-entropy.
- Contrastive (Hadsell, Chopra & LeCun 2006): pull same pairs together, push different pairs at least
  ``margin`` apart: ``y d^2 + (1 - y) max(0, margin - d)^2``.
- Triplet (Schroff et al. 2015, FaceNet): an anchor must be closer to a positive than to a negative by
  ``margin``: ``max(0, d(a, p) - d(a, n) + margin)``. Random triplets are mostly already satisfied and teach
  nothing, so we mine: in a batch of P characters x K drawings, each anchor is paired with its hardest
  positive and hardest negative ("batch hard", Hermans et al. 2017).

The metric losses work on L2-normalised codes, so distances lie in [0, 2] and margins are comparable.
"""

from __future__ import annotations

LOSSES = ("bce", "contrastive", "triplet")
DEFAULT_MARGINS = {"contrastive": 1.0, "triplet": 0.5}


def bce(targets, probabilities, epsilon: float = 1e-7):  # -> tf.Tensor
    """Mean binary cross-entropy of predicted probabilities against 0/1 targets."""
    import tensorflow as tf

    targets = tf.cast(targets, probabilities.dtype)
    p = tf.clip_by_value(probabilities, epsilon, 1.0 - epsilon)
    return -tf.reduce_mean(targets * tf.math.log(p) + (1.0 - targets) * tf.math.log(1.0 - p))


def contrastive(targets, distances, margin: float):  # -> tf.Tensor
    import tensorflow as tf

    targets = tf.cast(targets, distances.dtype)
    same = targets * tf.square(distances)
    different = (1.0 - targets) * tf.square(tf.nn.relu(margin - distances))
    return tf.reduce_mean(same + different)


def pairwise_distances(embeddings):  # -> tf.Tensor
    """Euclidean distance matrix of a batch of embeddings (rows), with a safe gradient at zero."""
    import tensorflow as tf

    squared = tf.reduce_sum(tf.square(embeddings), axis=1)
    d2 = squared[:, None] - 2.0 * tf.matmul(embeddings, embeddings, transpose_b=True) + squared[None, :]
    d2 = tf.nn.relu(d2)
    zero = tf.cast(tf.equal(d2, 0.0), d2.dtype)
    return tf.sqrt(d2 + zero * 1e-16) * (1.0 - zero)


def triplet_batch_hard(embeddings, labels, margin: float):  # -> tf.Tensor
    """Batch-hard triplet loss: for every anchor, its farthest positive and nearest negative."""
    import tensorflow as tf

    distances = pairwise_distances(embeddings)
    same = tf.equal(labels[:, None], labels[None, :])
    eye = tf.eye(tf.shape(labels)[0], dtype=tf.bool)
    positive_mask = tf.cast(tf.logical_and(same, tf.logical_not(eye)), distances.dtype)
    negative_mask = tf.cast(tf.logical_not(same), distances.dtype)
    hardest_positive = tf.reduce_max(distances * positive_mask, axis=1)
    # Push same-label entries out of the min by adding the largest distance to them.
    largest = tf.reduce_max(distances, axis=1, keepdims=True)
    hardest_negative = tf.reduce_min(distances + largest * (1.0 - negative_mask), axis=1)
    return tf.reduce_mean(tf.nn.relu(hardest_positive - hardest_negative + margin))
