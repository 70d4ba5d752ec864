"""French half of the guard's corpus: sentences written the way a Franco-Ontarian or Quebec
clinician presents a pain or opioid case to the hub. Same conventions as deid_corpus.py:
IDENTIFYING_FR pairs a sentence with (kind, identifying substring); CLEAN_FR holds
de-identified sentences with near-misses (doses, scores, eponyms, large cities, months used
as words, relatives without names)."""

IDENTIFYING_FR = [
    # Names: titles, relations, cues, given names alone.
    ("Mme Tremblay est une femme de 58 ans avec une lombalgie chronique.", [("name", "Tremblay")]),
    ("M. Bouchard prend de l'hydromorphone 4 mg aux 4 heures au besoin.", [("name", "Bouchard")]),
    ("Son mari Réjean gère les piluliers et garde la naloxone à la maison.", [("name", "Réjean")]),
    ("Sa fille Julie appelle souvent la clinique, inquiète de la somnolence.", [("name", "Julie")]),
    ("Ginette Lalonde, 67 ans, vit seule dans un logement au deuxième étage.", [("name", "Ginette Lalonde")]),
    ("Dre Fournier, de la clinique de la douleur, suggère un essai de duloxétine.", [("name", "Fournier")]),
    ("La patiente s'appelle Chantal et préfère qu'on lui parle en français.", [("name", "Chantal")]),
    ("Réal Gagnon est un homme de 72 ans, ancien bûcheron.", [("name", "Réal Gagnon")]),
    (
        "J'ai parlé avec sa travailleuse sociale, Sylvie Charbonneau, au sujet du logement.",
        [("name", "Sylvie Charbonneau")],
    ),
    (
        "Son chum Steve consomme aussi des opioïdes, donc on a parlé d'entreposage sécuritaire.",
        [("name", "Steve")],
    ),
    ("Sa blonde, Karine, l'accompagne à tous les rendez-vous.", [("name", "Karine")]),
    ("Monsieur Pelletier dit que la douleur l'empêche de dormir.", [("name", "Pelletier")]),
    ("Marc-André Cloutier a été vu à l'urgence pour une surdose.", [("name", "Marc-André Cloutier")]),
    ("Son petit-fils Mathieu vient chercher ses médicaments le vendredi.", [("name", "Mathieu")]),
    ("Bonjour Dr Lévesque, merci d'avoir vu ce patient.", [("name", "Lévesque")]),
    ("Patiente M.C., 49 ans, fibromyalgie depuis dix ans.", [("name", "M.C.")]),
    ("Nathalie Okemaw est suivie pour des douleurs neuropathiques.", [("name", "Nathalie Okemaw")]),
    ("Sa voisine Lise lui apporte l'épicerie chaque semaine.", [("name", "Lise")]),
    ("Elle est surnommée Coco par sa famille.", [("name", "Coco")]),
    ("Jocelyne dit que le timbre de fentanyl se décolle dans la douche.", [("name", "Jocelyne")]),
    ("Mme B. est une femme de 66 ans avec une neuropathie diabétique.", [("name", "Mme B.")]),
    ("mme gagnon rapporte que la physiothérapie l'aide un peu.", [("name", "gagnon")]),
    ("Son frère Denis lui fournit des comprimés supplémentaires.", [("name", "Denis")]),
    ("Le conjoint de la patiente, Ghislain, travaille de nuit.", [("name", "Ghislain")]),
    # Dates more specific than a year.
    ("Elle a été admise le 14 mars pour une surdose.", [("date", "14 mars")]),
    ("Née le 3 juin 1961, elle vit de l'aide sociale.", [("date", "3 juin 1961")]),
    ("DDN : 1955-11-02, retraité des mines.", [("date", "1955-11-02")]),
    ("Date de naissance 14/03/1962.", [("date", "14/03/1962")]),
    ("Le dépistage urinaire du 2 octobre était positif au fentanyl.", [("date", "2 octobre")]),
    ("L'IRM faite en avril 2024 montre une hernie L5-S1.", [("date", "avril 2024")]),
    ("Il est en arrêt de travail depuis janvier.", [("date", "janvier")]),
    ("Rendez-vous prévu le 1er décembre à la clinique de la douleur.", [("date", "1er décembre")]),
    ("Chute sur la glace le 22 février 2025, fracture du poignet.", [("date", "22 février 2025")]),
    ("Elle est née en 1958 et a commencé les opioïdes après un accident.", [("date", "1958")]),
    ("Opérée le 05/11/2024, la douleur a empiré depuis.", [("date", "05/11/2024")]),
    ("Renouvellement hâtif noté le 2025-08-14 à la pharmacie.", [("date", "2025-08-14")]),
    ("Il a fait une surdose la veille de Noël.", [("date", "veille de Noël")]),
    ("Vu à l'urgence à la mi-juillet pour un sevrage.", [("date", "juillet")]),
    ("Sa fête est le 25 décembre, alors la famille la visite beaucoup.", [("date", "25 décembre")]),
    ("Accident de travail survenu le 8 sept. 2023.", [("date", "8 sept. 2023")]),
    ("Prochaine présentation ECHO prévue début mai.", [("date", "mai")]),
    ("Congé de l'hôpital le 30 juin, avec une trousse de naloxone.", [("date", "30 juin")]),
    # Ages of 90 and over.
    ("Patiente de 92 ans avec des fractures de compression.", [("age_over_89", "92")]),
    ("Il a 94 ans et vit encore sur la ferme avec son fils.", [("age_over_89", "94")]),
    ("Sa mère, âgée de 96 ans, habite au CHSLD.", [("age_over_89", "96")]),
    ("Femme nonagénaire avec une arthrose sévère des genoux.", [("age_over_89", "nonagénaire")]),
    ("Homme de 91 ans, douleur post-zostérienne depuis l'automne.", [("age_over_89", "91")]),
    # Phone and fax numbers.
    ("Son cellulaire est le 819 555-0142 si l'équipe veut la joindre.", [("phone", "819 555-0142")]),
    (
        "Appeler la pharmacie au 705-555-0188 pour confirmer le service quotidien.",
        [("phone", "705-555-0188")],
    ),
    ("Téléphone à la maison : (418) 555-0133.", [("phone", "(418) 555-0133")]),
    ("Télécopieur de la clinique : 613.555.0190.", [("phone", "613.555.0190")]),
    ("On peut le joindre au 1-800-555-0111 poste 4412.", [("phone", "1-800-555-0111 poste 4412")]),
    ("Texto au 4505550177 seulement.", [("phone", "4505550177")]),
    # Email, web and network addresses.
    (
        "Elle m'a écrit de ginette.lalonde58@videotron.ca pour un renouvellement.",
        [("email", "ginette.lalonde58@videotron.ca")],
    ),
    ("Courriel du fils : m.cloutier@hotmail.com.", [("email", "m.cloutier@hotmail.com")]),
    (
        "Sa page de sociofinancement : https://www.gofundme.com/f/aide-pour-rejean.",
        [("url", "https://www.gofundme.com/f/aide-pour-rejean")],
    ),
    ("Le journal de télésanté montre une connexion depuis 10.12.44.201.", [("ip_address", "10.12.44.201")]),
    (
        "Elle publie sur facebook.com/chantal.roy.73 à propos de sa douleur.",
        [("url", "facebook.com/chantal.roy.73")],
    ),
    # Street and mailing addresses.
    ("Il habite au 45, rue Principale, à côté de l'église.", [("address", "45, rue Principale")]),
    ("Adresse : 1200, boul. Lasalle, app. 3.", [("address", "1200, boul. Lasalle"), ("address", "app. 3")]),
    ("Elle demeure au 88 chemin du Lac-Vert.", [("address", "88 chemin du Lac-Vert")]),
    ("La ferme familiale est au 2245, 4e Rang Ouest.", [("address", "2245, 4e Rang Ouest")]),
    ("Envoyer la lettre à C.P. 456, succursale centre-ville.", [("address", "C.P. 456")]),
    ("Il vit dans une roulotte au 310 montée Sainte-Julie.", [("address", "310 montée Sainte-Julie")]),
    ("Elle habite sur le rang Saint-Joseph, loin de tout service.", [("address", "rang Saint-Joseph")]),
    ("Adresse postale : 17, avenue des Pins, à l'entrée du village.", [("address", "17, avenue des Pins")]),
    ("Il loue un appartement au 5 impasse des Bouleaux.", [("address", "5 impasse des Bouleaux")]),
    ("Logement 12, au-dessus du dépanneur.", [("address", "Logement 12")]),
    # Postal codes.
    ("Code postal J9X 5B7 sur la réquisition.", [("postal_code", "J9X 5B7")]),
    ("Sudbury (Ontario) P3A 4R7.", [("postal_code", "P3A 4R7")]),
    ("Son code postal est p0l 1c0, dans le secteur du Nord.", [("postal_code", "p0l 1c0")]),
    ("Le code G0J1J0 figure dans le dossier.", [("postal_code", "G0J1J0")]),
    # Health card numbers.
    ("Sa carte santé est TREM 6203 1412.", [("health_card", "TREM 6203 1412")]),
    ("Numéro d'assurance maladie : GAGR 5512 0345.", [("health_card", "GAGR 5512 0345")]),
    ("Carte santé de l'Ontario 1234 567 890 JK.", [("health_card", "1234 567 890 JK")]),
    ("RAMQ LAVM 7001 2234, transférée d'une autre clinique.", [("health_card", "LAVM 7001 2234")]),
    ("Son NAM, BOUC 4907 1218, figure sur l'ordonnance.", [("health_card", "BOUC 4907 1218")]),
    ("La carte soleil BERC 5603 3110 était expirée.", [("health_card", "BERC 5603 3110")]),
    # Social insurance numbers (NAS).
    ("Son NAS est le 046 454 286 pour les formulaires d'invalidité.", [("sin_ssn", "046 454 286")]),
    ("Numéro d'assurance sociale 123-456-782 sur la demande.", [("sin_ssn", "123-456-782")]),
    ("NAS : 987654321", [("sin_ssn", "987654321")]),
    # Chart and record numbers.
    ("Numéro de dossier 448120 à l'hôpital régional.", [("record_number", "448120")]),
    ("Dossier no 55-1203 au GMF.", [("record_number", "55-1203")]),
    ("Son numéro d'hôpital est H0041122.", [("record_number", "H0041122")]),
    ("La réquisition porte le numéro CHUS-882041.", [("record_number", "CHUS-882041")]),
    ("Épisode 20250311-0042 à l'urgence.", [("record_number", "20250311-0042")]),
    ("DME n° 7781-22 pour les notes de pharmacie.", [("record_number", "7781-22")]),
    ("Numéro de visite 99812 dans le système.", [("record_number", "99812")]),
    # Licences, claims, accounts and other numbers.
    ("Son permis de conduire L1234-56789-01234 est suspendu.", [("other_id", "L1234-56789-01234")]),
    ("Dossier CNESST 112233445 toujours en appel.", [("other_id", "112233445")]),
    ("Numéro de réclamation SAAQ 2023-448812.", [("other_id", "2023-448812")]),
    ("Plaque d'immatriculation FXT 128 notée par la pharmacie.", [("other_id", "FXT 128")]),
    ("Numéro de membre Croix Bleue 88120044.", [("other_id", "88120044")]),
    ("Carte de statut 0581 12345 01 pour les SSNA.", [("other_id", "0581 12345 01")]),
    ("Matricule d'employé 40418 à la mine.", [("other_id", "40418")]),
    # Places smaller than a province.
    (
        "Elle habite à Kapuskasing et fait une heure de route pour ses prises de sang.",
        [("place", "Kapuskasing")],
    ),
    ("Il vient de Moonbeam et préfère les rendez-vous virtuels.", [("place", "Moonbeam")]),
    ("Originaire de Pikogan, elle est revenue dans sa communauté l'an dernier.", [("place", "Pikogan")]),
    ("Le patient vit à Chapleau, où la pharmacie ferme la fin de semaine.", [("place", "Chapleau")]),
    (
        "Membre de la Première Nation de Mashteuiatsh, elle est couverte par les SSNA.",
        [("place", "Mashteuiatsh")],
    ),
    ("Il a déménagé à Hearst pour se rapprocher de sa fille.", [("place", "Hearst")]),
    ("Elle demeure à Val-Rita depuis 30 ans.", [("place", "Val-Rita")]),
    ("Ils vivent à Chisasibi, sur la côte de la baie James.", [("place", "Chisasibi")]),
    ("Il fait la route depuis Smooth Rock Falls chaque semaine.", [("place", "Smooth Rock Falls")]),
    ("Elle vient de Fauquier, un village de 400 habitants.", [("place", "Fauquier")]),
    ("Il vit sur la réserve de Kitigan Zibi avec ses parents.", [("place", "Kitigan Zibi")]),
    # Employers.
    ("Il travaille chez Hydro-Québec comme monteur de lignes.", [("employer", "Hydro-Québec")]),
    ("Elle travaille comme caissière chez Metro depuis 15 ans.", [("employer", "Metro")]),
    ("Retraité de Rio Tinto après 30 ans à l'aluminerie.", [("employer", "Rio Tinto")]),
    ("Il a été mis à pied par Tembec quand l'usine a fermé.", [("employer", "Tembec")]),
    ("Elle est employée par Desjardins au centre d'appels.", [("employer", "Desjardins")]),
    (
        "Il travaillait pour Resolute à la scierie de Senneterre.",
        [("employer", "Resolute"), ("place", "Senneterre")],
    ),
    # Written after the rules, as a check they had not seen; kept as regressions.
    ("Sa conjointe Manon l'accompagne toujours.", [("name", "Manon")]),
    ("Elle habite à Mattice depuis son enfance.", [("place", "Mattice")]),
    ("Il vient de Constance Lake et parle oji-cri.", [("place", "Constance Lake")]),
    ("Rendez-vous le 17 novembre à 14 h.", [("date", "17 novembre")]),
    ("Née en 1951 à la maison, sans acte de naissance.", [("date", "1951")]),
    ("Il travaille pour Tembec à la scierie.", [("employer", "Tembec")]),
    ("Son numéro de dossier est le 00481233.", [("record_number", "00481233")]),
    ("Yvette Charbonneau a 68 ans et vit seule.", [("name", "Yvette Charbonneau")]),
    ("Le patient, Gilles Proulx, refuse la physiothérapie.", [("name", "Gilles Proulx")]),
    ("Elle a déménagé à Moosonee pour son travail.", [("place", "Moosonee")]),
    ("Sa mère a 97 ans et vit au foyer.", [("age_over_89", "97")]),
    ("Courriel : yvon.b@gmail.com", [("email", "yvon.b@gmail.com")]),
    (
        "Il loge au 23, rue Saint-Antoine, app. 2.",
        [("address", "23, rue Saint-Antoine"), ("address", "app. 2")],
    ),
    ("Code postal P0L 1R0.", [("postal_code", "P0L 1R0")]),
    ("Son NAS figure au dossier : 527 014 930.", [("sin_ssn", "527 014 930")]),
    ("Elle est employée chez Canadian Tire comme caissière.", [("employer", "Canadian Tire")]),
    ("Le Dr Nakogee l'a vue en consultation.", [("name", "Nakogee")]),
    ("Lucie dit que les comprimés ne font plus effet.", [("name", "Lucie")]),
    ("Son fils habite à Longlac et vient la voir l'été.", [("place", "Longlac")]),
    ("C'est un camionneur pour Transport Robert, toujours sur la route.", [("employer", "Transport Robert")]),
    ("Elle vit seule à Chapleau depuis le décès de son mari.", [("place", "Chapleau")]),
]

