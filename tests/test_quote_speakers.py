"""Regression tests for issue #7's error classes, on short invented articles,
plus a floor on the PolNeAR dev figures when ../shared is present."""

import sys
from pathlib import Path

import pytest

from storylens.analyze import analyze
from storylens.models import Article
from storylens.quotes import article_quotes
from storylens.sources import article_affiliations

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear-dev.jsonl"


def speakers(text):
    analysis = analyze([Article(id="t", text=text)])[0]
    return {q.text: q.speaker for q in article_quotes(analysis)}


def assert_speakers(text: str, expected: dict[str, str | None]) -> None:
    """Each quotation of `expected` (by its words) has that speaker, None for unresolved."""
    got = speakers(text)
    assert {quote: got.get(quote) for quote in expected} == expected


def test_attack_is_not_credited_to_its_target():
    got = speakers('Senator Maria Dorn attacked Governor Paul Fenwick on Monday.\n\n'
                   '"He has failed every family in this state," she said of Fenwick.\n')
    assert got["He has failed every family in this state"] == "Maria Dorn"


def test_pronoun_skips_the_co_defendant_of_the_other_gender():
    got = speakers('Congressman Walter Brisk was charged on Tuesday. His wife, Helen Brisk, was named as a co-defendant.\n\n'
                   '"I have done nothing wrong and I will prove it," he said.\n')
    assert got["I have done nothing wrong and I will prove it"] == "Walter Brisk"


def test_never_a_speaker_from_a_later_paragraph():
    got = speakers('The plan drew fire across the capital.\n\n'
                   '"This is a disgrace to the whole city council."\n\n'
                   'Officials at the Harbour Office, including Jon Tarr, declined to comment.\n')
    assert got["This is a disgrace to the whole city council."] == "unattributed"


# The gender an article gives a name by the pronouns that follow it.
GENDER_CASES = {
    "'X said he …' in the same sentence": (
        "Jamal Simmons, a harbour consultant, said he saw the shift in his own family.\n",
        {"Jamal Simmons": "m"}),
    "a clause's subject gets no 'she' of the next sentence": (
        "Noor Ebeling said she cannot tell where the Harbour Party is today. She laughed.\n",
        {"Noor Ebeling": "f", "Harbour Party": None}),
}


@pytest.mark.parametrize("case", GENDER_CASES)
def test_gender_from_the_pronoun_after_the_main_subject(case):
    from storylens.sources import article_names
    from storylens.speakers import SpeakerContext

    text, expected = GENDER_CASES[case]
    analysis = analyze([Article(id="t", text=text)])[0]
    ctx = SpeakerContext(analysis, article_names(analysis), [])
    assert {name: ctx.gender(name) for name in expected} == expected


def test_she_said_is_not_the_party_of_an_embedded_clause():
    got = speakers('Walking to the next house, Noor Ebeling recalled her days on the harbour board. Despite her '
                   'upbringing, she said she cannot make sense of where the Harbour Party is today. '
                   '"Old Captain Reyes would not recognize it," she said.\n')
    assert got["Old Captain Reyes would not recognize it"] == "Noor Ebeling"


def test_she_said_agrees_in_gender_with_the_speaker():
    got = speakers('Mayor Clara Voss met Tom Hale, her rival, at the quay.\n\n'
                   'Hale criticised the budget.\n\n'
                   '"We cannot keep spending money we do not have," she said.\n')
    # Never the man; the learned ranker is not sure enough of Clara Voss
    # three paragraphs back and leaves the quote unresolved (a known miss).
    assert got["We cannot keep spending money we do not have"] in ("Clara Voss", "unattributed")


