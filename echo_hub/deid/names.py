"""Names of people after a cue: titles in any case ("Mrs. Roy", "mr lavoie", "Mme Gagnon"),
cue phrases ("her name is", "s'appelle"), relations ("her husband Paul", "sa fille Julie")
and initials. Names with no cue, in running text, are in running.py."""

import re
from collections.abc import Iterator

from .lexicon import lexicon, name_key
from .text import _GAP, _NAME_WORD_RE, _NAMES, Span, _any_of, _first_words, _matches, _words

_TITLES = _words(
    "Mr Mrs Ms Mx Dr Dre Prof Mme Mlle Rev Miss Doctor Docteur Docteure Nurse Professor Sister Father Pastor "
    "Reverend Elder Chief Constable Cst Officer Sgt Sergeant Detective Judge Justice Coach Captain Capt Madame "
    "Monsieur Mademoiselle"
)
_TITLE_TRIGGERS = frozenset(title.lower() for title in _TITLES) | {"m"}
_TITLED_NAME = re.compile(
    # "M." is a French title only with its full stop: "M. Tremblay".
    rf"(?:{_any_of(_TITLES)}\.?|M\.)(?:{_GAP}+(?:and|&|et){_GAP}+(?:Mr|Mrs|Ms|Dr|Mme|M)\.?)?{_GAP}+"
    # "Mrs. B" or "Ms. K." stand for a name just as much as "Mrs. Beaulieu".
    rf"(?:(?:[A-Z]\.{_GAP}*){{0,2}}({_NAMES})|([A-Z])(?![\w'’-])\.?)"
)
# "mr lavoie says": a lower-case title and name, when the word is a known name.
_LOWER_TITLED_NAME = re.compile(
    r"(?i:mr|mrs|ms|miss|dr|dre|mme|mlle|madame|monsieur)\.?[^\S\n]+([a-zß-öø-ÿ][a-zß-öø-ÿ'’]+(?:-[a-zß-öø-ÿ]+)?)"
    r"(?![\w-])"
)
_NAME_CUE_TRIGGERS = frozenset(
    _words(
        "first last middle maiden full given family legal preferred real name named called goes known signed "
        "surname nickname dear re attn attention sincerely regards thanks s appelle nommé nommée prénommé "
        "prénommée surnommé surnommée prénom nom connu connue signé cher chère bonjour"
    )
)
_CUED_NAME = re.compile(
    r"(?i:(?:(?:first|last|middle|maiden|full|given|family|legal|preferred|real)\s+)?name(?:\s*(?:is|was|:)|['’]s)"
    r"|named|called|goes\s+by|known\s+as|signed(?:\s+by)?\s*:?|surname\s*(?:is|:)?|nickname\s*(?:is|:)?"
    r"|dear|re\s*:|attn\.?:?|attention:?|sincerely,?|regards,?|thanks,?"
    r"|s['’]appelle|(?:pré|sur)?nommée?|prénom\s*(?:est|:)|nom(?:\s+de\s+famille)?\s*(?:est|:)"
    r"|connue?\s+sous\s+le\s+nom\s+de|signé(?:\s+par)?\s*:?|cher|chère|bonjour)\s+"
    rf"({_NAMES})"
)
_RELATIONS = (
    *_words(
        "husband wife spouse partner son sons daughter daughters mother father mom mum dad brother sister sibling "
        "boyfriend girlfriend fiancé fiancée fiance fiancee grandson granddaughter grandmother grandfather grandma "
        "grandpa grandchild aunt uncle niece nephew cousin stepson stepdaughter stepfather stepmother stepdad stepmom "
        "son-in-law daughter-in-law mother-in-law father-in-law brother-in-law sister-in-law caregiver friend "
        "neighbour neighbor roommate landlord landlady employer boss co-worker coworker supervisor foreman manager "
        "pharmacist counsellor counselor therapist psychologist psychiatrist adjuster lawyer physio physiotherapist "
        "chiropractor kid kids children child baby grandkid grandkids patient pt client resident colleague locum "
        "surgeon specialist internist GP NP caseworker"
    ),
    # French: "son mari Réjean", "sa fille Julie", "sa blonde Karine".
    *_words(
        "mari conjoint conjointe épouse époux chum blonde fils fille mère père sœur soeur frère petit-fils "
        "petite-fille grand-mère grand-père tante oncle nièce neveu cousine ami amie voisin voisine patron "
        "patronne pharmacienne infirmière infirmier intervenant intervenante physiothérapeute ergothérapeute "
        "psychologue chirurgien chirurgienne aidant aidante proche colocataire gendre bru belle-fille beau-fils "
        "belle-mère beau-père belle-sœur beau-frère patiente cliente"
    ),
    "social worker",
    "case manager",
    "case worker",
    "nurse practitioner",
    "family doctor",
    "family physician",
    "travailleuse sociale",
    "travailleur social",
)
_RELATED_NAME = re.compile(rf"(?i:{_any_of(_RELATIONS)}(?![\w-]),?{_GAP}+)({_NAMES})")
_RELATION_TRIGGERS = _first_words(_RELATIONS)
_NAME_LIST_MORE = re.compile(rf"(?:{_GAP}*,{_GAP}*|{_GAP}+(?:and|&|et){_GAP}+)({_NAMES})")
_DOTTED_INITIALS = re.compile(r"[A-Z](?<![\w.].)\.\s?[A-Z]\.(?:\s?[A-Z]\.)?(?!\w)")
_CUED_INITIALS = re.compile(
    r"(?i:(?:patient|patiente|pt\.?|client|cliente|initials|initiales|init\.?)\s*:?\s+)([A-Z]{2,3})(?![\w.])"
)
_INITIALS_TRIGGERS = frozenset(
    {"patient", "patiente", "pt", "client", "cliente", "initials", "initiales", "init"}
)
_EPONYM_AFTER = re.compile(
    r"(?:['’]s?)?\s+(?:disease|syndrome|sign|test|palsy|phenomenon|manoeuvre|maneuver|criteria|fracture|contracture"
    r"|neuroma|ulcer|cyst|esophagus|oesophagus|thyroiditis|disorder|scale|score|tool|questionnaire|index|law|rule"
    r"|splint|procedure|operation|classification|node|tumou?r|lymphoma|chorea|dementia|neuralgia|changes|nodes"
    r"|cysts|grade|inventory|catheter|monitor|reflex|position|balance|stockings|tenosynovitis)\b",
    re.IGNORECASE,
)
# "maladie de Parkinson", "signe de Lasègue", "échelle de Beck".
_EPONYM_BEFORE = re.compile(
    r"(?i:maladie|syndrome|signe|test|manœuvre|manoeuvre|échelle|score|classification|critères|questionnaire"
    r"|indice|sonde|fracture|kyste|névrome|chorée|paralysie|phénomène|ténosynovite|contracture|loi|règle)s?"
    r"\s+(?:de\s+|d['’])$"
)
# "St. Joseph's Hospital", "Sault Ste. Marie", "Prince George", "Ross Memorial Hospital".
_PLACE_BEFORE = re.compile(
    r"\b(?:St|Ste|Saint|Sainte|Mt|Mount|Mont|Port|Fort|Lake|Cape|Prince|Princess|Queen|King|Lady|Sir|Grand|New"
    r"|Lac|Rivière|Pointe|Baie|Île|Ile|Notre-Dame|Val|Cap)\.?[\s-]+$"
)
_PLACE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:Hospital|Memorial|Health|Centre|Center|Clinic|University|College|Institute|School|Lake|River"
    r"|Bay|Falls|Island|Park|Street|St|Road|Rd|Avenue|Ave|Drive|Foundation|House|Lodge|Manor|Villa|Pharmacy"
    r"|Church|Reserve|First\s+Nations?|Township|Hortons|Coutu|Community|Regional|General|District|Pharmacie"
    r"|Clinique|Hôpital)\b"
)

