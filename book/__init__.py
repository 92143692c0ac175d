"""book: turn a folder of web-novel chapters into a valid EPUB3 and a print-ready PDF."""

__version__ = "0.1.0"
