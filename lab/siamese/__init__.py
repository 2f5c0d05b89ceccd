"""Siamese networks for Omniglot: towers (Koch's and a compact CPU one), losses, training, the model store.

Everything here that needs TensorFlow imports it inside functions or in modules that only the training
and evaluation pages load, so that the app starts without it.
"""
