"""Face recognition in four stages, over DeepFace: detect, align, embed, match.

- ``photos``: uploaded or stored photos as BGR arrays (the format DeepFace and OpenCV take), with clear refusals.
- ``detection``: the faces in a photo (any DeepFace detector, and Viola-Jones with its own parameters).
- ``embedding``: a face as a vector (DeepFace's models), the distance between two vectors, and the decision against a
  threshold (DeepFace's table per model and metric).
- ``pipeline``: two photos verified (detect, embed, compare), the steps shared by the pages and the command line.
- ``gallery``: a gallery, the set of faces enrolled under one name (the page's "face database"), as read at one
  revision; ``gallery_index`` matches a face against it (NumPy only); ``gallery_repository`` is its SQL, in the
  shared database (:mod:`lab.db`); ``thumbnails`` its faces' pictures; ``npz_import`` galleries of earlier versions.
  Enrolling, removing, clearing: :mod:`lab.workflows.gallery`.
- ``calibration``: ROC and EER of a model on a folder of labelled photos, to choose a threshold.
- ``experiment``: 2-fold cross-validation of a small CNN against DeepFace embeddings + nearest neighbour.
- ``catalog``: every DeepFace model and detector, and whether it can run here without a download.
- ``weights``: DeepFace's weight files made ready for offline use.

Nothing here imports DeepFace or TensorFlow at import time: the app's other pages stay fast.
"""
