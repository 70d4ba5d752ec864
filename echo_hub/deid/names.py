"""Names of people: after titles, cues ("her husband Paul") and relations, and as first
name plus surname from a small lexicon."""

import re
from collections.abc import Iterator

from .text import (
    _GAP,
    _NAME_END,
    _NAME_WORD,
    _NAME_WORD_RE,
    _NAMES,
    Span,
    _any_of,
    _first_words,
    _words,
)

# --- Names ----------------------------------------------------------------------------------------

_TITLES = _words(
    "Mr Mrs Ms Mx Dr Prof Mme Mlle Rev Miss Doctor Nurse Professor Sister Father Pastor Reverend Elder Chief "
    "Constable Cst Officer Sgt Sergeant Detective Judge Justice Coach Captain Capt"
)
_TITLE_TRIGGERS = frozenset(title.lower() for title in _TITLES)
_TITLED_NAME = re.compile(
    rf"{_any_of(_TITLES)}\.?(?:{_GAP}+(?:and|&){_GAP}+(?:Mr|Mrs|Ms|Dr)\.?)?{_GAP}+"
    # "Mrs. B" or "Ms. K." stand for a name just as much as "Mrs. Beaulieu".
    rf"(?:(?:[A-Z]\.{_GAP}*){{0,2}}({_NAMES})|([A-Z])(?![\w'’-])\.?)"
)
_NAME_CUE_TRIGGERS = frozenset(
    _words(
        "first last middle maiden full given family legal preferred real name named called goes known signed "
        "surname nickname dear re attn attention sincerely regards thanks"
    )
)
_CUED_NAME = re.compile(
    r"(?i:(?:(?:first|last|middle|maiden|full|given|family|legal|preferred|real)\s+)?name(?:\s*(?:is|was|:)|['’]s)"
    r"|named|called|goes\s+by|known\s+as|signed(?:\s+by)?\s*:?|surname\s*(?:is|:)?|nickname\s*(?:is|:)?"
    r"|dear|re\s*:|attn\.?:?|attention:?|sincerely,?|regards,?|thanks,?)\s+"
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
    "social worker",
    "case manager",
    "case worker",
    "nurse practitioner",
    "family doctor",
    "family physician",
)
_RELATED_NAME = re.compile(rf"(?i:{_any_of(_RELATIONS)}(?![\w-]),?{_GAP}+)({_NAMES})")
_RELATION_TRIGGERS = _first_words(_RELATIONS)
_NAME_LIST_MORE = re.compile(rf"(?:{_GAP}*,{_GAP}*|{_GAP}+(?:and|&){_GAP}+)({_NAMES})")
_DOTTED_INITIALS = re.compile(r"[A-Z](?<![\w.].)\.\s?[A-Z]\.(?:\s?[A-Z]\.)?(?!\w)")
_CUED_INITIALS = re.compile(r"(?i:(?:patient|pt\.?|client|initials|init\.?)\s*:?\s+)([A-Z]{2,3})(?![\w.])")
_INITIALS_TRIGGERS = frozenset({"patient", "pt", "client", "initials", "init"})
_EPONYM_AFTER = re.compile(
    r"(?:['’]s?)?\s+(?:disease|syndrome|sign|test|palsy|phenomenon|manoeuvre|maneuver|criteria|fracture|contracture"
    r"|neuroma|ulcer|cyst|esophagus|oesophagus|thyroiditis|disorder|scale|score|tool|questionnaire|index|law|rule"
    r"|splint|procedure|operation|classification|node|tumou?r|lymphoma|chorea|dementia|neuralgia)\b",
    re.IGNORECASE,
)
_NEXT_NAME_WORD = re.compile(rf"{_GAP}+({_NAME_WORD}){_NAME_END}")
# "St. Joseph's Hospital", "Sault Ste. Marie", "Prince George", "Ross Memorial Hospital".
_PLACE_BEFORE = re.compile(
    r"\b(?:St|Ste|Saint|Sainte|Mt|Mount|Mont|Port|Fort|Lake|Cape|Prince|Princess|Queen|King|Lady|Sir|Grand|New)"
    r"\.?[\s-]+$"
)
_PLACE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:Hospital|Memorial|Health|Centre|Center|Clinic|University|College|Institute|School|Lake|River"
    r"|Bay|Falls|Island|Park|Street|St|Road|Rd|Avenue|Ave|Drive|Foundation|House|Lodge|Manor|Villa|Pharmacy"
    r"|Church|Reserve|First\s+Nation|Township)\b"
)