# Quotes whose speaker a reader takes from around them (news leads are often cut off).
CONTEXT_CASES = {
    "a continuation paragraph keeps the speaker": (
        '"We will rebuild the pier before winter," Mayor Clara Voss said.\n\n'
        '"Nobody in this town will be left behind."\n',
        {"Nobody in this town will be left behind.": "Clara Voss"}),
    "a lead cut off inside a quote keeps its first word": (
        'Mayor Clara Voss defended the pier plan on Monday.\n\n'
        '"We will rebuild it before winter," Ms. Voss said. "It...\n',
        {"We will rebuild it before winter": "Clara Voss", "It...": "Clara Voss"}),
    "the sender of a tweet introduces the quotation that follows": (
        'After the vote, Tom Hale, a former harbour pilot, sent a tweet that summed up the mood.\n\n'
        '"A unanimous vote is the equivalent of finding a unicorn...\n',
        {"A unanimous vote is the equivalent of finding a unicorn...": "Tom Hale"}),
    "a quotation signed on the next line after a dash": (
        '\u201cThe harbour tax is theft. Who voted for this?\u201d\n\n'
        '\u2014 Harbour Party Chair Nora Lind, in a tweet, April 2, 2021\n\n'
        '\u201cWe will repeal it on day one.\u201d\n\n'
        '\u2014 Sen. Tom Hale (R-Ark.), in a tweet, April 3, 2021\n',
        {"The harbour tax is theft. Who voted for this?": "Nora Lind", "We will repeal it on day one.": "Tom Hale"}),
    "initials are the name the article spells out": (
        'The Harbour Safety Board (HSB) closed the pier on Monday.\n\n'
        '"The risk is very low," the HSB said in a statement.\n',
        {"The risk is very low": "Harbour Safety Board"}),
    "a long title between 'said' and the name after the quote": (
        '"Orders for new trawlers keep rising," said Always Fishing Lab head of economics Ilse Brandvold. "Even so...\n',
        {"Orders for new trawlers keep rising": "Ilse Brandvold", "Even so...": "Ilse Brandvold"}),
    "initials that keep a small word's letter are the name spelled out": (
        'The Kelby Bay Department of Fisheries found a \u201cshortfall\u201d in the cod tally on Wednesday.\n\n'
        '\u201cOur tally came up short and we are checking every boat,\u201d the DOF said in a statement.\n',
        {"Our tally came up short and we are checking every boat": "Department of Fisheries"}),
    "a lead's description is the person the next paragraph names with that title": (
        'A federal judge ordered the port to reopen on Friday, calling the closure an \u201cunlawful '
        'overreach\u201d of the harbour board.\n\n'
        'The order by U.S. District Judge Ana Ruiz is the first blow to the closure.\n',
        {"unlawful overreach": "Ana Ruiz"}),
    "a lead's description is the person subject who opens the next paragraph": (
        'The ferry board chief warned on Tuesday that there had been a \u201creckless rush\u201d to sell '
        'the old docks.\n\n'
        'Board Director-General Ivo Stern told reporters that the docks would be kept for now.\n',
        {"reckless rush": "Ivo Stern"}),
    "a lead's description is no person of another title named next": (
        'A federal judge ordered the port to reopen on Friday, calling the closure an \u201cunlawful '
        'overreach\u201d of the harbour board.\n\n'
        'Mayor Tom Hale said the city would appeal the order.\n',
        {"unlawful overreach": "federal judge"}),
    "the words of a document named in the paragraph before": (
        'Rep. Ada Crane, a critic of the port plan, assailed the governor in a tweet on Monday.\n\n'
        '\u201cThe harbour vote was not rigged. Anyone who says it was is lying.\u201d\n',
        {"The harbour vote was not rigged. Anyone who says it was is lying.": "Ada Crane"}),
    "a quotation sentence after the paragraph's attribution in the sentence before": (
        'Mira Kostova withdrew from the regatta on Sunday.\n\n'
        'The 31-year-old sailor explained that she needed to rest her shoulder first. \u201cThis season I '
        'promised myself I would race for the fun of it, and my arm kept telling me no...\n',
        {"This season I promised myself I would race for the fun of it, and my arm kept telling me no...": "Mira Kostova"}),
    "'the 14-year-old' after a quote is the person named before": (
        'The case stems from a post that Brandy Lenz, then a sophomore in Port Milo, sent to 250 followers.\n\n'
        '\u201cForget school, forget softball,\u201d the 14-year-old, frustrated at the...\n',
        {"Forget school, forget softball": "Brandy Lenz"}),
    "the person acting in the paragraph before speaks the quotation paragraph": (
        'Democratic Sen. Mark Lee (Ariz.) criticized Governor Tom Hale for not laying out a plan for the port '
        'on Wednesday.\n\n'
        '\u201cWhat I did not hear tonight was a plan to address the crisis at the port...\n',
        {"What I did not hear tonight was a plan to address the crisis at the port...": "Mark Lee"}),
    "'they' after two people who wrote together is both": (
        'Sen. Pia Arden, D-Ore., and Sen. Cole Baxby, R-Utah, wrote a letter Thursday urging the committee '
        'to fund the lighthouse program.\n\n'
        '"Keeping the coastal lights burning has never split this chamber," they wrote to the chairs.\n',
        {"Keeping the coastal lights burning has never split this chamber": "Pia Arden and Cole Baxby"}),
    "'a reporter' is a person, whom the next paragraph names": (
        'A reporter says she quit the Harbour Gazette because editors "forced" her to file an "incorrect" piece '
        'on the harbour master.\n\n'
        'Nora Blix posted about the piece and her departure on Tuesday.\n',
        {"forced": "Nora Blix", "incorrect": "Nora Blix"}),
    "'the company' is the organisation named in the paragraph before": (
        'Chat apps from Chatterly Inc. went dark for six hours on Monday before service returned, Chatterly Inc. '
        'says.\n\n'
        'A faulty update at Chatterly Inc. caused the fault.\n\n'
        'The company said it had found "no sign that any customer records were exposed".\n',
        {"no sign that any customer records were exposed": "Chatterly Inc."}),
    "a description is not the subject of the clause it reports": (
        'Sen. Tom Hale met with the harbour board on Monday to discuss the audit of harbour master Mark Steen.\n\n'
        'Steen must make "an appropriate decision about his future," the Vermont Republican said.\n',
        {"an appropriate decision about his future": "Tom Hale"}),
    "a place's official is the person named before": (
        'Come autumn, every child ought to be back in class.\n\n'
        'It took Bill Harmon to take the lead. "Every public school in the city will be open in September, '
        'all in person," announced Springfield\u2019s often-feckless mayor.\n',
        {"Every public school in the city will be open in September, all in person": "Bill Harmon"}),
    "the release of those who worked together to put out a statement": (
        'The Harbour Board and the Coast Guard worked together to release a calming statement as the storm '
        'passed.\n\n'
        'The evening press release said boats were \u201csafe to return to every berth in the bay.\u201d\n',
        {"safe to return to every berth in the bay.": "Harbour Board"}),
    "an ad speaks for whoever put it out": (
        'Mayoral hopeful Nora Blix released a one-minute ad on Sunday that tells residents to \u201cstand up to '
        'the port bosses\u201d this fall.\n\n'
        'The ad says \u201cthe harbour belongs to the people who work on it, not to the bosses.\u201d\n',
        {"stand up to the port bosses": "Nora Blix",
         "the harbour belongs to the people who work on it, not to the bosses.": "Nora Blix"}),
    "a writer quoted after 'as X observed' and a colon": (
        'Of course, as Joel Marsh of the Harbour Review observed, the biggest victor was not on the stage:\n\n'
        '\u201cThe clear winner of the night was the harbour network, which ran two lively sessions.\u201d\n',
        {"The clear winner of the night was the harbour network, which ran two lively sessions.": "Joel Marsh"}),
    "a role that is no office fits a person with another title": (
        'The mayor signed the harbour tax on Monday.\n\n'
        'Sen. Tom Hale is protesting the tax by giving away a fishing boat.\n\n'
        'The presidential candidate sent out an email to voters on Tuesday, asking them to enter the draw to '
        '\u201cwin my own fishing boat!\u201d\n',
        {"win my own fishing boat!": "Tom Hale"}),
    "a clause is no speaker": (
        'About half of the town has had the shot, according to the Harbour Health Agency.\n\n'
        'Continuing to deliver "shots in arms" will be key to ending the outbreak this year.\n',
        {"shots in arms": "unattributed"}),
}


