"""Small talk: turns with no analytic content, kept apart from the candidates in one named group.

An interview opens with greetings, consent and recording talk, is held together by
backchannels ("Mm-hmm.", "Yeah, yeah.") and closes with thanks and goodbyes. Clustered with
the rest, those turns made the largest candidate of the sample corpus (78 % small talk,
labelled "sorry / good luck / ahead / smiley") and diluted others. They are recognised here
by rules and the embedding model together, and discovery gathers them into one group that
the researcher sees, checks and dismisses with one click: never hidden, never dropped.

- **Rules** (English, or a study's own phrases): what share of a turn is social formula
  (greetings, thanks, apologies, consent, recording and sound checks, goodbyes,
  backchannels, laughter marks) and how many content words are left once it is taken out.
- **The model**: how much closer the turn's vector lies to examples of small talk than to
  examples of interview content (both lists below, general to any service and study; a
  study's own phrases join the small-talk side).
- **The question**: a short answer with no content words of its own ("Yes, that's fine.")
  is small talk after a procedural question ("Is it OK if I record?") and content after a
  substantive one ("Do you get feedback?" "Not really, no."), where discovery reads it with
  the question (``context``).

A turn with many content words is never small talk, whatever else it says: a long answer
that starts with "Sorry, yes" is an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CONTENT_EXAMPLES", "GROUP_LABEL", "SMALL_TALK_EXAMPLES", "SmallTalk", "SmallTalkSettings", "chatty",
           "find_small_talk", "formula_share"]

GROUP_LABEL = "Small talk and interview procedure"

# Examples of small talk in interviews, any service, any study: the model's side of the test.
SMALL_TALK_EXAMPLES = (
    "Hi, how are you?", "Good morning, nice to meet you.", "I'm fine thanks, a bit tired.",
    "Thank you so much for your time.", "Thanks, it was good to talk.", "No problem at all, happy to help.",
    "Sorry I'm late, the traffic was awful.", "Sorry about the background noise.", "Sorry, you broke up there.",
    "Can you hear me okay?", "Yes, I can hear you fine.", "You're on mute.", "Let me just turn my camera on.",
    "Is it okay if I record this?", "Yes, that's fine, go ahead.", "I've signed the consent form.",
    "I read the information sheet, happy to go ahead.", "Do I need to say my name?",
    "Shall we start?", "Mm-hmm.", "Yeah, yeah.", "Right.", "Okay.", "Sure.", "Uh-huh, go on.",
    "Sorry, can you say that again?", "What was the question again?", "I think that's everything.",
    "No, I don't think there's anything else.", "I hope that was useful.", "Good luck with the research.",
    "Cheers, take care.", "Bye, see you.", "Have a good weekend.", "You're welcome.", "No worries.",
    "Do you want a cup of tea before we start?", "I've got to go in five minutes.", "[laughs] Fair enough.",
    "Sorry, I rambled a bit there.", "Is that a word? [laughs]", "That's a good question.",
)

# Examples of what interviews are about, across services (the other side of the test).
CONTENT_EXAMPLES = (
    "We waited months before anyone came to see us.", "The referral form asks for things we don't know.",
    "Staff leave and the new ones have to learn the families again.", "The school never told us what was shared.",
    "Having the worker in the same office made the difference.", "The threshold keeps moving depending on demand.",
    "My son finally started going to school again.", "They didn't have an interpreter, so my daughter translated.",
    "The system doesn't talk to the health records.", "Nobody asked the child what they wanted.",
    "We audit a sample of cases every month and feed it back.", "I didn't trust them at first because of the police.",
    "Caseloads are too high to do proper visits.", "The online sessions were easier because I didn't have to travel.",
    "When the support ended there was nothing after it.", "Parents are often left out of the decision.",
    "The training helped us use the same language about risk.", "Families from our community are wary of services.",
    "It took three phone calls to find out what happened.", "I felt listened to for the first time.",
    "The funding was cut so the service closed on Fridays.", "We meet every morning to go through the new cases.",
    "The form was in English only.", "My confidence has come back and I sleep better.",
)

# Social formulae, English: a turn made of these and little else is small talk.
_FORMULAE = [
    r"(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|nice to (?:meet|see) you|how are you(?: doing)?)",
    r"(?:thank you(?: (?:so|very) much)?(?: for [^.?!]{0,40})?|thanks(?: a lot)?|cheers|ta|much appreciated|"
    r"(?:my )?pleasure|you're welcome|no (?:problem|worries|bother)|not at all)",
    r"(?:sorry|apologies|excuse me|pardon)",
    r"(?:can you hear me|i can hear you(?: fine)?|you're (?:on )?mute[d]?|(?:the )?(?:line|connection|sound|wifi|"
    r"signal|camera|video) [^.?!]{0,30}|you broke up|you('re| are) breaking up|background noise)",
    r"(?:(?:is it )?(?:ok|okay|alright|fine) (?:if|to) (?:i |we )?record[^.?!]{0,30}|record(?:ing)?|consent(?: form)?"
    r"|information sheet|(?:i've |i have )?(?:signed|read) (?:it|the form|the sheet)|happy to (?:go ahead|carry on|"
    r"continue|start)|go ahead|go on(?: then)?|shall we (?:start|begin)|let's (?:start|begin))",
    r"(?:bye|goodbye|see you(?: later| soon)?|take care|good luck(?: with [^.?!]{0,30})?|all the best|have a (?:good|"
    r"nice|lovely) [a-z]+|that's (?:everything|all|it)(?: from me)?|(?:i )?hope (?:that|it) (?:was|helps|helped)"
    r"[^.?!]{0,20})",
    r"(?:mm+-?hmm+|m+hm+|uh-?huh|um+|uh+|er+m?|ah+|oh|yeah|yep|yes|yup|no|nope|ok(?:ay)?|right|sure|alright|fine|"
    r"great|lovely|brilliant|good|cool|i see|fair enough|exactly|absolutely|definitely|of course|true|indeed|"
    r"that's (?:fine|right|true|good|ok(?:ay)?)|i know)",
    r"\[(?:laughs?|laughter|laughing|inaudible|crosstalk|pause|silence|coughs?|smiles?)\]",
]
_SOCIAL = re.compile(r"(?<!\w)(?:" + "|".join(_FORMULAE[:6] + _FORMULAE[7:]) + r")(?!\w)", re.IGNORECASE)
_BACKCHANNEL = re.compile(r"(?<!\w)(?:" + _FORMULAE[6] + r")(?!\w)", re.IGNORECASE)
# What asks something: a question mark, or a prompt ("Tell me about...", "Talk me through...").
_ASKS = re.compile(r"\?|^\W*(?:(?:so|and|okay|ok|right|now)\W+)*(?:tell|talk|describe|explain|say|walk|give)\b",
                   re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# A turn with this many content words or more is an answer, whatever else it says.
MAX_CONTENT_WORDS = 12
# A short answer is one with at most this many content words: small talk after a procedural question.
SHORT_ANSWER = 3
# A turn's margin clearly above its study's baseline (its median margin) reads as small talk.
MODEL_GAP = 0.15
# A cluster whose mean margin is this far above the baseline (and above 0) is small talk as a whole.
CLUSTER_GAP = 0.1


@dataclass(frozen=True)
class SmallTalkSettings:
    """How small talk is recognised in a study: ``language`` "english" (rules and examples above) or "off".

    ``phrases`` are the study's own examples of small talk (in any language): they join the
    model's examples and count as formulae in the rules.
    """

    language: str = "english"
    phrases: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.language != "off"


@dataclass(frozen=True)
class SmallTalk:
    """Which turns are small talk, and each turn's score (how much more like small talk than content)."""

    mask: list[bool]
    scores: list[float]  # each turn's margin: mean similarity to small-talk examples minus to content examples
    baseline: float = 0.0  # the study's median margin, what a turn's margin is read against

    @property
    def count(self) -> int:
        return sum(self.mask)