_INITIALS_NOT_NAMES = frozenset(
    _words(
        "U.S. U.K. P.T. O.T. E.R. E.D. A.M. P.M. B.C. N.S. N.B. P.E. D.O. M.D. R.N. N.P. P.O. I.V. I.M. S.C. G.P. "
        "O.D. M.S. P.S. O.K. A.A. N.A. T.O. D.C. L.A. P.A. S.W. I.D. E.G. I.E. V.S. C.S. Q.D. H.S. O.R. R.R. "
        "D.O.B. P.R.N. B.I.D. T.I.D. Q.I.D. N.P.O. C.B.T. P.E.I. U.S.A. O.T.C. A.D.L. E.M.S. C.N.S. R.P.N. "
        "B.Sc. M.Sc. Ph.D. Q.H.S. P.R. N.R. S.L. A.C. P.C. U.D.S. O.U.D."
    )
)
_ABBREVIATIONS_NOT_INITIALS = frozenset(
    _words(
        "ID ED ER GP NP OT PT MD RN DO IV IM SC PO OR US UK ON BC QC AB MB SK NS NB PE NL YT NT NU MS TB BP HR RR "
        "OA RA MI CP OK NA AA SW PA PM AM CT MR HX DX RX TX SX FX PMH HPI ROS UDS OUD MME PRN BID TID QID ICU CBT "
        "PHQ GAD ORT PEG EMR FHT NSAID TCA SNRI SSRI COPD MVA WSIB ODSP HIV HCV HEP DM HTN CKD AKI UTI GERD OSA "
        "IR SR CR XR ER IUD BMI EKG ECG MRI EMG NCS LBP DVT PE CVA TIA PTSD ADHD AUD SUD OAT MAT ODB OHIP"
    )
)

