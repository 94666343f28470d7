"""The one name canonicaliser (storylens.names), used per article and across articles."""

import pytest

from storylens import actors, names, sources


def test_name_words_drop_determiners_and_al_prefixes():
    assert names.name_words("the Syrian Observatory") == ["syrian", "observatory"]
    assert names.name_words("Yasser al-Youssef") == ["yasser", "youssef"]
    assert names.name_words("Sen. O’Brien") == ["sen", "o'brien"]
    assert names.name_words("the") == []


def test_contains_is_a_run_of_words():
    assert names.contains(["a", "b", "c"], ["b", "c"])
    assert not names.contains(["a", "b", "c"], ["a", "c"])
    assert not names.contains(["a"], [])


def test_is_proper_skips_determiners():
    assert names.is_proper("the Observatory")
    assert not names.is_proper("the state broadcaster")
    assert not names.is_proper("")


@pytest.mark.parametrize("a, b, actor, speaker", [
    ("Youssef", "Yasser al-Youssef", True, True),
    ("Al-Youssef", "Yasser al-Youssef", True, True),
    ("Observatory", "Syrian Observatory for Human Rights", True, True),
    ("state broadcaster", "regime-run broadcaster", False, True),
    ("Yasser al-Youssef", "Yasser Youssef", True, True),  # "al-" aside, the same words
    ("Jane Smith", "John Smith", False, False),
    ("Bill Kestrel", "William Kestrel", False, True),  # a nickname is the same first name
    ("Bill Kestrel", "Walter Kestrel", False, False),
    ("the mayor", "the fire chief", False, False),
    ("Yasser al-Youssef", "Muhammed Mesleti", False, False),
])
def test_strengths_within_an_article(a, b, actor, speaker):
    assert names.same_actor(a, b) is actor and names.same_actor(b, a) is actor
    assert names.same_speaker(a, b) is speaker and names.same_speaker(b, a) is speaker


def test_unattributed_is_nobody():
    assert not names.same_speaker("unattributed", "unattributed")


@pytest.mark.parametrize("a, b, people, same", [
    ("Varga", "Michael Varga", True, True),
    ("Varga", "Michael Varga", False, False),  # an organisation only before a company suffix
    ("Marian Holcott", "Marian Ashby Holcott", True, True),
    ("Anthony M. Pryde", "Anthony Pryde", True, True),
    ("Dwight Lee Orland Jr.", "Dwight Lee Orland", True, True),
    ("Jane Roe", "John Roe", True, False),
    ("Wal-Mart", "Wal-Mart Stores Inc.", False, True),
    ("Social Security", "Strengthen Social Security", False, False),
    ("Kessling", "Kessling Tenants' Organisation", False, False),
])
def test_same_name_across_articles(a, b, people, same):
    assert names.same_name(a, b, people) is same and names.same_name(b, a, people) is same


def test_clusters_never_join_names_one_article_keeps_apart():
    nodes = [("a", "George W. Tallis"), ("a", "Jeb Tallis"), ("b", "Tallis"), ("b", "George W. Tallis"),
             ("c", "Jeb Tallis"), ("c", "Wal-Mart")]
    clusters = names.cluster_names(nodes, [True] * 5 + [False])
    assert clusters[0] == clusters[3] and clusters[1] == clusters[4]
    assert clusters[0] != clusters[1]
    assert clusters[2] in (clusters[0], clusters[1])  # 'Tallis' joins one of them, not both
    assert clusters[5] not in clusters[:5]


def test_clusters_join_exact_matches_first():
    # 'Holcott' could be either; the exact pair 'Bill Holcott' / 'Bill Holcott' joins before
    # 'Holcott' is considered, and article a's two Holcotts stay apart.
    nodes = [("a", "Bill Holcott"), ("a", "Marian Holcott"), ("b", "Bill Holcott"), ("b", "Holcott")]
    clusters = names.cluster_names(nodes, [True] * 4)
    assert clusters[0] == clusters[2] and clusters[0] != clusters[1]


def test_display_name_prefers_a_full_name_without_titles():
    neutral = {"house", "majority", "whip"}.__contains__
    shown = names.display_name(["McCarthy", "House Majority Whip Kevin McCarthy", "McCarthy"], True,
                               lambda w: w.lower() in {"house", "majority", "whip"})
    assert shown == "Kevin McCarthy"
    assert names.display_name(["McCarthy", "McCarthy", "Kevin McCarthy"], False, neutral) == "McCarthy"


def test_canonical_agency():
    assert names.canonical_agency("The  Associated Press") == "AP"
    assert names.canonical_agency("Agence France-Presse") == "AFP"
    assert names.canonical_agency("Reuters TV") is None


def test_one_implementation():
    """sources and actors use these functions, not copies."""
    assert sources.same_actor is names.same_actor and sources.same_speaker is names.same_speaker
    assert sources.name_words is names.name_words and sources._is_proper is names.is_proper
    assert sources.canonical_agency is names.canonical_agency
    assert actors._same_name is names.same_name


@pytest.mark.parametrize("a, b, same", [
    ("Bill Kristol", "William Kristol", True),
    ("Bill Kristol", "Kristol", True),
    ("Dave Brat", "David Brat", True),
    ("Jane Roe", "John Roe", False),
    ("Dan Roe", "Danielle Roe", False),   # a prefix is no nickname
    ("Bill Kristol", "William Kristoff", False),
])
def test_same_person_knows_short_first_names(a, b, same):
    assert names.same_person(a, b) is same and names.same_person(b, a) is same