@pytest.mark.parametrize("case", CONTEXT_CASES)
def test_a_speaker_from_the_context_of_the_quote(case):
    assert_speakers(*CONTEXT_CASES[case])


def test_titles_scare_quotes_and_labels_are_not_quotes():
    got = speakers('Governor Paul Fenwick appeared on "Morning Harbour Hour" on Sunday.\n\n'
                   'Critics called the plan "reckless" and mocked the "Clean Port" slogan.\n\n'
                   '<tweet id="123" author="@pfenwick">Great day.</tweet>\n')
    assert not [t for t in got if t in ("Morning Harbour Hour", "reckless", "Clean Port", "123", "@pfenwick")]
    got = speakers('The vote came at 4 a.m. after a \u201cvote-a-rama,\u201d during which senators offered amendments.\n\n'
                   'Responding to criticism of the planned \u201cdoor-to-door\u201d drive, Mr. Fenwick said it was voluntary.\n\n'
                   'A harbour clerk, known only as \u201cWitness #2\u201d in the report, testified.\n\n'
                   'He is named in a story entitled \u201cThe governor pushed back against the port plan\u201d last year.\n\n'
                   'She wrote a column under the headline \u201cThe Pier Is More Than a Landmark. We Must Save It\u201d.\n')
    assert not got
    # Shows with numbers or signs in their names, a show after its network's
    # possessive, and a term the writer calls so-called.
    got = speakers('The harbour pilot Ana Ruiz said in an interview with \u201c48 Hours\u201d on Sunday that the pier was unsafe.\n\n'
                   'Lt. Col. Tom Hale told Harbour News\u2019 \u201cHaskins\u201d that the videos \u201cwere sent out to every '
                   'base\u201d last week.\n\n'
                   'Mr. Hale said so on \u201cPort & Country.\u201d\n\n'
                   'Questions remain about the so-called \u201cpier collapse hypothesis\u201d among engineers.\n')
    assert set(got) == {"were sent out to every base"}


def test_affiliation_is_kept():
    analysis = analyze([Article(id="t", text="Jana Velik, from the farmers' group Green Valley Union, "
                                              "said the harvest was lost.\n")])[0]
    assert article_affiliations(analysis) == {"Jana Velik": "Green Valley Union"}


def test_dateline_is_never_the_speaker():
    got = speakers('Port council says sorry.\n\n'
                   'HARBOURTON, May 3 (Wire) — The Port Council issued "a full and sincere apology" to the fishermen.\n')
    assert got["a full and sincere apology"] != "HARBOURTON"


def test_party_tag_belongs_to_the_name_before():
    got = speakers('On Tuesday, Sen. Ann Lowe (D-Mass.) said, "We will not give up on this bill."\n')
    assert got["We will not give up on this bill."] == "Ann Lowe"
    got = speakers('Gov. Tom Brask (R-OH), said, "We are going all the way to the convention."\n')
    assert got["We are going all the way to the convention."] == "Tom Brask"


def test_place_subject_is_not_the_speaker():
    got = speakers('Speaking at a fair in Dunmore, North Carolina, Ray Falk went after Lee Gantt, '
                   'calling him "a total failure on every count."\n')
    assert got["a total failure on every count."] not in ("North Carolina", "Dunmore")


def test_names_from_title_case_lines_are_no_ones():
    from storylens.sources import article_names

    analysis = analyze([Article(id="t", text='Ray Falk Wins The Harbour Vote.\n\n'
                                             'Ray Falk Blames The Storm On Bad Planning\n\n'
                                             'Mr. Falk spoke to supporters on Monday.\n')])[0]
    assert not any("Blames" in n or "Wins" in n for _, n in article_names(analysis).full_names)


def test_name_does_not_swallow_the_next_words():
    from storylens.sources import article_names

    analysis = analyze([Article(id="t", text="Guests gathered at the Ray Falk North Dakota victory party.\n\n"
                                              "Falk said the night was long.\n")])[0]
    assert not any("Dakota" in n for _, n in article_names(analysis).full_names if "Falk" in n)


def test_attribution_split_off_after_a_question_mark():
    got = speakers('Lena Ortiz runs the field office of the Harbour campaign.\n\n'
                   '"When did the council ever ask what we can do to help?" Ortiz told reporters during '
                   'a long conference call on Tuesday afternoon.\n')
    assert got["When did the council ever ask what we can do to help?"] == "Lena Ortiz"


def test_continue_to_be_reports_nothing():
    got = speakers('Senator Ted Marlow praised his rival on Sunday. Marlow said he is certain Jon Pell will '
                   'continue to be "a champion for every port town in the state."\n')
    assert got["a champion for every port town in the state."] == "Ted Marlow"


def test_passive_agent_asked_the_question():
    got = speakers('Senator Jon Pell was asked by moderator Gerald Baxter whether his plan would risk '
                   '"adding another expensive program to an overburdened budget."\n')
    assert got["adding another expensive program to an overburdened budget."] == "Gerald Baxter"


def test_speaker_of_the_main_clause_not_the_embedded_subject():
    got = speakers('Governor Paul Fenwick is questioning whether Mayor Clara Voss would have attended '
                   'the ceremony "if it were held in a warehouse."\n')
    assert got["if it were held in a warehouse."] == "Paul Fenwick"


def test_an_unnamed_report_inside_a_named_report_is_the_named_reporter_s():
    got = speakers('The harbour agency hit back at claims by radio host Tom Hale that it is spying on him.\n\n'
                   'Hale, a long-time critic of the mayor, said on Monday that a harbour whistle-blower had told '
                   'him the agency was watching him for "political reasons".\n')
    assert got["political reasons"] == "Tom Hale"


def test_a_subject_in_quotation_marks_comes_after_the_others():
    # The mis-parse of 'Citing "statements", Lo said' as two subjects, with
    # the person tagged a place: the quoted words are not who speaks.
    import spacy
    from spacy.tokens import Doc

    from storylens.sources import subject_heads

    doc = Doc(spacy.blank("en").vocab, words=["Citing", '"', "statements", '"', ",", "Lo", "said", "."],
              spaces=[True, False, False, False, True, True, False, False], heads=[2, 2, 6, 2, 6, 6, 6, 6], deps=["amod", "punct", "nsubj", "punct", "punct", "nsubj", "ROOT", "punct"],
              pos=["VERB", "PUNCT", "NOUN", "PUNCT", "PUNCT", "PROPN", "VERB", "PUNCT"],
              ents=["O"] * 5 + ["B-GPE", "O", "O"])
    assert [t.text for t in subject_heads(doc[6])] == ["Lo"]


