"""Labelled sentences for the patient-identifier guard, written the way a rural
family physician or NP presents a chronic-pain / opioid case to the ECHO hub.

IDENTIFYING: (sentence, [(kind, identifying substring), ...]). The substring is
the part that identifies someone (the surname, not its "Mrs."; the date, not
its "DOB"); a finding of any kind that covers it counts as a hit.
CLEAN: de-identified clinical sentences, with near-misses on purpose (doses,
scores, vertebral levels, lab values, years, brands, eponyms, ages under 90).
"""

from tests.cases.deid_corpus_fr import CLEAN_FR, IDENTIFYING_FR

IDENTIFYING_EN = [
    # Names: titles, cue phrases, relatives, care team, initials, bare first names.
    (
        "Mrs. Tremblay is a 58-year-old woman with chronic low back pain since a fall at work.",
        [("name", "Tremblay")],
    ),
    ("I saw Mr Smith again last week and he is still taking oxycodone 10 mg QID.", [("name", "Smith")]),
    ("Her GP before me, Dr. Patel, started the hydromorphone in hospital.", [("name", "Patel")]),
    ("Her name is Anne and she works nights at the long-term care home.", [("name", "Anne")]),
    (
        "The patient, John Kowalski, drives a logging truck and cannot afford time off for physio.",
        [("name", "John Kowalski")],
    ),
    ("Her husband Paul manages the pill bottles and has a naloxone kit at home.", [("name", "Paul")]),
    ("His daughter Sarah called the clinic worried about his drowsiness on methadone.", [("name", "Sarah")]),
    (
        "She lives with her son Kevin, who also uses opioids, so we discussed safe storage.",
        [("name", "Kevin")],
    ),
    ("His wife, Linda, says he snores heavily and stops breathing at night.", [("name", "Linda")]),
    ("Consult note signed by Dr. Amanda Chen, internal medicine.", [("name", "Amanda Chen")]),
    ("Mr. and Mrs. Roy both attend the clinic and share a pharmacy.", [("name", "Roy")]),
    ("Patient J.S. is a 47-year-old roofer with bilateral knee osteoarthritis.", [("name", "J.S.")]),
    ("A man named Gerald came in asking for a Percocet refill from the walk-in.", [("name", "Gerald")]),
    ("She prefers to be called Bev and gets anxious before appointments.", [("name", "Bev")]),
    ("The pain specialist, Dr Okafor, recommended a trial of duloxetine.", [("name", "Okafor")]),
    ("Bob is a 62-year-old retired miner on 180 MME of morphine.", [("name", "Bob")]),
    ("Her first name is Mélanie and she speaks mostly French at home.", [("name", "Mélanie")]),
    ("The pharmacist Ahmed flagged a double-doctoring concern last month.", [("name", "Ahmed")]),
    ("His mother, Doris MacLeod, is his main caregiver since the amputation.", [("name", "Doris MacLeod")]),
    ("Ms. O'Brien reports her pain at 8/10 most days despite the fentanyl patch.", [("name", "O'Brien")]),
    ("Karen has been on Suboxone 16 mg for two years and is doing well.", [("name", "Karen")]),
    (
        "I spoke with her counsellor, Janet Whitehorse, who is running CBT for pain.",
        [("name", "Janet Whitehorse")],
    ),
    ("The patient goes by Sonny and lives alone on the reserve.", [("name", "Sonny")]),
    (
        "Her kids Emma and Noah are 6 and 9, and she worries about the pills in the house.",
        [("name", "Emma"), ("name", "Noah")],
    ),
    ("Nurse Brenda from home care says the patch count does not add up.", [("name", "Brenda")]),
    ("Referred from the ED by Dr. Lafleur after his third visit for back pain.", [("name", "Lafleur")]),
    ("Mme Gagnon has had chronic back pain since her accident at the sawmill.", [("name", "Gagnon")]),
    ("Our patient, Mary-Ellen Fraser, has fibromyalgia and poor sleep.", [("name", "Mary-Ellen Fraser")]),
    (
        "His brother Dwayne supplies him with extra hydromorphone from his own prescription.",
        [("name", "Dwayne")],
    ),
    ("Signed: Dr. R. Singh, MD, CCFP", [("name", "Singh")]),
    ("Mrs Nakamura is 74 and has severe spinal stenosis at L4-L5.", [("name", "Nakamura")]),
    ("Thomas is a 39-year-old carpenter injured in a fall from scaffolding.", [("name", "Thomas")]),
    ("Her partner, Jess, is supportive but also drinks heavily.", [("name", "Jess")]),
    ("The patient John Smith was discharged on hydromorphone 4 mg q4h PRN.", [("name", "John Smith")]),
    (
        "Per Dr. Wiebe at the pain clinic, the nerve blocks gave only two weeks of relief.",
        [("name", "Wiebe")],
    ),
    ("Mr. Desjardins works at the mill and reports numbness in both hands.", [("name", "Desjardins")]),
    ("Her surname is Beaulieu and she was adopted, so family history is unknown.", [("name", "Beaulieu")]),
    ("Pt initials DK, 52 y/o male, chronic neck pain after MVA.", [("name", "DK")]),
    ("His boss Gord keeps calling him to come back to full duties.", [("name", "Gord")]),
    ("Jean-Luc has been off work since the injury and is on WSIB benefits.", [("name", "Jean-Luc")]),
    ("Dear Dr. Fournier, thank you for seeing this patient at the pain clinic.", [("name", "Fournier")]),
    ("Her ex-husband Rick is still on the pharmacy profile as an authorized pickup.", [("name", "Rick")]),
    ("Mrs. Mary Campbell is a retired teacher with diabetic neuropathy.", [("name", "Mary Campbell")]),
    ("Priya, a 33-year-old nurse, has endometriosis pain and is on tramadol.", [("name", "Priya")]),
    ("She was seen by the orthopaedic surgeon Dr Kim, who does not want to operate.", [("name", "Kim")]),
    ("His granddaughter Ashley picks up his blister packs every Friday.", [("name", "Ashley")]),
    (
        "Patient Wendy Larocque asked whether cannabis oil could replace her OxyContin.",
        [("name", "Wendy Larocque")],
    ),
    ("The client, known as Mouse on the street, has been injecting hydromorphone.", [("name", "Mouse")]),
    ("Hi all, Dave here again with an update on the patient from last month.", [("name", "Dave")]),
    ("We discussed the taper with Steve and his wife at the last visit.", [("name", "Steve")]),
    # Dates more specific than a year.
    (
        "She was admitted on March 14 for an overdose and discharged with a naloxone kit.",
        [("date", "March 14")],
    ),
    ("His last UDS on 14 March was positive for fentanyl.", [("date", "14 March")]),
    ("The MRI done Mar 14, 2025 showed a disc protrusion at L5-S1.", [("date", "Mar 14, 2025")]),
    ("DOB 14/03/1962, on methadone maintenance for 10 years.", [("date", "14/03/1962")]),
    ("Date of birth: 03/14/1962.", [("date", "03/14/1962")]),
    ("Follow-up appointment booked for 2026-02-17 with the pain clinic.", [("date", "2026-02-17")]),
    ("The surgery was 2024/11/05 and the pain has been worse since.", [("date", "2024/11/05")]),
    ("Pharmacy records show an early refill on 14-Mar-2025.", [("date", "14-Mar-2025")]),
    ("She fell on the ice on January 3rd and fractured her wrist.", [("date", "January 3rd")]),
    ("He started the taper on the 3rd of May and is down to 60 MME.", [("date", "3rd of May")]),
    ("DOB 1962, lives alone, on disability.", [("date", "1962")]),
    ("He was born on 7 July 1955 in northern Manitoba.", [("date", "7 July 1955")]),
    ("Her last fill of Percocet was Sept. 22 at the Shoppers in town.", [("date", "Sept. 22")]),
    ("Injury date Oct 2, 2023, WSIB accepted the claim.", [("date", "Oct 2, 2023")]),
    (
        "She had a hysterectomy in April 2018 and the pelvic pain started after that.",
        [("date", "April 2018")],
    ),
    ("Seen in the ED 12/09/2025 for withdrawal symptoms.", [("date", "12/09/2025")]),
    ("Next ECHO presentation planned for Feb 4th, and I will update you then.", [("date", "Feb 4th")]),
    ("The fentanyl patch was stopped on 2025.06.30 after a fall.", [("date", "2025.06.30")]),
    ("Date of birth 1948-11-23; retired farmer.", [("date", "1948-11-23")]),
    (
        "His birthday is December 25 so his family visits a lot over the holidays.",
        [("date", "December 25")],
    ),
    ("The collision happened on 5/6/19 and he has had neck pain ever since.", [("date", "5/6/19")]),
    ("She has been off work since last October after the lifting injury.", [("date", "October")]),
    ("Born in 1958, he started using opioids after a mining accident.", [("date", "1958")]),
    ("On the 22nd of August he was found unresponsive by his roommate.", [("date", "22nd of August")]),
    ("UDS collected 2025-10-01 was positive for fentanyl.", [("date", "2025-10-01")]),
    ("Seen on Tuesday, November 4 for a pill count.", [("date", "November 4")]),
    # Ages over 89 (the patient's or a relative's).
    (
        "She is a 92-year-old widow with compression fractures on low-dose hydromorphone.",
        [("age_over_89", "92")],
    ),
    ("Patient aged 91 with severe knee OA who refuses surgery.", [("age_over_89", "91")]),
    ("He is 94 yo and still lives on the farm with his son.", [("age_over_89", "94")]),
    ("93 y/o F with post-herpetic neuralgia, tried gabapentin without benefit.", [("age_over_89", "93")]),
    ("Age 95, lives in a retirement home, on acetaminophen and a Butrans patch.", [("age_over_89", "95")]),
    ("Her mother is in her 90s and the patient is her main caregiver.", [("age_over_89", "90s")]),
    ("A ninety-year-old man with metastatic prostate cancer and bone pain.", [("age_over_89", "ninety")]),
    ("The patient is 97 years old and her daughter manages the medications.", [("age_over_89", "97")]),
    # Phone and fax numbers.
    ("Her cell is (705) 555-0123 if the hub wants to reach her directly.", [("phone", "(705) 555-0123")]),
    ("Call the pharmacy at 705-555-0187 to confirm the daily dispensing.", [("phone", "705-555-0187")]),
    ("Home phone 705.555.0144, but she rarely answers.", [("phone", "705.555.0144")]),
    ("The son's number is +1 705 555 0199.", [("phone", "+1 705 555 0199")]),
    ("The clinic line 1-800-555-0199 ext. 234 reaches the nurse.", [("phone", "1-800-555-0199 ext. 234")]),
    ("Please fax the consult to 416 555 0199 attention pain clinic.", [("phone", "416 555 0199")]),
    ("You can text her at 2495550176.", [("phone", "2495550176")]),
    ("Call 555-0142 to reach the methadone dispensary.", [("phone", "555-0142")]),
    # Email, web and network addresses.
    (
        "She emailed me from linda.tremblay62@gmail.com asking for an early refill.",
        [("email", "linda.tremblay62@gmail.com")],
    ),
    ("Send the opioid agreement to j_kowalski@northernmail.ca.", [("email", "j_kowalski@northernmail.ca")]),
    (
        "His GoFundMe page is at https://www.gofundme.com/f/help-dave-walk-again.",
        [("url", "https://www.gofundme.com/f/help-dave-walk-again")],
    ),
    (
        "The chart is in the portal at www.northclinic.ca/patients/55813.",
        [("url", "www.northclinic.ca/patients/55813")],
    ),
    ("Her results are uploaded to clinic.ca/patient/123.", [("url", "clinic.ca/patient/123")]),
    ("The telehealth log shows he connected from 192.168.14.201.", [("ip_address", "192.168.14.201")]),
    (
        "Remote login came from 2001:db8:85a3::8a2e:370:7334 according to IT.",
        [("ip_address", "2001:db8:85a3::8a2e:370:7334")],
    ),
    ("She posts about her pain on facebook.com/bev.lachance.5.", [("url", "facebook.com/bev.lachance.5")]),
    # Street and mailing addresses.
    ("He lives at 14 Elm Road with his elderly parents.", [("address", "14 Elm Road")]),
    (
        "Home care visits her at 123 Main Street, apt 4B.",
        [("address", "123 Main Street"), ("address", "apt 4B")],
    ),
    (
        "Mailing address is 45 King St W, Unit 12, Sudbury.",
        [("address", "45 King St W"), ("address", "Unit 12")],
    ),
    ("She moved to 12 Rue Principale in the village last year.", [("address", "12 Rue Principale")]),
    ("Rural address RR 2, Massey, no cell service out there.", [("address", "RR 2")]),
    ("He lives out on RR 3 past the transfer station.", [("address", "RR 3")]),
    ("Send the letter to P.O. Box 123 in Chapleau.", [("address", "P.O. Box 123")]),
    ("The family farm is at 4573 Highway 11 north of town.", [("address", "4573 Highway 11")]),
    ("She rents a basement apartment at 88 Lorne Avenue.", [("address", "88 Lorne Avenue")]),
    ("His trailer is at 2245 Concession 6, Lot 14.", [("address", "2245 Concession 6")]),
    ("Patient lives at 7 Birch Cres., near the high school.", [("address", "7 Birch Cres")]),
    ("They live on Lakeshore Drive, past the marina.", [("address", "Lakeshore Drive")]),
    # Postal codes.
    ("Sudbury, ON P3E 2C6.", [("postal_code", "P3E 2C6")]),
    ("Postal code P3E2C6 is on the requisition.", [("postal_code", "P3E2C6")]),
    ("Her postal code, p3e 2c6, puts her in the Sudbury catchment.", [("postal_code", "p3e 2c6")]),
    (
        "He winters in Florida at 210 Palm Drive, Naples, FL 34102.",
        [("address", "210 Palm Drive"), ("postal_code", "34102")],
    ),
    ("The insurance form lists ZIP 90210-1234.", [("postal_code", "90210-1234")]),
    # Health card numbers.
    ("Her OHIP number is 1234 567 890.", [("health_card", "1234 567 890")]),
    ("Health card 1234-567-890-AB was scanned at triage.", [("health_card", "1234-567-890-AB")]),
    ("The requisition has HCN 1234567890AB on it.", [("health_card", "1234567890AB")]),
    ("RAMQ ABCD 1234 5678, transferred from a Quebec clinic.", [("health_card", "ABCD 1234 5678")]),
    ("BC PHN 9123 456 789 from when he worked out west.", [("health_card", "9123 456 789")]),
    ("Alberta health number 12345-6789 on the old discharge summary.", [("health_card", "12345-6789")]),
    ("Manitoba health card number 123456789.", [("health_card", "123456789")]),
    ("The lab slip shows 9876543210 in the health card field.", [("health_card", "9876543210")]),
    ("His Quebec card reads TREM 6203 1412.", [("health_card", "TREM 6203 1412")]),
    ("Nova Scotia MSI 0012 345 678 was on file.", [("health_card", "0012 345 678")]),
    # SIN and SSN.
    ("His SIN is 123-456-789 for the disability forms.", [("sin_ssn", "123-456-789")]),
    ("Social insurance number 123 456 782 on the CPP-D application.", [("sin_ssn", "123 456 782")]),
    ("His old US SSN 123-45-6789 is on the VA records.", [("sin_ssn", "123-45-6789")]),
    ("SIN: 046454286", [("sin_ssn", "046454286")]),
    # Medical record and chart numbers.
    ("MRN 12345678 at Health Sciences North.", [("record_number", "12345678")]),
    ("Chart #4471 has the full opioid agreement.", [("record_number", "4471")]),
    ("Her hospital number is H0045213.", [("record_number", "H0045213")]),
    ("See patient ID 5521 in the EMR for the pharmacy printouts.", [("record_number", "5521")]),
    ("The ED encounter 123456 documents the overdose.", [("record_number", "123456")]),
    ("Chart number 88-4412 at the FHT.", [("record_number", "88-4412")]),
    ("Record no. 70021 shows the old x-ray.", [("record_number", "70021")]),
    # Licences, plates, claims, accounts and other identifying numbers.
    (
        "Driver's licence T1234-56789-01234 was suspended after the impaired charge.",
        [("other_id", "T1234-56789-01234")],
    ),
    (
        "Licence plate ABCD 123 was noted by the pharmacy when he tried to fill twice.",
        [("other_id", "ABCD 123")],
    ),
    ("WSIB claim 1234567 is still under appeal.", [("other_id", "1234567")]),
    ("Her Blue Cross policy number is 44012-99.", [("other_id", "44012-99")]),
    ("Member ID ZX449102 for the drug plan.", [("other_id", "ZX449102")]),
    ("Account #778120 at the pharmacy shows cash payments.", [("other_id", "778120")]),
    ("Pump serial number SN-48812-C was recorded by the pain clinic.", [("other_id", "SN-48812-C")]),
    ("The intrathecal pump has serial 7731-0092.", [("other_id", "7731-0092")]),
    ("Old file had 20458813 written on the top corner.", [("other_id", "20458813")]),
    ("Status card number 0581 12345 01 for NIHB coverage.", [("other_id", "0581 12345 01")]),
    ("Claim number 30-118-2274 with the insurer.", [("other_id", "30-118-2274")]),
    ("ODSP member ID 7784 4219 is on the drug card.", [("other_id", "7784 4219")]),
    ("Badge 4471 at the mine, he works underground.", [("other_id", "4471")]),
    # Forms found by probing after the first version of the detector; kept as regressions.
    ("Kevin's mother called the office on Friday.", [("name", "Kevin")]),
    ("Spoke with Constable Hughes from the OPP about the break-in.", [("name", "Hughes")]),
    ("The neurosurgeon Dr. van der Merwe saw him last spring.", [("name", "van der Merwe")]),
    ("Mrs. B is a 66-year-old woman with diabetic neuropathy.", [("name", "Mrs. B")]),
    ("Her daughter, Marie-Claude, manages her meds.", [("name", "Marie-Claude")]),
    ("She goes by Nan and lives with her grandson Tyler.", [("name", "Nan"), ("name", "Tyler")]),
    ("Her case worker Tanisha says housing is unstable.", [("name", "Tanisha")]),
    ("He is 102 and lives in the LTC home.", [("age_over_89", "102")]),
    ("Lot 7, Concession 3, Township of Machar.", [("address", "Lot 7, Concession 3")]),
    ("He was in the ED on the 5th and again on the 19th.", [("date", "5th"), ("date", "19th")]),
    ("Next appointment: 03-Apr-2026 at 10:30.", [("date", "03-Apr-2026")]),
    ("b. 1950-06-12, widowed, lives alone.", [("date", "1950-06-12")]),
    ("Her name's Dolly and she's a retired cook.", [("name", "Dolly")]),
    ("Seen on 3/14 for a pill count.", [("date", "3/14")]),
    ("Admitted Christmas Eve with an overdose.", [("date", "Christmas Eve")]),
    ("Her Instagram is @bev_lachance.", [("url", "@bev_lachance")]),
    ("He turned 90 last month.", [("age_over_89", "90")]),
    # Names in running text, with no title or label, as issue 18 found them missed.
    ("Nadia Okemow is a 51 year old woman with chronic pelvic pain.", [("name", "Nadia Okemow")]),
    ("When I called back, mr lavoie says the pain keeps him up most nights.", [("name", "lavoie")]),
    ("Gaétan Bérubé was switched from Percocet to Tramacet last spring.", [("name", "Gaétan Bérubé")]),
    (
        "Tanisha Meekis asked whether her methadone could be carried on weekends.",
        [("name", "Tanisha Meekis")],
    ),
    ("Saw Wapun Sakanee today; he is a 44-year-old trapper with shoulder pain.", [("name", "Wapun Sakanee")]),
    (
        "Marie-Josée Lapointe is 63 and has used a walker since her hip fracture.",
        [("name", "Marie-Josée Lapointe")],
    ),
    ("Spoke with Dwight Kakegamic's sister about the overdose.", [("name", "Dwight Kakegamic")]),
    ("Kowalski reports that the fentanyl patch falls off in the shower.", [("name", "Kowalski")]),
    ("Jolene, 38, works night shifts and takes oxycodone before bed.", [("name", "Jolene")]),
    ("Elijah Moonias, the patient's grandson, picks up the blister packs.", [("name", "Elijah Moonias")]),
    ("Ms okafor tells me the Lyrica makes her foggy.", [("name", "okafor")]),
    ("Danielle Twoyoungmen has lived with lupus for twenty years.", [("name", "Danielle Twoyoungmen")]),
    ("Reggie says the physio exercises make it worse.", [("name", "Reggie")]),
    ("Our patient Keesic Beardy is a 29-year-old with a fractured pelvis.", [("name", "Keesic Beardy")]),
    ("Then mrs fiddler called to say the pharmacy was closed.", [("name", "fiddler")]),
    # Communities and First Nations: any place of fewer than 20,000 people.
    ("She lives in Kapuskasing and drives an hour for bloodwork.", [("place", "Kapuskasing")]),
    ("He drives in from Moonbeam for each appointment.", [("place", "Moonbeam")]),
    (
        "The patient is from Sandy Lake First Nation and flies out for specialist care.",
        [("place", "Sandy Lake First Nation")],
    ),
    ("Grew up in Attawapiskat and moved south for work in his twenties.", [("place", "Attawapiskat")]),
    ("She moved to Wawa after her husband died.", [("place", "Wawa")]),
    ("Lives on the reserve at Wikwemikong with her grandmother.", [("place", "Wikwemikong")]),
    ("He was raised in Hope, BC, and worked in logging camps.", [("place", "Hope")]),
    ("The family came down from Peawanuck after the spring flooding.", [("place", "Peawanuck")]),
    ("Works a trapline near Marathon and is away for weeks at a time.", [("place", "Marathon")]),
    ("Currently staying with her sister in Sioux Lookout.", [("place", "Sioux Lookout")]),
    ("Their home is in Moose Factory, on the island.", [("place", "Moose Factory")]),
    ("He is originally from Pikangikum and speaks Oji-Cree at home.", [("place", "Pikangikum")]),
    (
        "From Constance Lake First Nation; the band covers his medications through NIHB.",
        [("place", "Constance Lake First Nation")],
    ),
    ("She relocated to Elliot Lake for cheaper housing.", [("place", "Elliot Lake")]),
    ("Lives in Smooth Rock Falls, a town of about 1,300 people.", [("place", "Smooth Rock Falls")]),
    (
        "He commutes from Iron Bridge to the mine at Espanola.",
        [("place", "Iron Bridge"), ("place", "Espanola")],
    ),
    ("She was born in Kenora and moved to Thunder Bay as a teenager.", [("place", "Kenora")]),
    ("Lives in Foleyet, with no pharmacy within 100 km.", [("place", "Foleyet")]),
    ("He winters in his trailer outside Quartzsite, AZ.", [("place", "Quartzsite")]),
    # Employers.
    ("He works at the sawmill owned by Resolute in town.", [("employer", "Resolute")]),
    ("She works for Hydro One as a lineworker and is often on call.", [("employer", "Hydro One")]),
    ("Retired from Inco after 31 years underground.", [("employer", "Inco")]),
    ("He was laid off from Domtar when the mill closed.", [("employer", "Domtar")]),
    ("Employed by Kiewit on the highway twinning project.", [("employer", "Kiewit")]),
    ("She works as a cashier at the Northern Store and stands all day.", [("employer", "Northern Store")]),
    ("He works for Bearskin Airlines loading baggage.", [("employer", "Bearskin Airlines")]),
    ("Her job at Tim Hortons means she is on her feet for 10 hours.", [("employer", "Tim Hortons")]),
    ("Worked for Algoma Steel until the layoffs in 2016.", [("employer", "Algoma Steel")]),
    # Record numbers with letters or a facility prefix.
    ("The requisition lists SJHC-553120 at the top.", [("record_number", "SJHC-553120")]),
    ("Visit# 20251102-0117 has the ED note.", [("record_number", "20251102-0117")]),
    ("MRN: A1234567, seen in fracture clinic.", [("record_number", "A1234567")]),
    ("Her chart number at HSN is HSN-0048812.", [("record_number", "HSN-0048812")]),
    ("Encounter ID NHS2025-88213 was attached to the referral.", [("record_number", "NHS2025-88213")]),
    ("Lab accession 25-CH-004417 shows the fentanyl result.", [("record_number", "25-CH-004417")]),
    # Written after the rules above, as a check they had not seen; kept as regressions.
    (
        "Patient is Darlene Moonias, 47, from Kasabonika Lake.",
        [("name", "Darlene Moonias"), ("place", "Kasabonika Lake")],
    ),
    ("Her son Tyson drives her in from Nakina every two weeks.", [("name", "Tyson"), ("place", "Nakina")]),
    ("Raymond Wesley reports the pain is worse in the cold.", [("name", "Raymond Wesley")]),
    ("mrs okemow called about the refill.", [("name", "okemow")]),
    ("He was employed by Vale at the Creighton mine for 28 years.", [("employer", "Vale")]),
    ("She cleans rooms at the Comfort Inn and cannot bend.", [("employer", "Comfort Inn")]),
    ("Lives in Red Lake with her two kids.", [("place", "Red Lake")]),
    ("They moved to Dryden last fall.", [("place", "Dryden")]),
    ("He is a band member of Eabametoong First Nation.", [("place", "Eabametoong First Nation")]),
    ("Chart# HSN449120 from the previous admission.", [("record_number", "HSN449120")]),
    ("Her encounter number is ED-2025-114477.", [("record_number", "ED-2025-114477")]),
    ("DOB: 1958-07-21, widowed.", [("date", "1958-07-21")]),
    ("Seen on Oct. 3 at the nursing station.", [("date", "Oct. 3")]),
    ("Age 93, bed-bound since the stroke.", [("age_over_89", "93")]),
    ("Reach her daughter at 807-555-0182.", [("phone", "807-555-0182")]),
    ("Her health card number 4455 667 788 ZX was expired.", [("health_card", "4455 667 788 ZX")]),
    ("The foreman, Rick Lafontaine, sent him home early.", [("name", "Rick Lafontaine")]),
    ("Cheryl Sutherland, a 56-year-old teacher, has migraines.", [("name", "Cheryl Sutherland")]),
    ("He grew up in Fort Severn and moved to Winnipeg.", [("place", "Fort Severn")]),
    ("Retired from CN Rail after a crush injury.", [("employer", "CN Rail")]),
    ("M. Desrosiers est un homme de 59 ans, ancien camionneur.", [("name", "Desrosiers")]),
    # Found by probing after the blind check.
    ("He was a logger for Tembec in town.", [("employer", "Tembec")]),
    ("She was a cashier at Walmart for years.", [("employer", "Walmart")]),
    ("Pain since 2019; lives alone in Chapleau.", [("place", "Chapleau")]),
    # Several at once, as a careless first draft would have them.
    (
        "Linda Tremblay, DOB 1961-04-02, OHIP 5584 229 107 KT, lives at 31 Pine St, Espanola P5E 1A4.",
        [
            ("name", "Linda Tremblay"),
            ("date", "1961-04-02"),
            ("health_card", "5584 229 107 KT"),
            ("address", "31 Pine St"),
            ("postal_code", "P5E 1A4"),
        ],
    ),
    (
        "Please call her daughter Chantal at 705-555-0161 before changing the dose.",
        [("name", "Chantal"), ("phone", "705-555-0161")],
    ),
    (
        "Mr. Beaudoin (MRN 0093312) was seen 2025-09-14 in the ED.",
        [("name", "Beaudoin"), ("record_number", "0093312"), ("date", "2025-09-14")],
    ),
]

