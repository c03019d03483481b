"""Argos Translate packages, read natively: the package format, the model store, the manifest.

We do not import ``argostranslate``: it pulls stanza and torch, and reaches the network.
"""