_INITIALS_NOT_NAMES = frozenset(
    _words(
        "U.S. U.K. P.T. O.T. E.R. E.D. A.M. P.M. B.C. N.S. N.B. P.E. D.O. M.D. R.N. N.P. P.O. I.V. I.M. S.C. G.P. "
        "O.D. M.S. P.S. O.K. A.A. N.A. T.O. D.C. L.A. P.A. S.W. I.D. E.G. I.E. V.S. C.S. Q.D. H.S. O.R. R.R. "
        "D.O.B. P.R.N. B.I.D. T.I.D. Q.I.D. N.P.O. C.B.T. P.E.I. U.S.A. O.T.C. A.D.L. E.M.S. C.N.S. R.P.N. "
        "B.Sc. M.Sc. Ph.D. Q.H.S. P.R. N.R. S.L. A.C. P.C. U.D.S. O.U.D. C.P. N.B. P.S."
    )
)
_ABBREVIATIONS_NOT_INITIALS = frozenset(
    _words(
        "ID ED ER GP NP OT PT MD RN DO IV IM SC PO OR US UK ON BC QC AB MB SK NS NB PE NL YT NT NU MS TB BP HR RR "
        "OA RA MI CP OK NA AA SW PA PM AM CT MR HX DX RX TX SX FX PMH HPI ROS UDS OUD MME PRN BID TID QID ICU CBT "
        "PHQ GAD ORT PEG EMR FHT NSAID TCA SNRI SSRI COPD MVA WSIB ODSP HIV HCV HEP DM HTN CKD AKI UTI GERD OSA "
        "IR SR CR XR ER IUD BMI EKG ECG MRI EMG NCS LBP DVT PE CVA TIA PTSD ADHD AUD SUD OAT MAT ODB OHIP "
        "TDU TUO MPOC HTA DB2 IRM TDM AVC TSPT ATCD RX IP IT"
    )
)