CLEAN_EN = [
    "58-year-old woman with chronic low back pain since a workplace fall three years ago.",
    "Currently on oxycodone 5 mg q4-6h PRN, using about four tablets a day.",
    "Hydromorphone 2 mg PO q4h was started in hospital and never tapered.",
    "Fentanyl 25 mcg/h patch q72h, changed every third day by home care.",
    "Morphine SR 30 mg BID plus morphine IR 5 mg for breakthrough, total 80 MME.",
    "Methadone 40 mg daily, witnessed dosing at the pharmacy five days a week.",
    "Gabapentin 300 mg TID was poorly tolerated because of dizziness.",
    "We tried pregabalin 75-150 mg at bedtime with partial benefit for the neuropathic pain.",
    "PHQ-9 14 and GAD-7 of 12 at the last visit, up from 9 and 8 in the spring.",
    "PEG 7 today, ORT 4, and she rates her pain 7/10 most days.",
    "He says the pain is 8 out of 10 by evening and he cannot sit through a movie.",
    "MRI in 2019 showed degenerative changes at L4-L5 and L5-S1 with no stenosis.",
    "Cervical imaging showed foraminal narrowing at C5-6 and an old compression fracture at T12.",
    "eGFR 58, HbA1c 7.2%, ALT 45, and Cr 102 umol/L on the most recent bloodwork.",
    "BP 138/84, HR 88, BMI 31.4 at today's visit.",
    "She has been on opioids since 2015 and the dose crept up in 2020-2021 during the pandemic.",
    "Pain has been present for 6 months and is now affecting sleep.",
    "He stopped physio two weeks ago because the drive is over an hour each way.",
    "A retired miner in his 60s with bilateral knee OA.",
    "She has tried OxyContin, Percocet and Dilaudid over the years.",
    "Previously on Suboxone but stopped because of cost; now asking about Kadian.",
    "Takes Tylenol #3 two to three times a day and Lyrica 75 mg at night.",
    "Cymbalta 60 mg daily helped her mood more than the pain.",
    "The Butrans patch caused skin irritation, and Duragesic was too strong.",
    "Hydromorph Contin 12 mg BID was switched from Tramacet after a fall.",
    "She asked about Nucynta because a friend uses it for back pain.",
    "NSAIDs are limited by her eGFR, and an SNRI or a TCA is being considered.",
    "UDS was positive for oxycodone and negative for fentanyl and benzodiazepines.",
    "She has not yet been referred to ONMS or the local CBT group.",
    "PT and OT assessments were completed through the FHT.",
    "He went to the ER twice last month with uncontrolled pain and was sent home on Tylenol.",
    "Her GP retired and the NP at the nursing station now covers her prescriptions.",
    "Chronic neck pain after an MVA in 2017, managed with exercises and a TENS unit.",
    "WSIB is involved, and the case manager wants a return-to-work plan.",
    "He has COPD and OUD, and we are worried about combining opioids with benzos.",
    "Total daily dose is roughly 120 MME, above the guideline threshold.",
    "Oxycodone 10 mg PRN, CR tablets BID, and an XR formulation tried last year.",
    "Tinel's sign was positive at both wrists and Phalen's test reproduced the numbness.",
    "Her father had Parkinson's and she worries the tremor is the same thing.",
    "He is from a small community near Timmins and drives to Sudbury for specialist care.",
    "Lives in northern Ontario, about three hours from Toronto by car.",
    "Babinski was negative and reflexes were symmetrical.",
    "She has Crohn's disease and chronic abdominal pain on top of the back pain.",
    "Diagnosis coded as G89.4 chronic pain syndrome and F11.20 opioid use disorder.",
    "We gave her a naloxone kit and reviewed overdose signs with her and her partner.",
    "Sleep is poor, about four hours a night, and she wakes with pain around 3 am.",
    "He walks for 20 minutes twice a day and does his home exercise program most mornings.",
    "Taper plan: reduce by 10% every 2-4 weeks, with pauses as needed.",
    "Current regimen is 90 MME, and we would like to get below 50 MME by the summer.",
    "Her husband is supportive and drives her to appointments.",
    "His daughter lives in Thunder Bay and visits once a month.",
    "She lives with her son, who works shifts at the mine.",
    "The patient was seen by the pain clinic in Kingston in 2022.",
    "Her name was on the waitlist for the interdisciplinary program for over a year.",
    "Our pharmacist suggested switching to a long-acting formulation.",
    "The physio recommended a graded activity program and pacing.",
    "Dr. visits are hard to arrange because there is no bus service.",
    "Platelets 250, hemoglobin 128, and sodium 139 were all within range.",
    "Vitamin D was 45 nmol/L, so we started 2000 IU daily.",
    "Opioid Risk Tool score 4 and COWS of 6 during the last attempted taper.",
    "Morphine equivalent dose has been stable at 60 mg per day for 2 years.",
    "She takes acetaminophen 1 g QID and naproxen 500 mg BID with food.",
    "Buprenorphine microdosing started at 0.5 mg and reached 16 mg over 7 days.",
    "He uses a cane and can walk about 2 blocks before needing to rest.",
    "She reports 2-3 panic attacks a week and avoids driving on the highway.",
    "Ketorolac 30 mg IM was given in the ED with some relief.",
    "He uses cannabis, 1-2 grams a day, mostly in the evening.",
    "Her pain diary shows the worst days are Mondays after weekend chores.",
    "She returned to modified duties three months ago, four hours per shift.",
    "The spring and summer are better for her, and the cold makes the pain worse.",
    "Hand pain is worse in the morning with about 30 minutes of stiffness.",
    "Trigger point injections were given at 4 sites with lidocaine 1%.",
    "HR 102 and RR 22 during withdrawal, with a COWS of 14.",
    "He was found with RR 6 and pinpoint pupils, and needed two doses of naloxone.",
    "Hemoglobin A1c 8.1% and LDL 3.2 mmol/L; metformin 500 mg BID.",
    "Urine drug screen collected at 10:30 and sent to the lab.",
    "She works 12-hour shifts as a PSW and lifts residents without a mechanical lift.",
    "Her back pain started after a lifting injury at work and WSIB has been involved since then.",
    "Pain catastrophizing scale 38, and she avoids bending or lifting anything heavy.",
    "He has had 3 knee surgeries and the last one was in 2016.",
    "Mobility is limited: timed up-and-go of 14 seconds and a 6-minute walk of 310 metres.",
    "We are considering a trial of low-dose naltrexone 1.5-4.5 mg at night.",
    "His oxycodone was reduced from 120 mg to 100 mg per day over 4 weeks.",
    "She asks whether Lyrica or Cymbalta is safer with her kidney function.",
    "The hub suggested an SNRI, a sleep hygiene handout, and a referral to the self-management program.",
    "ECG showed a QTc of 468 ms on methadone 80 mg, so we are cautious about increasing.",
    "Potassium 4.1, magnesium 0.78, and TSH 2.3 were normal.",
    "He drinks 6-8 beers on weekends, and his AUDIT-C score is 7.",
    "She smokes a pack a day and is interested in NRT.",
    "Dose was increased by 25% after the fracture and never brought back down.",
    "We counted 42 tablets remaining when there should have been 56.",
    "Pill count and random UDS are part of the treatment agreement.",
    "She is tapering by 5 mg every 2 weeks and is now on 30 mg per day.",
    "His BP was 150/95 on the first reading and 142/88 on repeat.",
    "The nerve conduction study showed moderate carpal tunnel on the right.",
    "Question for the hub: how do we rotate from hydromorphone to methadone safely with a QTc of 455?",
    "Question 2: is there a role for a sleep study given his snoring and 90 MME?",
    "She was prescribed 1/2 tablet at bedtime and sometimes takes a whole tablet.",
    "He takes 2 tabs q6h PRN, max 8 per day.",
    "X-ray of the hip showed grade 3 osteoarthritis with joint space narrowing.",
    "Her pain is 3/10 at rest and 9/10 with activity.",
    "FEV1 was 62% predicted and he uses a salbutamol puffer 2-3 times a day.",
    "The Opioid Manager tool was used to document the taper.",
    "She saw a chiropractor 10 times in 2023 without lasting benefit.",
    "He has been on the same dose for 8 years and is afraid to change anything.",
    "ED visits: 4 in the past year, all for pain or withdrawal.",
    "Injured his shoulder at work 18 months ago, and the claim is still open.",
    "He worked 30 years underground at the mine before the injury.",
    "The closest pharmacy is 45 minutes away, so weekly dispensing is a hardship.",
    "Dispensing interval was changed to every 7 days with 2 carries.",
    "Naloxone kit given, and his roommate was shown how to use it.",
    "A 45-year-old Indigenous woman from a fly-in community with fibromyalgia.",
    "She is 89 years old and lives independently with weekly home care.",
    "He is 85 and his wife is 88.",
    "His pain started at age 19 after a hockey injury.",
    "Aged 72, she still gardens but needs breaks every 15 minutes.",
    "She attends a Tuesday evening support group at the Friendship Centre.",
    "He was on Percocet 5/325 mg, 2 tablets QID.",
    "Lidocaine 5% patch, 12 hours on and 12 hours off.",
    "His wife says he is more irritable, and his son thinks he takes more than prescribed.",
    "She was called back to work but could not manage the lifting.",
    "He is named on his brother's lease, so housing is stable for now.",
    "The ER physician gave him a 3-day supply and told him to follow up with his GP.",
    "Morphine 10 mg/mL oral solution, 0.5 mL q4h PRN.",
    "She has tried 4 different SSRIs since 2012.",
    "The clinic is in a town of about 4000 people, and everyone knows everyone.",
    "He was a 2-pack-a-day smoker and quit in 2010.",
    "The taper goal is 50% over 6 months, with monthly check-ins.",
    "Serum creatinine 135 and eGFR 42, so we avoided NSAIDs.",
    "He gets 28 days of medication at a time, but runs out around day 21.",
    "She tried acupuncture, massage and a TENS unit with little change.",
    "Ontario guidelines suggest reassessing above 90 MME, which we did in the fall.",
    "Her daughter is a nurse in Ottawa and wants her off opioids.",
    "Grip strength and Spurling's test were normal; no red flags.",
    "The patient has Raynaud's and cold intolerance in both hands.",
    "He reports 5-6 hours of sleep with zopiclone 7.5 mg at bedtime.",
    "Oxygen saturation was 94% on room air and the respiratory rate was 16.",
    "Morning cortisol was 320 nmol/L on 2 occasions.",
    "She is Gravida 3 Para 2 with pelvic pain after her last delivery.",
    "He plays in a Thursday night dart league and drinks there.",
    "Opioid agreement reviewed and signed by both of us today.",
    "Her sister also has fibromyalgia, and their mother had lupus.",
    "We reduced to 100 MME in the past year; the last step was 10 mg.",
    "His grandson moved in, and there are now 4 people in a 2-bedroom house.",
    "The hospital number system changed, so the old records are hard to get.",
    "Her health card expired and she could not get the MRI until it was renewed.",
    "The WSIB claim was accepted after an appeal.",
    "He keeps an account of daily pain scores on his phone.",
    "Please see the chart for the full medication history.",
    "Her phone was stolen, so she missed the reminder call.",
    "He lost his driver's licence after the impaired charge and relies on his sister for rides.",
    "May we ask the hub whether a rotation to buprenorphine makes sense here?",
    "Physio twice weekly for 6 weeks, then a home program.",
    "Her son drives 90 km each way to bring her to the clinic.",
    "He is on ODSP and cannot afford the dispensing fees.",
    "Tapentadol 50 mg BID was not covered by the ODB formulary.",
    "Her sleep improved with trazodone 50 mg, and the PHQ-9 dropped to 9.",
    "Knee injections with triamcinolone 40 mg gave about 3 months of relief.",
    "The pain clinic wait time is 18 months, so we are managing in primary care.",
    "She was admitted to St. Joseph's Hospital after the fall and then went to rehab.",
    "He lives near Sault Ste. Marie and gets his injections at the Ross Memorial Hospital.",
    "Dr. Google has convinced him that surgery is the answer.",
    "Her sister-in-law helps with groceries.",
    "Titration: gabapentin 300-600-900 then 1200 mg/day.",
    "She is in her 70s and lives alone.",
    "Vitals: T 37.1, P 96, R 18, BP 150/92, O2 95%.",
    "She attends AA and NA meetings weekly.",
    "COWS 3 at 0800 and 11 at 1400.",
    "Pain went from 8/10 to 5/10 after the nerve block.",
    "She has been on 1/2 tablet at night since the fall.",
    "We reduced the dose by 1/3 over two months.",
    "He has been sober since Christmas and goes to meetings.",
    "Saw Physio Plus twice a week until the funding ran out.",
    "He drives to Sudbury for his MRI and stays overnight with family.",
    "She was referred to the pain clinic in Thunder Bay.",
    "Hope is what keeps her going, she says, along with the grandchildren.",
    "Works at the mine on a two-weeks-in, one-week-out rotation.",
    "He retired from the railway after a back injury.",
    "She works for a cleaning company and lifts heavy buckets all day.",
    "Normal gait, Romberg negative, and no saddle anesthesia.",
    "Will discuss the taper with the hub before changing anything.",
    "Lives in a fly-in First Nation community in northern Ontario.",
    "She lives in Ontario now but grew up in Manitoba.",
    "Many First Nations communities in the region have no pharmacist.",
    "The band office arranges medical travel to the nearest hospital.",
    "Moved to a larger centre last year to be closer to dialysis.",
    "His employer offers modified duties through the WSIB return-to-work program.",
    "She was laid off from her job in the spring and lost her drug plan.",
    "Bell's palsy two years ago left mild facial weakness.",
    "Baker's cyst on ultrasound, drained in clinic.",
    "Mobile crisis team attended twice in the past month.",
    "The Ontario Telemedicine Network visit worked well with the nurse present.",
    "He drives down from a small town north of Timmins.",
    "Her husband works shifts at the mill in town.",
    "She visits the Friendship Centre for smudging and the elders' lunch.",
    "He was seen at Health Sciences North in Sudbury.",
    "Referral to the Northern Ontario pain program is pending.",
    "Chief Complaint: low back pain for 3 years.",
    "Seen by the Nurse Practitioner last week about the taper.",
    # Written after the rules, as a check they had not seen.
    "She drives to Timmins for bloodwork every month.",
    "He works at a sawmill and lifts lumber all day.",
    "Lives in a remote fly-in community with a nursing station.",
    "Pain started after a fall from a ladder at work.",
    "She retired from teaching and now volunteers at the church.",
    "Dr. Google told him he needs surgery, he jokes.",
    "His brother lives in Toronto and calls weekly.",
    "Will start naproxen if the eGFR allows.",
    "Mark the dose changes on the calendar for home care.",
    "Grace period on the dispensing fee was granted by the pharmacy.",
    "Hydromorphone 3 mg q4h PRN, max 6 doses per day.",
    "Reviewed the Opioid Manager and the CDC guideline together.",
    "PEG 6, PHQ-9 9, GAD-7 5 at follow-up.",
    "Parkinson's disease was ruled out; essential tremor is likely.",
    "She lives with her husband and their dog on a farm.",
    "Referred to the Sudbury pain clinic, wait time 14 months.",
    "He is a retired miner with silicosis and back pain.",
    "The band covers medical travel through NIHB.",
    "Sleeps in a recliner because lying flat hurts.",
    "She is a nurse at the nursing station and knows everyone.",
    "He is a miner at the mine, like his father was.",
    "Buprenorphine induction planned with microdosing.",
]

