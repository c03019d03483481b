"""The stages of the chain, in the order documents flow: read → extract → clean → detect →
sentences → translate. Each is a :class:`~normalise.stages.base.Stage`; the chain is
:class:`~normalise.stages.pipeline.Pipeline`."""
