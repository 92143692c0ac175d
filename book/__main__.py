"""`python -m book` is the `book` command."""

from book.cli import main

raise SystemExit(main())