_FIRST_NAMES = frozenset(
    _words(
        """
    Aaron Abdul Abigail Adam Adrian Ahmad Ahmed Aisha Alan Albert Alex Alexander Alexandra Alexis Alice Alicia
    Alison Allan Allison Amanda Amar Amit Amy Andre André Andrea Andrew Angela Angelique Anil Anita Anjali Ann
    Anna Anne Annette Annie Anthony Antoine Arjun Arthur Ashley Audrey Barbara Barb Benjamin Ben Bernard Beth
    Bethany Betty Beverley Beverly Bev Bob Bobby Bonnie Brad Bradley Brandon Brenda Brent Brian Bridget
    Brittany Bruce Bryan Caitlin Calvin Cameron Carl Carla Carlos Carmen Carol Carole Caroline Carolyn Cassandra
    Catherine Cathy Cecile Cécile Céline Chad Chantal Charles Charlene Charlie Cheryl Chidi Chloe Chris
    Christina Christine Christopher Chuck Cindy Claire Clara Claude Claudette Colin Connie Connor Corey Courtney
    Craig Curtis Cynthia Daniel Danielle Danny Darlene Darren Daryl Dave David Dawson Debbie Deborah Debra Deb
    Deepak Denis Denise Dennis Derek Diana Diane Dianne Dolores Donald Donna Doreen Doris Dorothy Doug Douglas
    Dwayne Dylan Edith Edna Edward Eileen Elaine Eleanor Elizabeth Ellen Emily Emma Eric Erica Erin Ethan Eugene
    Evelyn Fatima Florence Francine Francis Francois François Gaetan Gaétan Gail Gary Gaston Genevieve Geneviève
    George Gerald Gerard Gilles Gillian Ginette Gisele Gisèle Gloria Gord Gordon Greg Gregory Gurpreet Hannah
    Harold Harpreet Harry Hassan Heather Helen Helene Hélène Henry Howard Hussein Ian Irene Isabelle Jack
    Jackie Jacob Jacqueline Jacques James Jamie Jane Janet Janice Jasmine Jason Jaspreet Jean Jean-Luc
    Jean-Marc Jean-Pierre Jeff Jeffrey Jennifer Jenny Jeremy Jerry Jess Jessica Jill Jim Jimmy Joan Joanne
    Jocelyn Jocelyne Joe Joel Johanne John Johnny Jonathan Jordan Josee Josée Joseph Josh Joshua Joyce Juan
    Judith Judy Julia Julie Justin Karen Karine Kate Katherine Kathleen Kathy Katie Kayla Keith Kelly Ken
    Kendra Kenneth Kevin Khalid Kim Kimberly Kirk Krista Kristen Kwame Kyle Larry Laura Lauren Laurie Layla
    Leah Leo Leonard Leslie Lin Linda Lisa Lise Lloyd Lois Lori Lorraine Louis Louise Luc Lucie Lucy Luke Lynn
    Lynne Madeleine Madison Manon Manpreet Marc Marcel Margaret Maria Mariam Marie Marilyn Mario Marion Marjorie
    Marlene Martha Martin Martine Mary Mary-Ellen Matthew Maureen Megan Melanie Mélanie Melissa Michael Michel
    Michele Michelle Mike Mildred Mohammed Mohamed Monique Muhammad Nancy Natalie Nathalie Nathan Neha Neil
    Nicholas Nicole Noah Normand Olivia Omar Pamela Pascal Paul Paula Pauline Peggy Penny Peter Philip Phyllis
    Pierre Pooja Priya Rachel Raj Rajesh Ralph Randy Ravi Ray Raymond Rebecca Real Réal Regis Réjean Rejean
    Rene René Renee Renée Rhonda Richard Rick Ricky Rita Robert Roberta Robin Rohan Roger Ronald Ronnie Ross
    Roy Russell Ruth Ryan Sabrina Sally Samantha Samuel Sandra Sanjay Sara Sarah Scott Sean Serge Shane Shannon
    Sharon Shawn Sheila Shelley Sherry Shirley Simon Simran Sonia Sophie Stacey Stephane Stéphane Stephanie
    Stephen Steve Steven Sunita Susan Suzanne Sylvain Sylvie Tammy Tanya Tara Teresa Terry Theresa Thomas
    Tiffany Tim Timothy Tina Todd Tom Tommy Tony Tracey Tracy Travis Trevor Troy Tyler Valerie Vanessa Vera
    Veronica Victor Vincent Virginie Walter Wanda Warren Wayne Wendy Wesley William Yusuf Yves Zachary
    """
    )
)
_SURNAMES = frozenset(
    _words(
        """
    Tremblay Gagnon Côté Cote Bouchard Gauthier Morin Lavoie Fortin Gagné Gagne Ouellet Pelletier Bélanger
    Belanger Lévesque Levesque Bergeron Leblanc LeBlanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier
    Dubé Dube Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault Nadeau Martel Hébert Hebert
    Desjardins Lachance Larocque Beaudoin Lafleur Chartrand Lalonde Charbonneau Villeneuve Smith Johnson
    Williams Jones Miller Davis Wilson Anderson Thompson MacDonald Macdonald McDonald Campbell Stewart Robertson
    Murray MacLeod McLeod Fraser Ferguson Morrison Henderson Mitchell Patterson Kowalski Nowak Wiebe Friesen
    Penner Klassen Patel Singh Sharma Sidhu Grewal Dhillon Chen Wang Zhang Liu Nguyen Tran Pham Kim Lee Wong
    Chan Leung Ahmed Khan Hussain Okafor Mensah Nakamura Tanaka Rodriguez Garcia Martinez Lopez Gonzalez
    Hernandez O'Brien O'Connor Murphy Kelly Sullivan Walsh Doyle Byrne Whitehorse Beardy Meekis Kakegamic
    Linklater Okemaw Sutherland Chapman Campeau Fiddler
    """
    )
)
_NOT_NAMES = frozenset(
    _words(
        """
    Mr Mrs Ms Miss Mx Dr Prof Doctor Nurse Professor Sister Father Mme Mlle Rev St Elder Chief
    He She They It His Her Their We I You The A An This That These Those There Here Our Your My Its Then
    When While After Before Since During Today Tomorrow Yesterday And Or But So If As At On In By For From
    With Without To Of Not No Yes All Both Some Any Each Every Also Please Thank Thanks Hi Hello Dear Re
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Spring Summer Fall Autumn Winter Christmas Easter Thanksgiving
    Patient Patients Pt Client Resident Case Background Plan Assessment History Medications Medication
    Question Questions Summary Note Notes Update Impression Social Family Past Medical Goals Goal Safety
    Function Exam Examination Imaging Labs Allergies Allergy Diagnosis Diagnoses Problem Problems Issues
    Health Care Clinic Hospital Pharmacy Team Unit Program Programme Service Services Centre Center Office
    Emergency Department Family Physician Pain Chronic Opioid Opioids Addiction Mental Primary Rehab
    Indigenous First Nations Nation Métis Metis Inuit French English Catholic Christian Muslim Canadian
    American Ontario Canada Quebec Manitoba Alberta Saskatchewan Nova Scotia Brunswick Newfoundland Labrador
    Yukon Nunavut Territories Northwest British Columbia Toronto Ottawa Sudbury Timmins Kingston Thunder Bay
    Hamilton London Windsor Barrie Sault North Bay Kenora Moosonee Moose Factory Attawapiskat Espanola
    Massey Chapleau Kapuskasing Hearst Cochrane Parry Sound Huntsville Orillia Peterborough Belleville
    Cornwall Pembroke Renfrew Winnipeg Regina Saskatoon Calgary Edmonton Vancouver Victoria Halifax Montreal
    Florida Naples Arizona Texas Sciences South East West
    Tylenol Percocet Percodan Dilaudid Suboxone Sublocade Lyrica Cymbalta Butrans Duragesic Kadian Hydromorph
    Contin Tramacet Nucynta Statex Jurnista Targin Methadose Metadol Advil Aleve Motrin Celebrex Arthrotec
    Voltaren Pennsaid Elavil Effexor Wellbutrin Seroquel Imovane Ativan Xanax Valium Rivotril Flexeril
    Robaxin Robaxacet Narcan Belbuca Ultram Zytram Tridural Durela Ralivia Neurontin Topamax Botox Cesamet
    Sativex Nexium Tecta Pantoloc Lasix Eliquis Xarelto Coumadin Lipitor Crestor Synthroid Ozempic Jardiance
    Januvia Lantus Ventolin Symbicort Advair Spiriva Medrol Kenalog Lidoderm Shingrix Naloxone Codeine
    Morphine Oxycodone Hydromorphone Fentanyl Methadone Buprenorphine Tramadol Tapentadol Gabapentin
    Pregabalin Duloxetine Amitriptyline Nortriptyline Acetaminophen Naproxen Ibuprofen Cannabis
    Parkinson Crohn Tinel Phalen Babinski Spurling Hoffmann Hoffman Romberg Patrick Faber Gaenslen
    Trendelenburg Waddell Schober Lhermitte Raynaud Addison Cushing Graves Hashimoto Sjogren Sjögren
    Guillain Barré Barre Bell Alzheimer Huntington Hodgkin Tourette Asperger Down Baker Dupuytren Morton
    Osgood Schlatter Achilles Colles Charcot Wernicke Korsakoff Scheuermann Paget Reiter Kawasaki Lyme Epley
    McMurray Lachman Finkelstein Apley Neer Hawkins Yergason Kernig Brudzinski
    Telehealth ConnexOntario Shoppers Rexall Walmart Costco Legion Friendship Sobeys Loblaws Tim Hortons
    Blue Cross Manulife Sun Life Canada Post Google Facebook Zoom
    Gravida Para Type Grade Stage Level Score Tool Manager Risk Scale Project Cases Outcomes Education
    Experience Handout Portal Information Agreement Navigator Advocate Presentation Profile Story Voice
    Complaint Complaints Concern Concerns Practitioner Practitioners Educator Visit Visits Coordinator Lead
    Director Specialist Assistant Aide Worker Workers Support Supports
    """
    )
) | frozenset(_TITLES)