def _stop_words() -> frozenset[str]:
    from workbench.engine.keyword_text import keyword_stop

    return frozenset(keyword_stop())


@dataclass(frozen=True)
class Formulae:
    """What the rules read in one turn."""

    share: float  # of its words, inside social formulae or backchannels
    content: int  # content words left outside them
    social: bool  # a social formula (greeting, thanks, apology, consent, recording, goodbye, laughter) is there


def formula_share(text: str, extra: re.Pattern[str] | None = None) -> Formulae:
    """How much of a turn is formula, and how many content words are left once it is taken out.

    Content words are words outside the formulae that are not stop words: "Yes, that's fine,
    go ahead." leaves none; "Sorry, yes, the waiting list was a year." leaves "waiting",
    "list", "year". ``extra``: a study's own small-talk phrases, counted as social formulae.
    """
    words = _WORD.findall(text)
    social = bool(_SOCIAL.search(text)) or bool(extra is not None and extra.search(text))
    if not words:
        return Formulae(1.0, 0, social)
    rest = _SOCIAL.sub(" ", text)
    if extra is not None:
        rest = extra.sub(" ", rest)
    rest = _BACKCHANNEL.sub(" ", rest)
    left = _WORD.findall(rest)
    stop = _stop_words()
    content = [w for w in left if w.lower().strip("'’") not in stop and len(w) > 1]
    return Formulae(1.0 - len(left) / len(words), len(content), social)


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str] | None:
    cleaned = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in cleaned) + r")(?!\w)", re.IGNORECASE)