CLEAN_FR = [
    "Femme de 58 ans avec une lombalgie chronique depuis une chute au travail il y a trois ans.",
    "Elle prend de l'oxycodone 5 mg aux 4 à 6 heures au besoin, environ quatre comprimés par jour.",
    "L'hydromorphone 2 mg PO q4h a été commencée à l'hôpital et jamais diminuée.",
    "Timbre de fentanyl 25 mcg/h changé aux 72 heures par les soins à domicile.",
    "Morphine LA 30 mg BID et morphine 5 mg pour les percées, total 80 MME.",
    "Méthadone 40 mg die, prise observée à la pharmacie cinq jours par semaine.",
    "La gabapentine 300 mg TID a été mal tolérée à cause des étourdissements.",
    "PHQ-9 à 14 et GAD-7 à 12 à la dernière visite.",
    "Elle évalue sa douleur à 7/10 la plupart des jours et à 9/10 après le ménage.",
    "L'IRM de 2019 montrait des changements dégénératifs en L4-L5 et L5-S1 sans sténose.",
    "DFGe à 58, HbA1c à 7,2 % et créatinine à 102 µmol/L aux derniers examens.",
    "TA 138/84, FC 88, IMC 31,4 à la visite d'aujourd'hui.",
    "Elle est sous opioïdes depuis 2015 et la dose a augmenté pendant la pandémie.",
    "Il a arrêté la physiothérapie il y a deux semaines parce que la route est trop longue.",
    "Mineur retraité dans la soixantaine avec de l'arthrose aux deux genoux.",
    "Elle a essayé OxyContin, Percocet et Dilaudid au fil des ans.",
    "Anciennement sous Suboxone, arrêté à cause du coût; elle demande maintenant du Kadian.",
    "Cymbalta 60 mg par jour a aidé l'humeur plus que la douleur.",
    "Le timbre Butrans a causé une irritation cutanée.",
    "Le dépistage urinaire était positif pour l'oxycodone et négatif pour le fentanyl.",
    "Son médecin de famille a pris sa retraite et l'IPS du dispensaire couvre maintenant ses ordonnances.",
    "Douleur cervicale chronique depuis un accident de voiture en 2017.",
    "La CNESST est impliquée et l'agente veut un plan de retour au travail.",
    "Il a une MPOC et un trouble lié à l'usage d'opioïdes, et nous craignons l'association avec les benzodiazépines.",
    "La dose quotidienne totale est d'environ 120 MME, au-dessus du seuil recommandé.",
    "Le signe de Tinel est positif aux deux poignets et la manœuvre de Phalen reproduit les engourdissements.",
    "Son père avait la maladie de Parkinson et elle craint que le tremblement soit pareil.",
    "Il vient d'une petite communauté près de Timmins et se rend à Sudbury pour voir les spécialistes.",
    "Elle vit dans le nord de l'Ontario, à environ trois heures de Toronto.",
    "Elle a la maladie de Crohn et des douleurs abdominales chroniques en plus du mal de dos.",
    "Nous lui avons remis une trousse de naloxone et revu les signes de surdose avec elle et son conjoint.",
    "Le sommeil est mauvais, environ quatre heures par nuit, et elle se réveille vers 3 h avec de la douleur.",
    "Plan de sevrage : réduire de 10 % aux deux à quatre semaines, avec des pauses au besoin.",
    "Son mari la soutient et la conduit à ses rendez-vous.",
    "Sa fille habite à Thunder Bay et la visite une fois par mois.",
    "Elle vit avec son fils, qui travaille par quarts à la mine.",
    "Le patient a été vu à la clinique de la douleur de Kingston en 2022.",
    "Notre pharmacienne suggère de passer à une formulation à longue action.",
    "La physiothérapeute recommande un programme d'activité graduée.",
    "Plaquettes 250, hémoglobine 128 et sodium 139, tous dans les normes.",
    "La vitamine D était à 45 nmol/L, alors nous avons commencé 2000 UI par jour.",
    "Score ORT de 4 et COWS à 6 lors de la dernière tentative de sevrage.",
    "Elle prend de l'acétaminophène 1 g QID et du naproxène 500 mg BID avec de la nourriture.",
    "Microdosage de buprénorphine commencé à 0,5 mg, jusqu'à 16 mg en 7 jours.",
    "Il utilise une canne et marche environ deux coins de rue avant de devoir se reposer.",
    "Elle fait 2 à 3 crises de panique par semaine et évite de conduire sur l'autoroute.",
    "Il consomme du cannabis, 1 à 2 grammes par jour, surtout le soir.",
    "Son journal de douleur montre que les pires journées sont les lundis, après les corvées de la fin de semaine.",
    "Elle est retournée au travail en tâches modifiées il y a trois mois, quatre heures par quart.",
    "L'hiver est plus difficile pour elle; le froid empire la douleur.",
    "Injections aux points gâchettes à 4 sites avec de la lidocaïne 1 %.",
    "FC 102 et FR 22 pendant le sevrage, avec un COWS à 14.",
    "Il a été trouvé avec une FR à 6 et des pupilles en tête d'épingle.",
    "Elle travaille des quarts de 12 heures comme préposée aux bénéficiaires et soulève des résidents sans lève-personne.",
    "Échelle de dramatisation de la douleur à 38; elle évite de se pencher.",
    "Il a subi 3 chirurgies au genou, la dernière en 2016.",
    "Nous envisageons un essai de naltrexone à faible dose, 1,5 à 4,5 mg au coucher.",
    "L'oxycodone a été réduite de 120 mg à 100 mg par jour sur 4 semaines.",
    "Elle demande si Lyrica ou Cymbalta est plus sécuritaire avec sa fonction rénale.",
    "L'ECG montre un QTc de 468 ms sous méthadone 80 mg, donc nous sommes prudents.",
    "Il boit 6 à 8 bières la fin de semaine et son AUDIT-C est à 7.",
    "Elle fume un paquet par jour et s'intéresse à la TRN.",
    "Nous avons compté 42 comprimés restants alors qu'il aurait dû en rester 56.",
    "Le décompte des comprimés et les dépistages urinaires font partie de l'entente de traitement.",
    "Question pour le hub : comment passer de l'hydromorphone à la méthadone de façon sécuritaire?",
    "Radiographie de la hanche : arthrose de grade 3 avec pincement articulaire.",
    "Sa douleur est à 3/10 au repos et à 9/10 à l'effort.",
    "Elle a vu un chiropraticien 10 fois en 2023 sans bénéfice durable.",
    "Il prend la même dose depuis 8 ans et a peur de changer quoi que ce soit.",
    "La pharmacie la plus proche est à 45 minutes, alors la distribution hebdomadaire est difficile.",
    "Femme autochtone de 45 ans d'une communauté accessible par avion, avec fibromyalgie.",
    "Elle a 89 ans et vit seule avec des soins à domicile une fois par semaine.",
    "Il a 85 ans et sa femme en a 88.",
    "Sa douleur a commencé à 19 ans après une blessure au hockey.",
    "Âgée de 72 ans, elle jardine encore mais doit prendre des pauses aux 15 minutes.",
    "Elle participe à un groupe de soutien le mardi soir au Centre d'amitié autochtone.",
    "Son frère est nommé sur le bail, donc le logement est stable pour l'instant.",
    "Morphine 10 mg/mL en solution orale, 0,5 mL aux 4 heures au besoin.",
    "Elle a essayé 4 ISRS différents depuis 2012.",
    "La clinique est dans un village d'environ 4000 habitants où tout le monde se connaît.",
    "Créatinine sérique à 135 et DFGe à 42, donc nous évitons les AINS.",
    "Il reçoit 28 jours de médicaments à la fois mais en manque vers le 21e jour.",
    "Les lignes directrices suggèrent de réévaluer au-delà de 90 MME, ce que nous avons fait à l'automne.",
    "Sa fille est infirmière à Ottawa et veut qu'elle arrête les opioïdes.",
    "Le test de Spurling est normal; aucun drapeau rouge.",
    "Elle a un syndrome de Raynaud et une intolérance au froid aux deux mains.",
    "Saturation à 94 % à l'air ambiant et fréquence respiratoire à 16.",
    "Gravida 3 para 2, douleur pelvienne depuis le dernier accouchement.",
    "Entente de traitement revue et signée par nous deux aujourd'hui.",
    "Sa sœur a aussi la fibromyalgie, et leur mère avait le lupus.",
    "Son petit-fils a emménagé; ils sont maintenant quatre dans un petit logement.",
    "Sa carte santé était expirée et l'IRM a été retardée jusqu'au renouvellement.",
    "Il a perdu son permis de conduire après une accusation de conduite avec facultés affaiblies.",
    "Pouvons-nous demander au hub si une rotation vers la buprénorphine serait indiquée?",
    "Physiothérapie deux fois par semaine pendant 6 semaines, puis programme à domicile.",
    "Son fils fait 90 km aller-retour pour l'amener à la clinique.",
    "Il reçoit l'aide sociale et n'a pas les moyens de payer les frais d'exécution d'ordonnance.",
    "Mars a été un mois difficile avec deux visites à l'urgence.",
    "Il est sobre depuis Noël et va aux réunions.",
    "Plainte principale : lombalgie depuis 3 ans.",
    "Vu par l'infirmière praticienne la semaine dernière au sujet du sevrage.",
    "Il travaille à la mine selon une rotation de deux semaines.",
    "Elle a été mise à pied au printemps et a perdu son assurance médicaments.",
    "Il a pris sa retraite du chemin de fer après une blessure au dos.",
    "Elle habite dans un rang isolé, à 40 minutes du village.",
    "Elle reste au 2e étage sans ascenseur, ce qui limite ses sorties.",
    "Le bureau de bande organise le transport médical vers l'hôpital le plus proche.",
    "Plusieurs Premières Nations de la région n'ont pas de pharmacien.",
    "Le patient parle cri à la maison et un interprète est présent.",
    "Référence au programme de douleur chronique du Nord de l'Ontario en attente.",
    "Il est suivi au GMF depuis 2019 par la même infirmière.",
    "La maladie de Lyme a été exclue par la sérologie.",
    "Kyste de Baker à l'échographie, drainé en clinique.",
    "Son employeur offre des tâches allégées dans le cadre du programme de retour au travail.",
    "Selon la pharmacie, les renouvellements sont toujours faits à temps.",
    "Malgré la physiothérapie, la douleur persiste à l'épaule droite.",
    "Toutefois, elle refuse l'idée d'un sevrage pour l'instant.",
    "Bref, nous aimerions l'avis du hub sur la suite.",
    # Written after the rules, as a check they had not seen.
    "Elle se rend à Sudbury pour ses rendez-vous de spécialistes.",
    "Il travaille dans une scierie et soulève du bois toute la journée.",
    "Elle vit dans une communauté éloignée accessible par avion.",
    "La douleur a commencé après une chute d'une échelle au travail.",
    "Son frère habite à Montréal et l'appelle chaque semaine.",
    "Hydromorphone 3 mg aux 4 h au besoin, maximum 6 doses par jour.",
    "PEG à 6, PHQ-9 à 9 et GAD-7 à 5 au suivi.",
    "Elle vit avec son mari et leur chien sur une ferme.",
    "Il est mineur retraité avec une silicose et des maux de dos.",
    "Le conseil de bande couvre les déplacements médicaux.",
    "Elle dort dans un fauteuil parce que la position couchée fait mal.",
    "Selon son médecin de famille, l'humeur s'est améliorée.",
    "Depuis l'accident, il ne conduit plus la nuit.",
    "Il a vu le Dr à la clinique sans rendez-vous.",
    "Mme se plaint surtout de la douleur au réveil.",
    "Marie-Thérèse est le nom de la résidence où elle vit.",
    "Saint-Jean-sur-Richelieu est loin de chez elle.",
    "Elle prend du Tylenol Arthrite deux fois par jour.",
    "Induction de buprénorphine prévue par microdosage.",
    "Plan : revoir dans 4 semaines avec le pharmacien.",
    "Elle est infirmière au dispensaire et connaît tout le monde.",
]