def test_a_surname_tagged_a_place_is_the_person_named_before():
    # The tagger takes the surname after 'in Texas,' for a place (as it does on
    # real leads); the article named the person in full before.
    from spacy.tokens import Span

    analysis = analyze([Article(id="t", text=(
        'Harbour Security Secretary Alejo Varkas announced Thursday that patrol boats stopped over 2,000 trawlers '
        'in July.\n\n'
        'During a stop at the port in Texas, Varkas commented that 2,100 trawlers were stopped in July, a 13 percent '
        'rise over June. He acknowledged that the situation at the port is a crisis, calling it '
        '\u201cone of the hardest tasks we face.\u201d\n'))])[0]
    doc = analysis.doc
    again = [t for t in doc if t.text == "Varkas"][1]
    doc.ents = [e for e in doc.ents if not e.start <= again.i < e.end] + [Span(doc, again.i, again.i + 1, label="GPE")]
    got = {q.text: q.speaker for q in article_quotes(analysis)}
    assert got["one of the hardest tasks we face."] == "Alejo Varkas"


def test_named_apposition_speaks_for_the_description():
    got = speakers('Lena Ortiz is claiming a victory of sorts.\n\n'
                   'A senior adviser, Mark Vell, tells reporters that her showing will '
                   '"push another rival out of the contest."\n')
    assert got["push another rival out of the contest."] == "Mark Vell"


def test_things_are_not_speakers():
    got = speakers('Maria Dorn spoke at the harbour on Monday.\n\n'
                   'He criticized Fenwick’s track record said he "never balanced a single budget in ten years."\n')
    assert "record" not in got["never balanced a single budget in ten years."]


def test_surname_is_not_an_organisation_named_after_someone():
    got = speakers('Mourners gathered at the King Street Baptist Church on Friday.\n\n'
                   'Tennis great Billie Jean King was among them. King says Ali "walked the walk every '
                   'single day."\n')
    assert got["walked the walk every single day."] == "Billie Jean King"


def test_colon_introduction_takes_the_main_verb():
    got = speakers('When Ostrow retired in 2003, Governor Lena Pardo released the following statement:\n\n'
                   '"We thank a stubborn old friend of the valley and wish him many quiet mornings."\n')
    assert got["We thank a stubborn old friend of the valley and wish him many quiet mornings."] == "Lena Pardo"


def test_pronoun_after_a_titled_speaker_with_apposition():
    got = speakers('"We will meet again next week," Speaker Paul Brennick said on Thursday.\n\n'
                   'Republican Rep. Lee Marden of Kestrel, a supporter of the plan, said it would help both sides.\n\n'
                   '"It is not do or die for any one endorsement," he said outside the hall.\n')
    assert got["It is not do or die for any one endorsement"] == "Lee Marden"


def test_participle_reports_for_the_verb_above():
    got = speakers('Governor Paul Fenwick told the Gazette that Mayor Clara Voss "ran a reckless budget," '
                   'adding, "She lost every vote on the council last year."\n')
    assert got["She lost every vote on the council last year."] == "Paul Fenwick"


def test_sentence_pronoun_subject_before_an_embedded_name():
    got = speakers('Senator Ted Marlow spoke in Kestrel on Monday.\n\n'
                   'He declared that as long as the field stayed divided, Paul Fenwick would have a path to '
                   'victory, which he declared "a total disaster" for the party.\n')
    assert got["a total disaster"] == "Ted Marlow"


def test_quoted_transcript_line_names_its_speaker():
    got = speakers('Partial transcript as follows:\n\n'
                   '"OLSEN: Governor Paul Fenwick, did you know about the leak in March?\n\n'
                   '"FENWICK: I knew what the engineers told me, and I acted on it the same day.\n')
    assert got["FENWICK: I knew what the engineers told me, and I acted on it the same day."] == "Paul Fenwick"
    assert got["OLSEN: Governor Paul Fenwick, did you know about the leak in March?"] == "Olsen"


def test_party_tag_after_an_office_is_never_the_speaker():
    got = speakers('The harbour bill stalled again on Monday.\n\n'
                   '"The port belongs to everyone," reads a statement from Senate Leader Jon Pell\'s office (D-Nev.).\n')
    assert "Nev" not in got["The port belongs to everyone"]


def test_inverted_colon_introduction_names_the_speaker():
    got = speakers("Roger Vale spoke to the radio show on Monday about the count.\n\n"
                   "Stated Vale:\n\n\u201cI think the stakes are so high that they would do anything to remain in power.\u201d\n\n"
                   "Continued Vale: \u201cSo I think it\u2019s a very real problem for the whole county.\u201d\n")
    assert got["I think the stakes are so high that they would do anything to remain in power."] == "Roger Vale"
    assert got["So I think it\u2019s a very real problem for the whole county."] == "Roger Vale"


def test_name_next_to_the_quote_speaks_when_the_parse_misses_the_verb():
    got = speakers("Not every guest was celebrating.\n\n"
                   "\u201cWe\u2019ve thrown far better fairs than this one,\u201d Dorset farmer Eli Wroth, "
                   "wearing muddy boots and \u201cVote Gray\u201d lapel badges, said matter-of-factly as the brass band packed up.\n")
    assert next(v for k, v in got.items() if k.startswith("We\u2019ve thrown")) == "Eli Wroth"


def test_quote_ranker_is_shipped_and_loaded_offline():
    from storylens.speakers import QUOTE_FEATURES, quote_ranker

    model = quote_ranker()
    assert model is not None and 0 < model["threshold"] < 1
    assert set(model["weights"]) == set(QUOTE_FEATURES)


