"""Writers: one module per output format, each reading only the IR (never a reader)."""
