"""Transforms: pure Book → Book steps run between the reader and the writers."""
