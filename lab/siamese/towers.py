"""The shared convolutional towers (encoders) of the Siamese networks, in Keras 3.

``koch``: the architecture of Koch, Zemel & Salakhutdinov (2015) at 105x105: 64@10x10, max-pool,
128@7x7, max-pool, 128@4x4, max-pool, 256@4x4, dense 4096 sigmoid (38.9M parameters with its head).

``compact``: designed for a laptop CPU. Inputs are downsampled 3x (35x35, 9x fewer pixels), and four
blocks of 3x3 convolutions with batch normalisation (the "Conv-4" encoder of matching and prototypical
networks) give a 256-d code with 0.11M parameters: about 100x less compute per image than Koch's tower,
so a few minutes of CPU training see hundreds of thousands of pairs. See docs/MODELS.md for the
measurements behind this choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.i18n import N_

ARCHITECTURES = ("compact", "koch")


@dataclass(frozen=True)
class ArchitectureSpec:
    name: str
    downsample: int  # input = 105 / downsample pixels square
    description: str


# Descriptions in English, marked with N_ (built once per server): pages show _(spec.description).
SPECS = {
    "compact": ArchitectureSpec("compact", 3, N_("Conv-4 (64 filters, BN, ReLU) on 35x35 inputs, 256-d code")),
    "koch": ArchitectureSpec("koch", 1, N_("Koch et al. 2015 on 105x105 inputs, 4096-d sigmoid code")),
}


def build_tower(architecture: str, embedding_dim: int | None = None, normalize: bool = False):  # -> keras.Model
    """The encoder named ``architecture``.

    ``embedding_dim`` adds a linear projection and ``normalize`` scales codes to unit length (both for the
    metric losses, whose distances then lie in [0, 2]).
    """
    import keras
    from keras import layers

    from lab.siamese.layers import FusedBatchNormalization, L2Normalize

    spec = SPECS[architecture]
    size = 105 // spec.downsample
    inputs = keras.Input((size, size, 1), name="image")
    x = inputs
    if architecture == "compact":
        for block in range(4):
            x = layers.Conv2D(64, 3, padding="same", use_bias=False, name=f"conv{block + 1}")(x)
            x = FusedBatchNormalization(momentum=0.9, name=f"bn{block + 1}")(x)
            x = layers.ReLU(name=f"relu{block + 1}")(x)
            x = layers.MaxPooling2D(2, name=f"pool{block + 1}")(x)
        x = layers.Flatten(name="flatten")(x)
    elif architecture == "koch":
        regularizer = keras.regularizers.l2(2e-4)
        x = layers.Conv2D(64, 10, activation="relu", kernel_regularizer=regularizer, name="conv1")(x)
        x = layers.MaxPooling2D(name="pool1")(x)
        x = layers.Conv2D(128, 7, activation="relu", kernel_regularizer=regularizer, name="conv2")(x)
        x = layers.MaxPooling2D(name="pool2")(x)
        x = layers.Conv2D(128, 4, activation="relu", kernel_regularizer=regularizer, name="conv3")(x)
        x = layers.MaxPooling2D(name="pool3")(x)
        x = layers.Conv2D(256, 4, activation="relu", kernel_regularizer=regularizer, name="conv4")(x)
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="sigmoid", kernel_regularizer=keras.regularizers.l2(1e-3), name="dense")(x)
    else:
        raise ValueError(f"unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}")
    if embedding_dim:
        x = layers.Dense(embedding_dim, name="projection")(x)
    if normalize:
        x = L2Normalize(name="normalize")(x)
    return keras.Model(inputs, x, name="tower")