def candidates(text: str) -> dict[str, dict[str, dict[str, float]]]:
    """The ranker's candidates of each quotation (by its first words): {name: features}."""
    from storylens import quotes

    analysis = analyze([Article(id="t", text=text)])[0]
    quotes.RECORD = []
    try:
        article_quotes(analysis)
        return {text[start:end][:30]: dict(cands) for _, start, end, _, cands in quotes.RECORD}
    finally:
        quotes.RECORD = None


def test_an_earlier_quote_speaker_stays_a_candidate_far_from_the_name():
    # Tomas Varga spoke five paragraphs before a quote the rules give someone else.
    text = ("Tomas Varga opened the growers' meeting on Saturday.\n\n"
            "\"We cannot plough with empty hands,\" Varga said.\n\n"
            "The hall was full by noon.\n\n"
            "Tea was served in the yard.\n\n"
            "The rain held off all day.\n\n"
            "Buses left at six.\n\n"
            "A young farmer in the yard said: \"The weather is not our enemy, and never was.\"\n")
    got = candidates(text)["The weather is not our enemy, "]
    assert got["Tomas Varga"]["earlier_only"] == 1.0 and got["Tomas Varga"]["rule"] == 0.0


def test_a_name_inside_the_quotation_is_marked():
    text = ("Mayor Linda Carter and Governor Mike Dawson met on Monday.\n\n"
            "\"Mike Dawson has let the piers rot for a decade,\" Carter said.\n")
    got = candidates(text)["Mike Dawson has let the piers "]
    assert got["Mike Dawson"]["in_quote_text"] == 1.0
    assert got["Linda Carter"]["in_quote_text"] == 0.0


@pytest.mark.slow
def test_polnear_dev_floor():
    if not POLNEAR.exists():
        pytest.skip("../shared/data/polnear-dev.jsonl is absent: PolNeAR is not in this checkout")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import eval_quotes

    report = eval_quotes.run("dev")
    assert report["quote_recall"] >= 0.95
    assert report["quote_precision"] >= 0.95
    # floors at round 4's dev figures (0.822 / 0.117; sources 0.855 / 0.558)
    assert report["speaker_accuracy"] >= 0.82
    assert report["speaker_wrong"] <= 0.12
    assert report["source_precision"] >= 0.85
    assert report["source_recall"] >= 0.55


def test_who_issued_the_statement_said_it():
    text = ("Ferry owners kept up pressure on the council.\n\n"
            "To calm the quarrel, Mayor Jim Tavell put out a note saying: \"There is no question that "
            "the county must finish the bridge.\"\n\n"
            "Police found a letter saying: \"Nobody will find the money ever again.\"\n")
    got = speakers(text)
    assert got["There is no question that the county must finish the bridge."] == "Jim Tavell"
    assert got["Nobody will find the money ever again."] != "Police"  # finding a letter is not writing it


def test_a_run_of_he_said_keeps_its_speaker_far_from_the_name():
    # The name comes once; paragraphs of 'he said' (some without quotes) follow.
    text = ("Tomas Varga, the closing speaker of a three-day farmers' meeting, spoke for an hour on Saturday.\n\n"
            "Tariffs, he told the Lowland Growers Union, are a weight on every field.\n\n"
            "\"We cannot plough with empty hands,\" he said.\n\n"
            "Both ministries are to blame, he said. The cities buy cheap, while the ports sell dear.\n\n"
            "Farmers are losing faith that prices will rise, he said.\n\n"
            "The crowd cheered when he waved a sack of grain.\n\n"
            "Asked about President Okafor, he said the answer was \"far too simple for a farmer.\"\n\n"
            "\"The weather is not our enemy,\" he said, to loud applause.\n")
    got = speakers(text)
    assert got["far too simple for a farmer."] == "Tomas Varga"
    assert got["The weather is not our enemy"] == "Tomas Varga"


def test_inverted_verb_after_a_quote_names_its_speaker():
    # The paragraph before is another speaker's quote: no continuation of it.
    got = speakers("Ruth Ambler, a critic, objected to the ferry timetable.\n\n"
                   "Owen Pike said on Monday: \u201cThe timetable is fair and the island needs it.\u201d\n\n"
                   "\u201cNone of it squares with the new winter sailings,\u201d summarized Ambler.\n")
    assert got["None of it squares with the new winter sailings"] == "Ruth Ambler"


def test_posited_reports_a_quote():
    got = speakers("Bram Ostley addressed the shepherds on Sunday.\n\n"
                   "\u201cWinter has not left the moor yet,\u201d he posited, \u201cit has only turned into a mild, bright "
                   "and oddly dry sort of winter up here.\u201d\n")
    assert got["Winter has not left the moor yet"] == "Bram Ostley"


# A description or a surname is the person named before it: (text, quoted words, speaker).
NAMED_BEFORE_CASES = {
    "'the central bank' is the bank named before": (
        "In a notice posted to its website, the Harbour Bank of Norland said all coin trading is banned. "
        "Overseas exchanges are also illegal, the HBN said.\n\n"
        "\u201cOverseas exchanges that serve residents online are also illegal,\u201d the central bank said.\n",
        "Overseas exchanges that serve residents online are also illegal", "Harbour Bank of Norland"),
    "a role owned by an institution is the person of that role named before": (
        "Rep. Dan Moore, R-Ohio, shared new findings from the committee\u2019s probe on Monday.\n\n"
        "The committee\u2019s ranking Republican, during an appearance on \u201cHarbour Hour,\u201d laid out the "
        "findings and asserted that the agency is likely \u201cdeeply worried\u201d by the report.\n",
        "deeply worried", "Dan Moore"),
    "a party description of a named senator is the senator": (
        "Senators kept up pressure on the chairman, Rolf Steen, on Sunday.\n\n"
        "Speaking on a morning show, Sen. Carl Bodin, R-Vt., said Steen's comments were \"wildly inaccurate.\"\n\n"
        "The Vermont Republican said Steen needs to decide whether he can still lead the board and must come to "
        "\"an appropriate decision\" about his future.\n",
        "an appropriate decision", "Carl Bodin"),
    "the lawmaker is the representative named earlier in the sentence": (
        "Three days after a video surfaced showing Ohio Rep. Dale Kemper in a scuffle with a student, "
        "the lawmaker said he is \"deeply and truly\" sorry for the tussle on a Dayton street.\n",
        "deeply and truly", "Dale Kemper"),
    "a surname is not expanded to a quoted phrase it opens": (
        "Attorney General Richard Vance faced questions about his record on Tuesday.\n\n"
        "Kevin Rowe wrote: \"The Vance Bombshell comes at the end of two months of digging.\"\n\n"
        "As recently as the debate on March 1, Vance clearly stated \"serving in the reserve gave me a view of "
        "the cost.\"\n",
        "serving in the reserve gave me a view of the cost.", "Richard Vance"),
    "a surname is the last part of a hyphenated one": (
        "Representative Marla Tinsley-Greene (R., Ga.) apologized on Monday for her comments.\n\n"
        "After a visit to the museum, Greene said she had \u201cmade a mistake\u201d about the war.\n",
        "made a mistake", "Marla Tinsley-Greene"),
    "'the official' is the secretary named before": (
        "Harbour Secretary Xavier Montes on Thursday sought to clarify his remarks on the port.\n\n"
        "In a tweet, the federal government\u2019s top harbour official said his comments had been "
        "\u201ctaken wildly out of context.\u201d\n",
        "taken wildly out of context.", "Xavier Montes"),
}


