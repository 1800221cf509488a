"""What the codebook says across the study: prevalence by group, saturation, agreement.

Pure functions over the codebook's themes, the segments and the validation votes; the
facade gathers those and the command line and the Analysis and Validation pages show
what comes back. Three questions researchers ask before they report a theme:

- *Prevalence*: how many participants, in each site, role or group, voiced it? Counts
  of participants, not only of segments, because one talkative person's twenty turns are
  not twenty voices. Interviewer turns never count.
- *Saturation*: taking the interviews in the order they were held, when did new
  interviews stop adding themes? Measured as Guest, Namey & Chen (2020, PLOS ONE
  15(5): e0232076) propose: the themes a run of interviews adds, as a share of those
  found in a base of earlier interviews; saturation when that share falls to a
  threshold (their defaults: base 4, run 2, threshold 5%).
- *Agreement*: in a validation session, did the reviewers' verdicts on the themes agree
  beyond chance? Cohen's kappa for every pair of reviewers, Krippendorff's alpha for the
  whole group (any number of reviewers, items some reviewers skipped), the plain share of
  agreeing pairs beside them, and the items they disagree on, for adjudication.

Each question has its own module (``analysis_prevalence``, ``analysis_saturation``,
``analysis_agreement``), with what prevalence and saturation share (which columns are
groups, which order interviews) in ``analysis_groups``; this module is the one entry the
rest of the workbench imports from.
"""

from __future__ import annotations

from workbench.core.analysis_agreement import (
    Agreement,
    ItemVotes,
    PairAgreement,
    agreement,
    cohen_kappa,
    kappa_strength,
    sessions,
)
from workbench.core.analysis_groups import GROUPINGS, NO_VALUE, group_of, grouping_columns, order_columns
from workbench.core.analysis_prevalence import SMALL_GROUP, Prevalence, PrevalenceCell, prevalence
from workbench.core.analysis_saturation import Saturation, SaturationStep, saturation, transcript_order

__all__ = [
    "GROUPINGS",
    "NO_VALUE",
    "SMALL_GROUP",
    "Agreement",
    "ItemVotes",
    "PairAgreement",
    "Prevalence",
    "PrevalenceCell",
    "Saturation",
    "SaturationStep",
    "agreement",
    "cohen_kappa",
    "group_of",
    "grouping_columns",
    "kappa_strength",
    "order_columns",
    "prevalence",
    "saturation",
    "sessions",
    "transcript_order",
]
