"""`python -m book` is the `book` command."""

from book.cli import main

# Guarded: PDF worker processes started with "spawn" import this module as __mp_main__.
if __name__ == "__main__":
    raise SystemExit(main())
