"""Face recognition with DeepFace: weights for offline use, and the lab's additions to DeepFace."""