@pytest.mark.parametrize("case", NAMED_BEFORE_CASES)
def test_a_description_or_surname_is_the_person_named_before(case):
    text, quote, speaker = NAMED_BEFORE_CASES[case]
    assert speakers(text)[quote] == speaker


def test_the_fire_chief_is_not_the_mayor_named_in_the_sentence():
    text = ("After Mayor Bo Lindqvist ordered the evacuation of the harbour district, "
            "the fire chief said the order came \"far too late for the people on the piers.\"\n")
    got = speakers(text)
    assert got["far too late for the people on the piers."] != "Bo Lindqvist"


def test_the_outlet_host_is_the_host_not_the_outlet():
    text = ("Dirk Halvorsen had the packed hall captivated from the start.\n\n"
            "All we have heard, the Valley Radio host complained, is \"a bigger barn, a bigger barn for everyone.\"\n\n"
            "Pointing to his years as a farmer, the Valley Radio host urged the party to change course. "
            "\"We need a bigger barn for everyone,\" he declared.\n")
    got = speakers(text)
    assert got["a bigger barn, a bigger barn for everyone."] == "Dirk Halvorsen"
    assert got["We need a bigger barn for everyone"] != "Valley Radio"  # 'he' is the host, not the station


def test_he_is_no_organisation():
    text = ("Harbour Radio confirmed that Walter Brisk sent an e-mail to grain board members late on Sunday.\n\n"
            "In the note, he asked the board to join him \"for a closed meeting about the silo repairs\" on Thursday.\n")
    got = speakers(text)
    assert got["for a closed meeting about the silo repairs"] != "Harbour Radio"


# Documents speak for their authors, apposed names speak, and a surname is the
# person named before it: (text, {quoted words: speaker}).
AUTHOR_CASES = {
    "a surname is the person named before, not a later namesake": (
        'Former Rep. Dale Ostrander Jr. admitted the charges on Monday.\n\n'
        '"I let my family down," Ostrander said.\n\n'
        'He once said he admired the singer Paul Ostrander, no relation.\n',
        {"I let my family down": "Dale Ostrander Jr."}),
    "a statement speaks for its author, and later mentions of it too": (
        '"We are not surprised," said the statement from the senator\'s lawyer, Ruth Alden.\n\n'
        'The statement said the senator "has done nothing wrong" and "will be cleared."\n',
        {"has done nothing wrong": "Ruth Alden", "will be cleared.": "Ruth Alden"}),
    "a lawsuit speaks for the state that filed it": (
        'The lawsuit from Vermont argues that the dam has "ruined the river for good."\n\n'
        '"The harm grows every year," the suit says.\n',
        {"ruined the river for good.": "Vermont", "The harm grows every year": "Vermont"}),
    "a press release in 'according to' speaks for its writer": (
        'Nine trawlers sank \u201cin the squall off Kelby Point on the last night of the season,\u201d according '
        'to a Sunday press release from the Department of Fisheries.\n',
        {"in the squall off Kelby Point on the last night of the season": "Department of Fisheries"}),
    "a report speaks for the name written before it, and later mentions of it too": (
        'A newly released Harbour Board report on the storm finds that the pier failed.\n\n'
        'The report says that the board "remains divided on what broke first" and that the wall '
        '"was never inspected."\n',
        {"remains divided on what broke first": "Harbour Board", "was never inspected.": "Harbour Board"}),
    "'the report' after data released by an agency is the agency's": (
        'About 74% of boats were damaged, according to data released Friday from the Harbour Health Agency.\n\n'
        'Still, "repairs are the most important step to keep fishing alive," the report emphasizes.\n',
        {"repairs are the most important step to keep fishing alive": "Harbour Health Agency"}),
    "a report by a writer the article never names is unresolved, not the mayor before": (
        'The pier failed last week, Mayor Tom Hale said.\n\n'
        'A report says the pier "was never inspected in ten years of service."\n',
        {"was never inspected in ten years of service.": "unattributed"}),
    "a joint speaker the rules found stays both, not the one the ranker weighs": (
        'Harwell and BioLume\u2019s new hay-fever spray gave \u201cclear relief\u201d to most farmhands in a '
        'summer trial, the drugmakers announced Monday.\n',
        {"clear relief": "Harwell and BioLume"}),
    "'they' after a clause with two named subjects is both": (
        'The pill performed well in a trial.\n\n'
        'Now Harwell and its partner Ridgeway Therapeutics will seek approval for the drug \u201cas soon as '
        'possible,\u201d they said.\n',
        {"as soon as possible": "Harwell and Ridgeway Therapeutics"}),
    "a group's website speaks for the group": (
        '"We need new leadership in the House," FreedomFirst\u2019s website said on Friday.\n',
        {"We need new leadership in the House": "FreedomFirst"}),
    "the lawyer named in apposition speaks": (
        'A lawyer for Mr. Orrin Vale, Susan Miller of Hart Lowe, said that Mr. Vale '
        '\u201casserts his innocence\u201d and that the case was \u201ca political vendetta.\u201d\n',
        {"asserts his innocence": "Susan Miller", "a political vendetta.": "Susan Miller"}),
}


