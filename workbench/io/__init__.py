"""Files in and out: transcript and table readers, the formats registry, REFI-QDA exchange, exports.

Reads and writes researchers' files defensively and turns them into core data; knows
nothing of the study's database or of the models.
"""
