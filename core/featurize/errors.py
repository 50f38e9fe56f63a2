"""Exceptions with messages meant for users: each names the file, plugin or feature at fault."""

from __future__ import annotations


class FeaturizeError(Exception):
    """Base class of every error featurize raises on purpose."""


class PluginError(FeaturizeError):
    """A plugin is broken, unknown, or declares something invalid."""


class ExtractionError(FeaturizeError):
    """An extractor cannot produce values for one track; the batch goes on.

    This is the *documented* error of the extractor contract: extractors raise it (or
    a subclass) for bad input, and the conformance kit checks that they do.
    """


class InputError(ExtractionError):
    """A track's input file is missing, unreadable, empty, or not what it claims to be."""


class MissingWeightsError(ExtractionError):
    """Model weights are not available; the message says how to provide them."""


class UnsafeWeightsError(MissingWeightsError):
    """A weights file holds more than data (a pickle, code, a foreign class): refused before it is loaded."""


class StoreError(FeaturizeError):
    """A file is not a featurize store, is of a newer format, or conflicts with a run."""


class StoreFullError(StoreError):
    """The file system of a store is full; finished tracks stay safe in its journal."""


class ConfigurationError(FeaturizeError):
    """Components cannot be combined as asked (a requirement without provider, ...)."""