def _margins(unit: np.ndarray, embed: Callable[[Sequence[str]], np.ndarray], phrases: Sequence[str]) -> np.ndarray:
    """Each row's mean similarity to its 3 nearest small-talk examples minus to its 3 nearest content examples."""
    import numpy as np

    social = list(SMALL_TALK_EXAMPLES) + [p for p in phrases if p.strip()]
    examples = np.asarray(embed(social + list(CONTENT_EXAMPLES)), dtype=np.float32)
    examples /= np.clip(np.linalg.norm(examples, axis=1, keepdims=True), 1e-12, None)
    sims = unit @ examples.T
    near = 3

    def top(block: np.ndarray) -> np.ndarray:
        return np.sort(block, axis=1)[:, -near:].mean(axis=1)

    return top(sims[:, :len(social)]) - top(sims[:, len(social):])


def find_small_talk(texts: Sequence[str], unit: np.ndarray, questions: Sequence[str | None],
                    embed: Callable[[Sequence[str]], np.ndarray] | None,
                    settings: SmallTalkSettings = SmallTalkSettings()) -> SmallTalk:
    """Which of ``texts`` (their unit vectors in ``unit``) are small talk.

    ``questions``: the interviewer's turn before each (None where there is none), read to
    tell a short answer to a procedural question from a short answer to a real one.
    ``embed`` embeds the examples with the segments' model (None: rules alone).

    The model's margin is read against the study's own: its median over every turn is the
    study's baseline (``SmallTalk.baseline``), because how close talk lies to the content
    examples depends on its register (a casual counselling session lies nearer the small-talk
    examples throughout than a practitioner's interview), while small talk stands out from
    the rest of its own study in either.

    A turn with MAX_CONTENT_WORDS content words or more is never small talk. Otherwise:

    - **after a question** it is small talk only with a social formula and little else (half
      formula, at most SHORT_ANSWER content words: "Sorry, can you repeat that?"), or with a
      social formula and a margin clearly above the baseline (MODEL_GAP); a bare "Not
      really, no." answers the question, and discovery reads it with the question;
    - **otherwise** (no question before it, only a backchannel such as "Mm-hmm.", a
      statement that asks nothing, or a procedural question such as "Is it okay if I record
      this?") it is small talk when it is
      mostly formula (60 %) with at most SHORT_ANSWER content words, when its margin is
      clearly above the baseline with at most SHORT_ANSWER content words, or when it is a
      short answer to a procedural question.

    A turn asks when it has a question mark or opens with a prompt ("Tell me about...").
    A question is procedural when it has a social formula and either at most twice
    SHORT_ANSWER content words or a margin clearly above the baseline ("Before we start, can
    I check you've read the information sheet and are happy for me to record?"), or at most
    SHORT_ANSWER content words and a margin clearly above the baseline.
    """
    import numpy as np

    n = len(texts)
    if not settings.active or n == 0:
        return SmallTalk([False] * n, [0.0] * n)
    extra = _phrase_pattern(settings.phrases)
    read = [formula_share(t, extra) for t in texts]
    margins = _margins(unit, embed, settings.phrases) if embed is not None else np.zeros(n)
    baseline = float(np.median(margins)) if embed is not None else 0.0
    asked = sorted({q for q in questions if q})
    kind: dict[str, str] = {}  # question -> "backchannel", "procedural" or "question"
    if asked:
        q_margins = np.full(len(asked), baseline)
        if embed is not None:
            q_unit = np.asarray(embed(asked), dtype=np.float32)
            q_unit /= np.clip(np.linalg.norm(q_unit, axis=1, keepdims=True), 1e-12, None)
            q_margins = _margins(q_unit, embed, settings.phrases)
        for q, margin in zip(asked, q_margins.tolist(), strict=True):
            rules = formula_share(q, extra)
            if rules.share >= 1.0 and not rules.social:
                kind[q] = "backchannel"
            elif (rules.social and (rules.content <= 2 * SHORT_ANSWER or margin - baseline > MODEL_GAP)) or (
                    rules.content <= SHORT_ANSWER and margin - baseline > MODEL_GAP):
                kind[q] = "procedural"
            elif _ASKS.search(q):
                kind[q] = "question"
            else:
                kind[q] = "statement"
    mask = []
    for i, rules in enumerate(read):
        clear = float(margins[i]) - baseline > MODEL_GAP
        asked_by = kind.get(questions[i] or "", "none")
        few = rules.content <= SHORT_ANSWER
        if rules.content >= MAX_CONTENT_WORDS:
            small = False
        elif asked_by == "question":
            small = rules.social and ((rules.share >= 0.5 and few) or (clear and rules.content <= 2 * SHORT_ANSWER))
        else:
            small = few and (rules.share >= 0.6 or clear or asked_by == "procedural")
        mask.append(bool(small))
    return SmallTalk(mask, [round(float(m), 4) for m in margins], round(baseline, 4))