LONG_CLEAN_CASE_FR = """\
Présentation de cas : douleur lombaire chronique, opioïdes à forte dose et sevrage au point mort.

Contexte : femme de 61 ans, ancienne préposée aux bénéficiaires, qui vit avec son conjoint dans un \
petit village du nord de l'Ontario, à environ trois heures du programme interdisciplinaire de douleur \
le plus proche. Lombalgie chronique depuis 11 ans après une blessure en soulevant une résidente; la \
réclamation à la CSPAAT a été fermée en 2017. L'IRM de 2020 montre une discopathie dégénérative à \
plusieurs niveaux, surtout en L4-L5 et L5-S1, avec un léger rétrécissement foraminal et sans sténose \
du canal. L'EMG était normal. Elle a aussi un diabète de type 2 (HbA1c 7,4 %), de l'hypertension \
(TA 142/86 aujourd'hui, FC 84), de l'obésité (IMC 32,1), une apnée du sommeil légère non traitée et \
une dépression (PHQ-9 à 15, GAD-7 à 11).

Médication : hydromorphone 4 mg PO aux 4 heures à l'éveil et Hydromorph Contin 24 mg BID, environ \
160 MME au total; prégabaline 75 mg BID; duloxétine 60 mg die; metformine 1000 mg BID; ramipril \
10 mg die; zopiclone 7,5 mg au coucher. Elle a déjà essayé OxyContin, Percocet, Tylenol no 3, un \
timbre Butrans et Lyrica à plus forte dose. Le naproxène a été cessé parce que son DFGe est à 55.

Fonction et objectifs : PEG à 7, douleur à 7/10 la plupart des jours et à 9/10 après le ménage. Elle \
marche une dizaine de minutes avant de devoir s'asseoir, dort 4 à 5 heures par nuit et a cessé d'aller \
à l'église et aux parties de hockey de son petit-fils. Son objectif est de jardiner au printemps et \
d'aller voir sa fille, qui habite à six heures de route.

Sécurité : ORT à 4. Le dépistage urinaire d'il y a trois mois était positif pour l'hydromorphone et \
négatif pour les autres opioïdes, les benzodiazépines et la cocaïne. Les décomptes de comprimés sont \
exacts. Elle a une trousse de naloxone et son conjoint sait l'utiliser. Elle boit 1 ou 2 verres de vin \
la fin de semaine. Aucun renouvellement hâtif dans la dernière année.

Ce que nous avons essayé : un sevrage de 10 % aux 4 semaines commencé il y a six mois. Elle est passée \
d'environ 200 MME à 160 MME, puis a eu une poussée après avoir pelleté de la neige et a demandé de \
remonter la dose. Nous l'avons maintenue sans l'augmenter. La physiothérapie au GMF a un peu aidé, \
mais la route est longue et le programme a pris fin après 8 séances. Elle a été orientée vers un \
groupe de TCC pour la douleur chronique offert en virtuel et a assisté à 4 séances sur 8.

Questions pour le hub :
1. Devrions-nous poursuivre le sevrage, le suspendre ou envisager une rotation vers la buprénorphine, \
compte tenu de l'humeur et de l'apnée du sommeil? Si oui, un microdosage est-il indiqué?
2. Y a-t-il une place pour augmenter la duloxétine ou passer à un tricyclique, vu la prégabaline et le \
risque de sédation la nuit?
3. Comment rendre les traitements non pharmacologiques plus accessibles pour une personne qui habite \
loin des services : vidéos d'exercices, physiothérapie virtuelle ou plan de dosage des activités?
4. Que devrions-nous surveiller de plus près au cours des 3 prochains mois?

Merci à toute l'équipe; vos conseils sur le dernier cas ont changé notre façon de parler du sevrage.
"""
