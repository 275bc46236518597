"""dealwatch: news -> deal events -> chat alerts."""

__version__ = "0.1.0"