def is_name_word(text: str, word: re.Match, *, titled: bool = False) -> bool:
    """Whether a capitalised word may be (part of) a person's name where it stands."""
    words = lexicon()
    key = name_key(word.group())
    if key in words.clinical or any(part in words.clinical for part in key.split("-")):
        return False
    if not titled and key in words.eponyms:
        return False
    # "Regina" or "Tyler" may be a name; "Sudbury" or "Ontario" never is.
    if words.places.get(key) in ("L", "R") and key not in words.given and key not in words.surnames:
        return False
    if _PLACE_BEFORE.search(text, max(0, word.start() - 12), word.start()):
        return False
    if _EPONYM_BEFORE.search(text, max(0, word.start() - 20), word.start()):
        return False
    return not (_EPONYM_AFTER.match(text, word.end()) or _PLACE_AFTER.match(text, word.end()))


def is_plausible_name(key: str) -> bool:
    """A given name ("Will" after "her husband"), or a word that is no everyday English word
    ("Okemow"); not "Plus" or "Other", rare surnames though they are."""
    words = lexicon()
    return key in words.given or key in words.strong_surnames or key not in words.common


def _trim_names(
    text: str, start: int, end: int, *, titled: bool = False, plausible: bool = False
) -> int | None:
    """End of the leading run of name-like words in text[start:end], or None."""
    kept_end = None
    for word in _NAME_WORD_RE.finditer(text, start, end):
        if not is_name_word(text, word, titled=titled):
            break
        if plausible and not is_plausible_name(name_key(word.group())):
            break
        kept_end = word.end()
    return kept_end


def _lower_titled_names(text: str, words: dict[str, list[int]]) -> Iterator[Span]:
    names = lexicon()
    for match in _matches(_LOWER_TITLED_NAME, _TITLE_TRIGGERS, text, words):
        # "468 ms sous méthadone": after a number, "ms" is a unit.
        if match.start() and text[max(0, match.start() - 2) : match.start()].strip().isdigit():
            continue
        key = name_key(match.group(1))
        if key not in names.clinical and (key in names.strong_given or key in names.strong_surnames):
            yield match.span()


def cued_name_candidates(text: str, words: dict[str, list[int]]) -> Iterator[Span]:
    for match in _matches(_TITLED_NAME, _TITLE_TRIGGERS, text, words):
        if match.group(2):
            yield match.span()
            continue
        end = _trim_names(text, match.start(1), match.end(1), titled=True)
        if end is not None:
            yield match.start(), end
    yield from _lower_titled_names(text, words)
    for pattern, triggers, plausible in (
        (_CUED_NAME, _NAME_CUE_TRIGGERS, False),
        # A relation is a weaker cue: "her physio Plus" is a clinic, "her husband Paul" a name.
        (_RELATED_NAME, _RELATION_TRIGGERS, True),
    ):
        for match in _matches(pattern, triggers, text, words):
            end = _trim_names(text, match.start(1), match.end(1), plausible=plausible)
            if end is None:
                continue
            yield match.start(1), end
            # "her kids Emma and Noah", "sons Kevin, Mark and Luc"
            while more := _NAME_LIST_MORE.match(text, end):
                more_end = _trim_names(text, more.start(1), more.end(1), plausible=True)
                if more_end is None:
                    break
                yield more.start(1), more_end
                end = more_end
    for match in _DOTTED_INITIALS.finditer(text):
        if match.group().replace(" ", "") not in _INITIALS_NOT_NAMES:
            yield match.span()
    for match in _matches(_CUED_INITIALS, _INITIALS_TRIGGERS, text, words):
        if match.group(1) not in _ABBREVIATIONS_NOT_INITIALS:
            yield match.span(1)
