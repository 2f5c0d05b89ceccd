"""Face recognition in four stages, over DeepFace: detect, align, embed, match.

- ``photos``: uploaded or stored photos as BGR arrays (the format DeepFace and OpenCV take), with clear refusals.
- ``detection``: the faces in a photo (any DeepFace detector, and Viola-Jones with its own parameters).
- ``embedding``: a face as a vector (DeepFace's models) and the distance between two vectors.
- ``matching``: the decision against a threshold (DeepFace's table per model and metric).
- ``database``: people enrolled from photos, kept on disk, and identification of a new face.
- ``calibration``: ROC and EER of a model on a folder of labelled photos, to choose a threshold.
- ``experiment``: 2-fold cross-validation of a small CNN against DeepFace embeddings + nearest neighbour.
- ``catalog``: every DeepFace model and detector, and whether it can run here without a download.
- ``weights``: DeepFace's weight files made ready for offline use.

Nothing here imports DeepFace or TensorFlow at import time: the app's other pages stay fast.
"""
