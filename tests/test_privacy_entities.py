"""People, institutions, addresses and places nobody listed: each detector's finds and look-alikes, the study's
place list, the rules that hold for any text, and the language model's integrity check."""

from __future__ import annotations

import shutil
import string
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import InputError, WorkbenchError
from workbench.privacy.entities import MODEL_FILES, find_entities, load_model, model_dir, verify_model
from workbench.privacy.scan import TYPES, PlaceList, read_places, scan, scan_text


def found(text: str, places: PlaceList | None = None) -> list[tuple[str, str]]:
    return [(h.type, text[h.start:h.end]) for h in scan_text(text, places=places)]


def of_type(text: str, kind: str) -> list[str]:
    return [t for k, t in found(text) if k == kind]


def test_the_new_types_are_known():
    assert {"person", "institution", "address", "place"} <= set(TYPES)


# ---- people ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("the referral came in about Jordan, and his gran rang", "Jordan"),
    ("and then her gran Pauline rang the office", "Pauline"),
    ("I told them my son Reece was scared", "Reece"),
    ("we knew Jordan's mum from before", "Jordan"),  # a possessive is left off
    ("so [NAME] and Tyler went home", "Tyler"),
    ("her stepdad Darrell came to the meeting", "Darrell"),
    ("it was Kacper who told the teacher", "Kacper"),  # Polish
    ("she said Abdirahman had not eaten", "Abdirahman"),  # Somali
    ("we rang Gurpreet about it", "Gurpreet"),  # Punjabi
    ("I think Chukwuemeka was at home", "Chukwuemeka"),  # Igbo
    ("and after that Ionuț stayed over", "Ionuț"),  # Romanian
    ("I spoke to her daughter Kayleigh-Ann again", "Kayleigh-Ann"),  # hyphenated
    ("then Marta Kowalczyk-Nowak arrived", "Marta Kowalczyk-Nowak"),  # surname joins the given name
    ("his little brother Alfie was there", "Alfie"),
])
def test_people_are_found(text, name):
    assert name in of_type(text, "person")


@pytest.mark.parametrize(("text", "score"), [
    ("and then her gran Pauline rang", 0.85),  # a relationship word
    ("so [NAME] and Tyler went home", 0.75),  # next to a placeholder
])
def test_people_found_by_rules_score_high(text, score):
    hit = next(h for h in scan_text(text) if h.type == "person")
    assert hit.score == score and hit.why


def test_a_given_name_the_model_also_reads_as_a_person_is_sure():
    text = "her gran said Abdirahman was at home"
    hit = next(h for h in scan_text(text) if h.type == "person")
    assert hit.score >= 0.7


def test_weaker_guesses_score_lower():
    text = "we went to see Wexcombe about it"  # no cue, no given name: a guess
    hits = [h for h in scan_text(text) if h.type in ("person", "place", "institution")]
    assert hits and all(h.score < 0.7 for h in hits)


@pytest.mark.parametrize("text", [
    "The Early Help team and Children's Services met with Social Care.",
    "We rang the MASH, then CAMHS, then Ofsted came, and the Police.",
    "The Local Authority said Working Together covers Child Protection.",
    "It went to the Family Court after the Front Door took it to the NHS.",
    "The NSPCC and Barnardo's both helped in January and on a Tuesday.",
    "Child A and Parent 2 met P03 and Young person 4 today.",
    "[NAME] went to [SCHOOL] with <NAME> and {name}.",
    "We moved from London to Birmingham, in England, up in the North.",
    "He is on YouTube and Snapchat all day and we shop at Tesco.",
    "I rang the school and the GP, and the nursery.",
    "So I said to her, I think it was Monday in March.",
    "The Virtual School and the Youth Offending Team were at the Core Group.",
    "The Interviewer asked me, and the Social Worker answered.",
])
def test_professional_and_public_words_are_not_findings(text):
    assert [k for k, _ in found(text) if k in ("person", "institution", "address", "place")] == []


def test_a_title_before_a_name_is_left_to_the_titled_name_rule():
    assert found("Then Dr Priya Patel rang.") == [("titled_name", "Dr Priya Patel")]


# ---- institutions ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("he goes to St Aidan's C of E Primary now", "St Aidan's C of E Primary"),
    ("she started at Larkfield Academy in year seven", "Larkfield Academy"),
    ("they took him to the Royal Victoria that night", "Royal Victoria"),
    ("we are with Highbury Road Surgery", "Highbury Road Surgery"),
    ("the nurse at Springfield Medical Centre said", "Springfield Medical Centre"),
    ("she was at Little Acorns Nursery until four", "Little Acorns Nursery"),
    ("he is in Oakwood Children's Home now", "Oakwood Children's Home"),
    ("then Fernhill College rang", "Fernhill College"),
    ("she was born at Kingsmead Hospital", "Kingsmead Hospital"),
])
def test_institutions_are_found(text, name):
    assert of_type(text, "institution") == [name]
    assert next(h for h in scan_text(text) if h.type == "institution").score >= 0.7


