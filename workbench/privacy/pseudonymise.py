"""De-identified copies of transcripts, made in two steps so nothing is replaced that a researcher did not confirm.

Step one (``scan_files`` and ``findings_csv``) reads each file as a reader sees it and lists every likely
identifier (``privacy.scan.scan_text``, plus speakers' names in WebVTT voice tags) with a proposed placeholder and
an action: ``keep`` (replace it) at or above a score, ``ignore`` below. Nothing is copied. Step two
(``write_copies``) takes that list back after a researcher has edited it, checks each row against the files
as they are now, and writes a copy of each file in its own format and layout with every kept finding
replaced. Either step refuses a problem with one ``InputError`` naming the file and line, and step two writes
all copies or none.

Speakers are identifiers too: a label that names a person at the start of a line ("Andrew Knight:", "Jane
Smith (00:01:23):") and a WebVTT voice tag (``<v Jane Smith>``) are each one finding per speaker and file,
covering every place that speaker is named so; roles, codes and placeholders (Interviewer, P03, [Person 1])
are not. A label's placeholder loses its brackets where "[Person 1] (SW):" would no longer read as a label,
so a copy re-imports with the same turns and speakers.

Placeholders are consistent: the same original (ignoring case, and "Jordan" and "Jordan's" alike, the
possessive kept) always gets the same placeholder, within a run and, through a key file the researcher
names, across runs. The key maps placeholders back to real identifiers, so it is written only where asked
and never into the folder of copies. The findings file holds the identifiers too, with their context: it is
kept out of that folder as well (the folder's copies are for sharing and importing; ``workbench ingest`` would
even read a findings file there as a table, since it has ``id`` and ``text`` columns).

Each finding's ``where`` names its place in a person's terms (line and column; paragraph; cue; sheet and
cell) and is read back to find it again; ``file_sha256`` (a column beyond the brief's, last) says which
version of the file was scanned, so a file edited between the steps is refused rather than patched at
offsets that moved; each ``id`` ends in a check code over its file, place, type and text, so a row typed in
or pasted from elsewhere is refused as unknown.

This module is the entry that the command line (``cli.privacy``), the Study page and the tests call; the
work is in modules named for each part, so each stays small enough to read whole: ``pseudonym_key``
(placeholders and the key), ``pseudonym_findings`` (step one), ``pseudonym_review`` (the researcher's
decisions, read back and checked), ``pseudonym_copies`` (step two, and where files may be written) and
``pseudonym_uploads`` (both steps on the Study page's uploads). Each file is read and written by the module
for its format (``pseudonym_source`` for plain text and what every format shares, ``pseudonym_subtitles``,
``pseudonym_tables``, ``pseudonym_docx``), which ``pseudonym_formats`` chooses, and speakers' labels and
voice tags are read by ``pseudonym_speakers``.
"""

from __future__ import annotations

from workbench.privacy.pseudonym_copies import Outcome, check_paths, default_findings_path, write_copies
from workbench.privacy.pseudonym_findings import COLUMNS, Finding, findings_csv, scan_files
from workbench.privacy.pseudonym_formats import SUFFIXES
from workbench.privacy.pseudonym_key import KEY_COLUMNS, Key, norm, read_key
from workbench.privacy.pseudonym_source import replace_spans
from workbench.privacy.pseudonym_uploads import TABLE, Copies, copies_from_review, reviewed, scan_uploads

__all__ = [
    "COLUMNS",
    "KEY_COLUMNS",
    "SUFFIXES",
    "TABLE",
    "Copies",
    "Finding",
    "Key",
    "Outcome",
    "check_paths",
    "copies_from_review",
    "default_findings_path",
    "findings_csv",
    "norm",
    "read_key",
    "replace_spans",
    "reviewed",
    "scan_files",
    "scan_uploads",
    "write_copies",
]