def chatty(labels: np.ndarray, stability: list[float], margins: np.ndarray,
           baseline: float) -> tuple[np.ndarray, list[float], np.ndarray]:
    """Clusters that are small talk as a whole, taken out: (labels renumbered, their stability, rows taken out).

    Chatty small talk ("Sorry about the dog, she'll settle in a minute") has content words
    of its own and escapes the turn-by-turn test, but it gathers: a cluster whose members lie
    on average closer to the small-talk examples than to the content examples (a mean margin
    over 0), and clearly more so than the study's turns do (CLUSTER_GAP over the baseline),
    is small talk, and its members join the small-talk group. On both written samples the
    clusters that are mostly small talk are exactly those; in casual counselling talk, whose
    every cluster lies nearer the small-talk examples, only clusters of backchannels stand
    out from the baseline (benchmarks/RESULTS.md, "Themes, not topics").
    """
    import numpy as np

    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    means = [float(margins[labels == c].mean()) for c in range(k)]
    talk = [c for c in range(k) if means[c] > 0 and means[c] - baseline > CLUSTER_GAP]
    moved = np.isin(labels, talk) if talk else np.zeros(len(labels), dtype=bool)
    if not talk:
        return labels, stability, moved
    kept = [c for c in range(k) if c not in talk]
    mapping = np.full(k + 1, -1)
    mapping[kept] = np.arange(len(kept))  # sizes keep their order: still largest first
    return mapping[labels], [stability[c] for c in kept], moved