@pytest.mark.parametrize("text", [
    "he goes to the local primary school", "the Primary School was fine", "the High School rang",
    "she went to Secondary School in the autumn", "the hospital was busy", "the GP surgery was shut",
    "the Catholic High", "his Sixth Form College",
])
def test_generic_institutions_are_not_found(text):
    assert of_type(text, "institution") == []


# ---- addresses ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "address", "score"), [
    ("they lived at 14 Cable Street for years", "14 Cable Street", 0.85),
    ("we moved to 3a Orchard Close", "3a Orchard Close", 0.85),
    ("then to Flat 3, Kingsley House after that", "Flat 3, Kingsley House", 0.85),
    ("she lives at 221 Baker Rd now", "221 Baker Rd", 0.85),
    ("we walked down Cable Street together", "Cable Street", 0.6),
    ("the house on Jubilee Avenue was cold", "Jubilee Avenue", 0.6),
])
def test_addresses_are_found(text, address, score):
    hits = [h for h in scan_text(text) if h.type == "address"]
    assert [(text[h.start:h.end], h.score) for h in hits] == [(address, score)]


@pytest.mark.parametrize("text", [
    "it cost 14 pounds on the High Street", "there were 3 of them at the Family Court",
    "no way", "the Crown Court said so", "we waited 2 hours in the road",
])
def test_not_addresses(text):
    assert of_type(text, "address") == []


# ---- places ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place"), [
    ("we lived on the Meadowbank estate for years", "Meadowbank"),
    ("they moved over to the Birchfield Estate", "Birchfield Estate"),
    ("the councillor for Eastfield ward came", "Eastfield"),
    ("his nan lives up in Thornaby", "Thornaby"),
    ("she grew up in the village of Ashby", "Ashby"),
])
def test_places_are_found(text, place):
    assert place in of_type(text, "place")


@pytest.mark.parametrize("text", [
    "we moved up in London", "the estate was rough", "she lives in England now", "up in the North",
    "the children's ward was full", "Detective Constable Ward was kind",
])
def test_big_or_generic_places_are_not_found(text):
    assert of_type(text, "place") == []


def test_the_study_place_list_finds_its_places_surely(tmp_path):
    path = tmp_path / "places.txt"
    path.write_text("# local places\nWexcombe\nThe Hollies\n\n", encoding="utf-8")
    places = read_places(path)
    assert places.names == ("The Hollies", "Wexcombe") and len(places) == 2
    text = "We went from Wexcombe to the hollies and [Wexcombe] again."
    hits = [(h.type, text[h.start:h.end], h.score) for h in scan_text(text, places=places)]
    assert ("place", "Wexcombe", 1.0) in hits
    assert ("place", "hollies", 0.6) not in hits and ("place", "the hollies", 0.6) in hits
    assert ("place", "Wexcombe", 0.9) in hits  # inside brackets: still a real place on the list


def test_read_places_refuses_what_read_names_refuses(tmp_path):
    path = tmp_path / "places.txt"
    path.write_text("Wexcombe\nX\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"places.txt, line 2: the place 'X' is shorter than 2 characters"):
        read_places(path)
    with pytest.raises(InputError, match="no such file"):
        read_places(tmp_path / "nope.txt")


# ---- scan: batches, order and types ------------------------------------------------------------------------

def test_scan_batches_segments_and_keeps_their_order():
    segments = [("a", "my son Reece was there"), ("b", "nothing to see here"), ("c", "at Larkfield Academy then")]
    findings = scan(segments, places=None)
    assert [(f.segment_id, f.type, f.text) for f in findings] == [("a", "person", "Reece"),
                                                                  ("c", "institution", "Larkfield Academy")]


def test_find_entities_skips_the_model_for_texts_without_candidates(tmp_path):
    # A model path that does not exist would fail if the model were loaded: plain texts never load it.
    assert find_entities(["nothing here at all.", "It was fine. We went home."], model_path=tmp_path) == [[], []]


# ---- properties --------------------------------------------------------------------------------------------

NAMES = ["Jordan", "Reece", "Kacper", "Abdirahman", "Gurpreet", "Pauline", "Chukwuemeka", "Siobhan"]
FILLER = st.text(alphabet=string.ascii_lowercase + " ,.", max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=FILLER, after=FILLER, name=st.sampled_from(NAMES), cue=st.sampled_from(["", "my son ", "her gran "]))
def test_a_planted_name_is_found_where_it_is(before, after, name, cue):
    text = f"{before} and {cue}{name} {after}"
    hits = scan_text(text)
    for h in hits:
        assert text[h.start:h.end]  # offsets are into the text
    start = len(before) + 5 + len(cue)
    assert any(h.type == "person" and h.start == start and text[h.start:h.end] == name for h in hits)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=FILLER, after=FILLER, inside=st.sampled_from(["NAME", "Tyler", "Larkfield Academy", "14 Cable Street",
                                                            "Meadowbank estate", "Mr Smith", "Child A"]))
