"""Readers: one module per source format, each turning a file's bytes into an ir.Chapter."""