@pytest.mark.parametrize("case", AUTHOR_CASES)
def test_documents_and_apposed_names_speak_for_their_authors(case):
    assert_speakers(*AUTHOR_CASES[case])


def test_scare_quotes_set_in_the_writers_phrase_are_not_quotes():
    got = speakers('Gov. Mary Holt vetoed the bill on \u201cparental choice\u201d grounds on Wednesday.\n\n'
                   'Mr. Dunne said he opposed any \u201camnesty\u201d plan.\n\n'
                   'The firms deny they give the agency a \u201cback door\u201d to their servers, Mr. Dunne said.\n\n'
                   'Asked about the cuts, Mr. Dunne called for \u201ca balanced approach,\u201d he said.\n\n'
                   'The court found the harbour rule unlawful because it skipped the normal \u201cnotice and '
                   'comment\u201d process.\n')
    assert "parental choice" not in got and "amnesty" not in got and "back door" not in got
    assert "notice and comment" not in got  # a longer phrase that only qualifies the writer's noun
    assert got["a balanced approach"] == "Mr. Dunne" or got["a balanced approach"].endswith("Dunne")
    got = speakers('Omar Haddad said the fight went on in the old quarter, a neighbourhood he described as of '
                   '"strategic importance".\n')
    assert got["strategic importance"] == "Omar Haddad"  # his words, though a noun phrase
    # A judgement in the quoted words is the speaker's, even after an article or 'as'.
    got = speakers('Judge Ana Ruiz blocked the rule, calling it an \u201cunlawful overreach\u201d of state power.\n\n'
                   'The Harbour Board said this would be the \u201cfinal extension\u201d of the freeze.\n\n'
                   'Lena Ostrova said she would run as a \u201cpractical reformer\u201d next year.\n\n'
                   'Gov. Andrew Hale said the state would adopt the guidance at once, calling it '
                   '\u201cliberating.\u201d\n')
    assert got == {"unlawful overreach": "Ana Ruiz", "final extension": "Harbour Board",
                   "practical reformer": "Lena Ostrova", "liberating.": "Andrew Hale"}


def test_a_long_title_after_titled_is_not_a_quote():
    got = speakers('Mayor Clara Voss spoke on Monday. A blog post titled '
                   '\u201cThe Harbour Plan Could Not Be More Wrong About Our Town\u201d drew wide attention.\n')
    assert not got


def test_a_party_word_before_plural_subject_gets_no_he():
    got = speakers('Majority Whip Kevin Rook spoke to a radio host while his fellow GOP lawmakers prepared to '
                   'publish a list of goals.\n\n'
                   '\u201cThe principles are not written yet, but I think it will go with legal status,\u201d he said.\n')
    assert got["The principles are not written yet, but I think it will go with legal status"] == "Kevin Rook"


def test_a_headline_is_no_one_and_an_update_label_is_no_speaker():
    got = speakers('Site Navigation\n\nGovernor Names Old Friend to Fill the Empty Seat\n\n'
                   'Gov. Dana Pruitt on Wednesday appointed Lewis Gray to the seat.\n\n'
                   'Asked whether he saw himself in Mr. Gray, \u201cI am not that cool,\u201d the governor replied.\n\n'
                   'UPDATE: 7:19 p.m. -- The Harbour Times now reports that Gray has already "been sworn in by '
                   'the clerk of the senate in the capital."\n')
    assert got["I am not that cool"] == "Dana Pruitt"
    assert got["been sworn in by the clerk of the senate in the capital."] != "UPDATE"



def test_a_place_parsed_as_a_second_subject_gives_way_to_the_person():
    # The parse of 'in Berea, OH, …, Gov. John Kessel said' that the parser
    # made on a real article: both 'OH' and 'Kessel' subjects of 'said'.
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from storylens.sources import subject_heads
    words = ["In", "Berea", ",", "OH", ",", "Gov.", "John", "Kessel", "said", "."]
    heads = [8, 0, 8, 8, 8, 7, 7, 8, 8, 8]
    deps = ["prep", "pobj", "punct", "nsubj", "punct", "compound", "compound", "nsubj", "ROOT", "punct"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps,
              ents=["O", "B-GPE", "O", "B-GPE", "O", "O", "B-PERSON", "I-PERSON", "O", "O"])
    assert [t.text for t in subject_heads(doc[8])] == ["Kessel"]


def test_he_is_the_person_subject_of_the_sentence_before():
    got = speakers('Wendell Auger, head of the Kestrel Growers League, said the members had misread the season.\n\n'
                   'In a spring interview, Mr. Pryce talked of the trouble he had in gathering allies. '
                   '\u201cI phoned every one of them,\u201d he said.\n')
    assert got["I phoned every one of them"] == "Pryce" or got["I phoned every one of them"].endswith("Pryce")


def test_the_second_quote_of_a_he_said_paragraph_keeps_its_speaker():
    got = speakers('Governor Arlo Finch on Tuesday defended the toll plan, saying the council had seen the figures.\n\n'
                   '"The numbers are confidential because the contract says so. Nobody hid them, since every '
                   'councillor has read them," he said during a visit to Dunmore. "These tolls were approved '
                   'by wide margins in every vote since 2011."\n')
    assert got["These tolls were approved by wide margins in every vote since 2011."] == "Arlo Finch"


def test_the_aide_named_in_apposition_is_no_description_to_resolve():
    got = speakers('The comments of a council press aide drew notice last week.\n\n'
                   'On Sunday, the aide, Greta Pohl, 27, who has about 9,000 readers on her blog and back then '
                   'worked for a councillor from Dunmore, posted a note to the twins on that blog, '
                   'saying they should \u201clearn some manners at the table.\u201d\n')
    assert got["learn some manners at the table."] == "Greta Pohl"


