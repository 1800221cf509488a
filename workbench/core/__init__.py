"""The pure core: segments, the decision log and its rules, logic models and analyses.

No files, no SQL, no heavy libraries: plain data in, plain data out, so every rule here is
tested without a study or a model. Everything else in the package may import it; it imports
nothing of theirs.
"""