def _is_name_word(text: str, word: re.Match) -> bool:
    value = word.group()
    if value in _NOT_NAMES or any(part in _NOT_NAMES for part in value.split("-")):
        return False
    if _PLACE_BEFORE.search(text, max(0, word.start() - 12), word.start()):
        return False
    return not (_EPONYM_AFTER.match(text, word.end()) or _PLACE_AFTER.match(text, word.end()))


def _trim_names(text: str, start: int, end: int) -> int | None:
    """End of the leading run of name-like words in text[start:end], or None."""
    kept_end = None
    for word in _NAME_WORD_RE.finditer(text, start, end):
        if not _is_name_word(text, word):
            break
        kept_end = word.end()
    return kept_end


def _matches(
    pattern: re.Pattern, triggers: frozenset[str] | None, text: str, words: dict[str, list[int]]
) -> Iterator[re.Match]:
    if triggers is None:
        yield from pattern.finditer(text)
        return
    for word in words.keys() & triggers:
        for position in words[word]:
            if match := pattern.match(text, position):
                yield match


def _name_candidates(text: str, words: dict[str, list[int]], capitalised: list[int]) -> Iterator[Span]:
    for match in _matches(_TITLED_NAME, _TITLE_TRIGGERS, text, words):
        if match.group(2):
            yield match.span()
            continue
        end = _trim_names(text, match.start(1), match.end(1))
        if end is not None:
            yield match.start(), end
    for pattern, triggers in ((_CUED_NAME, _NAME_CUE_TRIGGERS), (_RELATED_NAME, _RELATION_TRIGGERS)):
        for match in _matches(pattern, triggers, text, words):
            end = _trim_names(text, match.start(1), match.end(1))
            if end is None:
                continue
            yield match.start(1), end
            # "her kids Emma and Noah", "sons Kevin, Mark and Luc"
            while more := _NAME_LIST_MORE.match(text, end):
                more_end = _trim_names(text, more.start(1), more.end(1))
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
    # Common first names and surnames need no cue: "Bob is a 62-year-old retired miner".
    for position in capitalised:
        if position and text[position - 1] in "-'’":
            continue
        word = _NAME_WORD_RE.match(text, position)
        if word is None:
            continue
        value = word.group()
        known = (
            value in _FIRST_NAMES or value in _SURNAMES or any(p in _FIRST_NAMES for p in value.split("-"))
        )
        if not known or not _is_name_word(text, word):
            continue
        end = word.end()
        surname = _NEXT_NAME_WORD.match(text, end)
        if surname and _is_name_word(text, _NAME_WORD_RE.match(text, surname.start(1))):
            end = surname.end()
        yield word.start(), end
