"""Evaluating Siamese networks: N-way one-shot tasks, Lake's 20 runs, verification pairs (NumPy)."""