LONG_CLEAN_CASE = """\
Case presentation: chronic low back pain, high-dose opioids, and a stalled taper.

Background: 58-year-old woman, a retired personal support worker who lives with her husband in a small \
town in northern Ontario, about two hours from the nearest interdisciplinary pain program. Chronic low \
back pain for 9 years after a lifting injury at work; the WSIB claim closed in 2018. MRI in 2019 showed \
multilevel degenerative disc disease, worst at L4-L5 and L5-S1, with mild foraminal narrowing and no \
canal stenosis. Nerve conduction studies were normal. She also has type 2 diabetes (HbA1c 7.2%), \
hypertension (BP 138/84 today, HR 88), obesity (BMI 31.4), mild sleep apnea that she does not treat, \
and depression (PHQ-9 14, GAD-7 of 12).

Medications: hydromorphone 6 mg PO q4h while awake plus Hydromorph Contin 18 mg BID, roughly 150 MME \
in total; pregabalin 75 mg BID; duloxetine 60 mg daily; metformin 1000 mg BID; ramipril 10 mg daily; \
zopiclone 7.5 mg at bedtime. She has tried OxyContin, Percocet, Tylenol #3, a Butrans patch and \
Lyrica at higher doses over the years. Naproxen was stopped because her eGFR is 58 and Cr 102 umol/L.

Function and goals: PEG 7, pain 7/10 most days and 9/10 after housework. She walks about 10 minutes \
before needing to sit, sleeps 4 to 5 hours, and has stopped going to church and to her grandson's \
hockey games. Her goal is to garden again in the spring and to travel to see her daughter, who lives \
about six hours away.

Safety: ORT 4. UDS three months ago was positive for hydromorphone and negative for other opioids, \
benzodiazepines and cocaine. Pill counts have been accurate. She has a naloxone kit, and her husband \
knows how to use it. She drinks 1 to 2 glasses of wine on weekends. No early refills in the past year.

What we have tried: a taper of 10% every 4 weeks started six months ago. She went from about 200 MME \
to 150 MME, then had a flare after shovelling snow and asked to go back up. We held the dose rather \
than increase it. Physio through the FHT helped a little, but the drive is long and the program ended \
after 8 sessions. She was referred to a CBT for chronic pain group run over OTN and attended 4 of 8 \
sessions; she found it hard to talk in a group. A trial of acetaminophen 1 g QID was stopped because \
she did not notice a difference.

Questions for the hub:
1. Should we continue the taper, pause it, or consider a rotation to buprenorphine given her mood and \
sleep apnea? If a rotation, would you suggest microdosing while she stays on hydromorphone?
2. Is there a role for a higher dose of duloxetine, or a switch to a TCA, given the pregabalin and the \
sedation risk at night?
3. How can we make non-drug treatment easier for someone who lives far from services: home exercise \
videos, virtual physio, or a pacing plan we can coach in the office every 2 weeks?
4. What would you monitor more closely during the next 3 months: sleep, mood, falls, or something else?

Thank you all; the hub's advice on the last case changed how our team talks about tapering.
"""

IDENTIFYING = IDENTIFYING_EN + IDENTIFYING_FR
CLEAN = CLEAN_EN + CLEAN_FR


def missed_identifiers(find) -> tuple[int, list[str]]:
    """How many labelled identifiers there are, and a line for each one find() does not cover."""
    missed, total = [], 0
    for sentence, expected in IDENTIFYING:
        findings = find(sentence)
        for kind, identifier in expected:
            total += 1
            start = sentence.index(identifier)
            end = start + len(identifier)
            if not any(f.start <= start and f.end >= end for f in findings):
                missed.append(f"{kind}: {identifier!r} in {sentence!r} -> {findings}")
    return total, missed


def flagged_clean_sentences(find) -> list[str]:
    """A line for each clean sentence in which find() reports anything."""
    return [
        f"{sentence!r}: {[(f.kind, f.text) for f in findings]}"
        for sentence in CLEAN
        if (findings := find(sentence))
    ]