def test_a_description_in_apposition_speaks_as_the_name_it_describes():
    got = speakers('The twins drew some comment on Friday.\n\n'
                   'Enter Ms. Pohl \u2014 a former Harbour Party press aide who describes '
                   'herself on her blog as loving dogs and \u201ceverything tartan, tweed and teacups!\u201d\n')
    assert got["everything tartan, tweed and teacups!"].endswith("Pohl")


def test_they_said_after_two_named_speakers_is_both():
    got = speakers('On Monday, Senator Rhea Dunn and Senator Otto Saye issued a joint statement repeating that they '
                   'had "worried for years about how much this toll scheme leans on unpublished rules."\n\n'
                   '"Ministers keep telling us again and again that the toll scheme is small," they said.\n')
    assert got["Ministers keep telling us again and again that the toll scheme is small"] \
        in ("Rhea Dunn and Otto Saye", "Otto Saye and Rhea Dunn")


def test_the_sender_of_an_email_to_members_says_it_not_the_members():
    got = speakers('The party chairman faced a revolt on Monday.\n\n'
                   'Robert Dane, a member from Ohio, sent an e-mail to RNC members saying the chairman '
                   '\u201cmust step aside now for the good of the party.\u201d\n')
    assert got["must step aside now for the good of the party."] == "Robert Dane"


# The subject of the reporting verb, through mis-parses met in news leads.
PARSE_CASES = {
    "a section label's verb ('What she's saying:') reports nothing after it": (
        'The campaign of Tom Hale may have done more to help Voss than hurt him.\n\n'
        'What she\'s saying: Voss thanked voters at a news conference for "saying no to this recall so '
        'clearly" on Tuesday.\n',
        {"saying no to this recall so clearly": "Voss"}),
    "a title parsed as the subject stands for the person in apposition": (
        'The governor wants $3 billion for the flooded valleys.\n\n'
        'Senate Majority Leader Ruth Calder, D-Vt., called the plea for flood money urgent if the valley '
        'towns are to rebuild their bridges before winter.\n\n'
        '"Given...\n',
        {"Given...": "Ruth Calder"}),
    'an opening mark typed for the closing one ends the quote before its attribution': (
        'The rule will cover every clinic in the state.\n\n\u201cFear of judgement can keep people from '
        'care, which can do real harm,\u201c the Department of Health Secretary Nora Lind said in a '
        'statement.\n',
        {'Fear of judgement can keep people from care, which can do real harm': 'Nora Lind'}),
    "a relative 'which' the parser leaves without its clause is the name before it": (
        'The outage seems linked to Leeds-based card payments processor Brightwell, which said '
        'in a short post soon after 9 p.m. local time, that the \u201cfault was traced and service '
        'is coming back.\u201d\n',
        {'fault was traced and service is coming back.': 'Brightwell'}),
    "'by saying' reports for the subject of the clause above": (
        'Governor Paul Fenwick reacted on Friday to a weak jobs report by saying the state economy has a '
        '\u201clong way to go\u201d before it recovers.\n',
        {'long way to go': 'Paul Fenwick'}),
    'a participle after a mis-parsed conjunct reports for the subject above': (
        'U.S. District Judge Ana Ruiz granted the Harbour administration\u2019s request to temporarily block '
        'enforcement of the dock ban and denied the state\u2019s request to pause her ruling pending appeal, '
        'saying \u201cthis court will not allow one more day of this harm.\u201d\n',
        {'this court will not allow one more day of this harm.': 'Ana Ruiz'}),
    "a title before a no-break space, parsed as the subject, stands for the person in apposition": (
        'Senators argued over the debt limit on Monday.\n\n'
        'Sen.\u00a0Tara Bellwin\u00a0(D-Wis.) noted that accepting the offer to raise the limit would amount '
        'to \u201ca temporary victory.\u201d\n',
        {'a temporary victory.': 'Tara Bellwin'}),
    "a quote that ends its sentence is not the next sentence's subject's": (
        '\u201cToday we open the pier again,\u201d Dr. Nora Lind told reporters. \u201cIf you have a pass, you are '
        'safe, and you can start doing the things you stopped doing.\u201d New FAA rules will still ask pilots to '
        'carry vests...\n',
        {"If you have a pass, you are safe, and you can start doing the things you stopped doing.": "Nora Lind"}),
    "a document that reports a named person's words does not say them": (
        'Dr. Lio Barsk traded emails with a Kestrel water engineer during the drought, conceding the '
        '\u201cwaste on the hill farms\u201d and pledging to \u201ckeep every tap running,\u201d a council report '
        'revealed Friday.\n',
        {"waste on the hill farms": "Lio Barsk", "keep every tap running": "Lio Barsk"}),
    "a person's contention owns the quote it states": (
        'Tom Hale gave a calm reply to the mayor\u2019s speech last night.\n\n'
        'Take Ivo Stern\u2019s contention that the reply was \u201cwritten in a country where sums '
        'never add up.\u201d\n',
        {"written in a country where sums never add up.": "Ivo Stern"}),
}


@pytest.mark.parametrize("case", PARSE_CASES)
def test_the_reporting_verbs_subject_through_a_mis_parse(case):
    assert_speakers(*PARSE_CASES[case])


def test_mentions_of_a_paragraph_range_are_those_the_whole_list_holds():
    from storylens.sources import article_names
    from storylens.speakers import SpeakerContext

    analysis = analyze([Article(id="t", text=(
        "Mayor Clara Voss opened the pier on Monday.\n\n"
        "Tom Hale, her rival, stayed away. Hale said the cost was too high.\n\n"
        "The Harbour Trust backed Voss.\n\n"
        "\"It is a fine pier,\" Dana Kroll said.\n"))])[0]
    ctx = SpeakerContext(analysis, article_names(analysis), [])
    assert {m.para for m in ctx.mentions} == {0, 1, 2, 3}
    for first in range(-2, 5):
        for last in range(first, 6):
            assert ctx.mentions_in_paras(first, last) == [m for m in ctx.mentions if first <= m.para <= last]