def test_nothing_is_found_inside_placeholders(before, after, inside):
    text = f"{before} [{inside}] {after}"
    low, high = len(before) + 1, len(before) + 3 + len(inside)
    for h in scan_text(text):
        assert h.end <= low or h.start >= high, (h, text)


FRAGMENTS = ["Jordan", "my son ", "her gran ", "[NAME]", " and ", "Larkfield", " Academy", "St ", "Aidan's",
             " C of E ", "Primary", "14 ", "Cable", " Street", "Flat 3, ", "Kingsley House", "the ", " estate",
             " ward", "up in ", "village of ", "Royal Victoria", ". ", "\n", "’s", "'s", "-", "Mr ", "Child A",
             "Early Help", "London", "Ō", "İ", "ß", "王", "\u0303", "é", "A", "Z"]
texts = st.one_of(st.text(), st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)),
                                      max_size=25).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, listed=st.booleans())
def test_scan_never_raises_and_findings_are_exact(text, listed):
    places = PlaceList(["Wexcombe", "Ashby"]) if listed else None
    previous_end = 0
    for f in scan([("s", text)], places=places):
        assert f.type in TYPES and 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text
        assert 0 < f.score <= 1 and f.why and f.start >= previous_end
        previous_end = f.end


# ---- the language model's integrity check ------------------------------------------------------------------

def test_the_installed_model_passes_its_check():
    verify_model(model_dir())
    assert load_model().pipe_names == ["ner"]


def test_a_tampered_weight_file_is_refused(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_dir(), copy)
    weights = copy / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    with pytest.raises(WorkbenchError, match=r"changed file, ner/model.*refusing to load it"):
        load_model(copy)
    with pytest.raises(WorkbenchError, match="changed file"):
        find_entities(["we saw Jordan there"], model_path=copy)


def test_a_model_missing_a_file_is_refused(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_dir(), copy)
    (copy / "ner" / "moves").unlink()
    with pytest.raises(WorkbenchError, match="missing ner/moves"):
        verify_model(copy)


def test_every_checked_file_is_one_the_model_has():
    assert all((model_dir() / name).is_file() for name in MODEL_FILES)
    assert isinstance(model_dir(), Path)


# Each detector both ways, for any words around it: what is planted is found where it is, of its type;
# a look-alike planted the same way is not found.
PLANTED = {
    "institution": ["Larkfield Academy", "St Aidan's C of E Primary", "Highbury Road Surgery", "Little Acorns Nursery",
                    "Northgate College"],
    "address": ["14 Bramley Road", "27 Elm Grove", "Flat 3, Kingsley House"],
    "place": ["Meadowbank estate", "Eastfield ward"],
}
LOOK_ALIKES = ["Early Help", "Children's Services", "Social Care", "the MASH", "CAMHS", "Ofsted", "the school",
               "the GP", "Monday", "London", "the Local Authority", "Child Protection", "the Front Door"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=FILLER, after=FILLER, kind=st.sampled_from(sorted(PLANTED)), data=st.data())
def test_a_planted_institution_address_or_place_is_found_where_it_is(before, after, kind, data):
    planted = data.draw(st.sampled_from(PLANTED[kind]))
    text = f"{before} we went to {planted} {after}"
    start = len(before) + len(" we went to ")
    hits = scan_text(text)
    named = len(planted.split()[0])  # the identifying words; "estate" or "ward" in lower case may stay outside
    assert any(h.type == kind and h.start <= start and h.end >= start + named for h in hits), (text, hits)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=FILLER, after=FILLER, word=st.sampled_from(LOOK_ALIKES))
def test_a_planted_look_alike_is_not_found(before, after, word):
    text = f"{before} we spoke to {word} {after}"
    start = len(before) + len(" we spoke to ")
    for h in scan_text(text):
        if h.score >= 0.5:
            assert h.end <= start or h.start >= start + len(word), (text, h)


def test_a_name_found_once_is_found_again_by_one_of_its_words():
    segments = [("a", "Harvard economist Ken Rogoff told me about the currency."),
                ("b", "Rogoff also said it would take years. Will you ask him?"),
                ("c", "We met Mark Will at the hub."), ("d", "[Rogoff] was redacted; so was Rogoff's office.")]
    found = scan(segments)
    by = {(f.segment_id, f.text): f for f in found}
    assert by[("a", "Ken Rogoff")].type == "person"
    assert by[("b", "Rogoff")].type == "person" and "elsewhere in the scan" in by[("b", "Rogoff")].why
    assert ("b", "Will") not in by, "a common word is not a name's word, even after 'Mark Will'"
    assert [f.text for f in found if f.segment_id == "d"] == ["Rogoff"], "not inside a placeholder; possessive off"
    for seg in {f.segment_id for f in found}:  # findings never overlap
        spans = sorted((f.start, f.end) for f in found if f.segment_id == seg)
        assert all(a[1] <= b[0] for a, b in pairwise(spans))
