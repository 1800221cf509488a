"""What the facade (``workbench.study``) delegates to: one module per concern, each a set of
functions taking the study: importing, runs, decisions, recording, privacy reviews, analyses, exports.
"""
