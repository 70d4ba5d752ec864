"""The pattern and cue rules for every identifier kind but names."""

from .text import (
    _AGE_90_PLUS,
    _BIRTH_CUES,
    _CUE_END,
    _DATE_CUES,
    _DAY,
    _HEALTH_CARD_CUES,
    _HOLIDAYS,
    _ID_TAIL,
    _ID_VALUE,
    _MONTH,
    _MONTH_ANY_CASE,
    _MONTH_FULL,
    _MONTH_TRIGGERS,
    _MONTH_WORDS,
    _OTHER_ID_CUES,
    _PHONE_CUES,
    _POSTAL_FIRST,
    _POSTAL_LETTER,
    _RECORD_CUES,
    _RESIDENCE_CUES,
    _SIN_CUES,
    _STREET_NAME,
    _STREET_TYPE,
    _UPPER,
    _US_STATES,
    _YEAR,
    _any_of,
    _calendar_date,
    _day_of_month,
    _first_words,
    _id_value,
    _ipv6,
    _iso_date,
    _month_slash_day,
    _not_a_quantity,
    _Rule,
    _rule,
    _rural_route,
    _sin_groups,
    _trim_url,
)

# Earlier rules win when two candidates cover exactly the same span, so the
# cue rules (which know what a number is) come before the bare shapes.
_RULES: list[_Rule] = [
    # Email, web and network addresses.
    _rule(
        "email",
        r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])",
        needs="@",
    ),
    _rule("url", r"(?i)\b(?:https?://|www\.)[^\s<>\"]+", check=_trim_url, needs=r"://|www\.|WWW\."),
    _rule(
        "url",
        r"(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:com|ca|org|net|gov|edu|info|io|health|me|us|co|app|biz)"
        r"(?![\w-])(?:/[^\s<>\"]*)?",
        check=_trim_url,
        needs=r"\.(?:com|ca|org|net|gov|edu|info|io|health|me|us|co|app|biz)(?![\w-])",
    ),
    # A social media handle: "@bev_lachance".
    _rule("url", r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])", needs="@"),
    _rule(
        "ip_address",
        r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\.?\d)",
        needs=r"\d\.\d{1,3}\.\d{1,3}\.\d",
    ),
    _rule(
        "ip_address",
        r"[0-9A-Fa-f](?<![\w:].)[0-9A-Fa-f]{0,3}:(?:[0-9A-Fa-f]{1,4}:){6}[0-9A-Fa-f]{1,4}(?![\w:])",
    ),
    _rule(
        "ip_address",
        r"(?i)(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\w:])",
        check=_ipv6,
        needs="::",
    ),
    # Phone and fax numbers.
    _rule(
        "phone",
        r"(?<![\w+])(?:\+\s?1[ .-]?|1[ .-])?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)"
        r"(?:,?\s*(?i:ext\.?|x|extension|local|poste)\s*\d{1,5}(?!\d))?",
        needs=r"\d{3}[ .-]\d{4}(?!\d)",
    ),
    _rule(
        "phone",
        rf"(?i:\b{_any_of(_PHONE_CUES)}\b(?:\s+[\w']+){{0,3}}?\s*[:#]?\s*)(\d{{10}}|\d{{3}}[ .-]\d{{4}})(?![\d-])",
        group=1,
        check=_not_a_quantity,
        triggers=_PHONE_CUES,
    ),
    _rule("phone", r"(?i:ext)\.\s*\d{3,5}(?!\d)", triggers={"ext"}),
    # SIN and SSN.
    _rule(
        "sin_ssn",
        rf"(?:\b(?:SIN|SSN|NAS)\b|(?i:\bsocial\s+(?:insurance|security)\b|\bassurance\s+sociale\b)){_ID_TAIL}(\d{{3}}[ -]?\d{{2,3}}[ -]?\d{{3,4}})(?![\w-])",
        group=1,
        triggers=_first_words(_SIN_CUES),
    ),
    # Chart, record, licence, claim and card numbers after a cue word.
    _rule(
        "record_number",
        rf"(?i:\b{_any_of(_RECORD_CUES)}{_CUE_END}{_ID_TAIL})({_ID_VALUE})",
        group=1,
        check=_id_value(3),
        triggers=_first_words(_RECORD_CUES),
    ),
    _rule(
        "other_id",
        rf"(?i:\b{_any_of(_OTHER_ID_CUES)}{_CUE_END}{_ID_TAIL})({_ID_VALUE})",
        group=1,
        check=_id_value(3),
        triggers=_first_words(_OTHER_ID_CUES),
    ),
    _rule(
        "health_card",
        rf"(?i:\b{_any_of(_HEALTH_CARD_CUES)}{_CUE_END}{_ID_TAIL})({_ID_VALUE}(?:[ -]?[A-Z]{{2}}(?![\w-]))?)",
        group=1,
        check=_id_value(6),
        triggers=_first_words(_HEALTH_CARD_CUES),
    ),
    # Dates more specific than a year.
    _rule(
        "date",
        rf"{_MONTH}\s+{_DAY}(?:,?\s+(?:{_YEAR}|'\d{{2}}(?!\d)))?",
        check=_not_a_quantity,
        triggers=_MONTH_TRIGGERS,
    ),
    _rule("date", rf"{_MONTH}\s+(?:of\s+)?(?:{_YEAR}|'\d{{2}}(?!\d))", triggers=_MONTH_TRIGGERS),
    _rule(
        "date",
        rf"\d(?<![\w]\d)\d?(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?",
        check=_day_of_month,
        needs=_any_of(_MONTH_WORDS),
    ),
    _rule(
        "date",
        rf"\d(?<![\w]\d)\d?[-/ .]{_MONTH_ANY_CASE}[-/ .](?:{_YEAR}|\d{{2}}(?!\d))",
        check=_day_of_month,
    ),
    _rule(
        "date",
        r"(?P<a>\d(?<![\d/.-]\d)\d?)(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d|[/.-]\d)",
        check=_calendar_date,
    ),
    _rule(
        "date",
        r"(?P<y>[12](?<![\d/.-].)\d{3})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d|[/.-]\d)",
        check=_iso_date,
    ),
    _rule(
        "date",
        rf"(?i:\b{_any_of(_DATE_CUES)}[\s-]+(?:(?:early|mid|late|last|this|next)[\s-]+)?)({_MONTH_FULL})",
        group=1,
        triggers=_DATE_CUES,
    ),
    _rule(
        "date",
        r"(?i:(?:on|since|until|till|by|before|after|from)\s+the\s+)((?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th))"
        r"(?=\s*(?:[.,;:)!?]|$)|\s+(?:at|in|when|with|for|to|he|she|they|we|I|and\s+(?:again|then|on|the\s+\d))\b)",
        group=1,
        triggers={"on", "since", "until", "till", "by", "before", "after", "from"},
    ),
    _rule(
        "date",
        r"(?i:(?:on|since|seen|dated|until|till|before|after|from)\s+)(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![/\d])",
        check=_month_slash_day,
        triggers={"on", "since", "seen", "dated", "until", "till", "before", "after", "from"},
    ),
    _rule("date", rf"(?i:{_any_of(_HOLIDAYS)})(?![\w-])", triggers=_first_words(_HOLIDAYS)),
    _rule(
        "date",
        rf"(?i:\b{_any_of(_BIRTH_CUES)}\s*(?:[:=-]|is|was)?\s*)((?:19|20)\d{{2}})(?!\d|[/.-]\d)",
        group=1,
        triggers=_first_words(_BIRTH_CUES),
    ),
    # Ages over 89.
    _rule(
        "age_over_89",
        rf"{_AGE_90_PLUS}\s*-?\s*(?:years?[- ]old|yrs?[- ]old|year-old|y/o|y\.o\.?|yo|yrs?\s+of\s+age"
        r"|years\s+of\s+age)(?![A-Za-z])",
    ),
    _rule("age_over_89", r"[19](?<![\d.].)(?:(?<=9)\d|(?<=1)[01]\d)[MF]\b"),
    _rule("age_over_89", rf"(?i:\b(?:aged?|age:)\s*){_AGE_90_PLUS}", triggers={"age", "aged"}),
    _rule(
        "age_over_89",
        r"(?i:(?:he|she|they|patient|pt)(?:['’]s|\s+(?:is|was|turned|turns|will\s+be))\s+(?:now\s+|just\s+|nearly\s+)?)"
        rf"({_AGE_90_PLUS})(?!\s*/)",
        group=1,
        check=_not_a_quantity,
        triggers={"he", "she", "they", "patient", "pt"},
    ),
    _rule(
        "age_over_89",
        r"(?i)\b(?:in|into)\s+(?:his|her|their|the\s+patient['’]s)\s+(?:(?:early|mid|late)[\s-]+)?(?:90['’]?s|nineties)\b",
        triggers={"in", "into"},
    ),
    _rule(
        "age_over_89",
        r"(?i)\b(?:(?:ninety|one[\s-]hundred|a\s+hundred)(?:[\s-](?:and[\s-])?(?:one|two|three|four|five|six|seven|eight|nine))?"
        r"[\s-]years?[\s-]old|nonagenarian|centenarian)\b",
        triggers={"ninety", "one", "a", "nonagenarian", "centenarian"},
    ),
    # Street and mailing addresses.
    _rule(
        "address",
        rf"\d(?<![\w-]\d)\d{{0,5}}[A-Za-z]?(?:\s*[-–]\s*\d{{1,6}})?,?\s+{_STREET_NAME}{_STREET_TYPE}",
    ),
    _rule(
        "address",
        r"\d(?<![\w-]\d)\d{0,5}\s+(?:Highway|Hwy\.?|County\s+Road|County\s+Rd\.?|Regional\s+Road|Concession(?:\s+Road)?"
        r"|Conc\.?|Sideroad|Side\s+Road|Line|Range\s+Road|Township\s+Road|Route|Rang)\s+\d{1,4}[A-Z]?\b",
    ),
    _rule(
        "address",
        r"\d(?<![\w-]\d)\d{0,5}[A-Za-z]?,?\s+(?:rue|Rue|chemin|Chemin|ch\.|boul\.|Boul\.|boulevard|Boulevard|avenue"
        r"|Avenue|av\.|Av\.|route|Route|rang|Rang|place|Place|montée|Montée|côte|Côte)\s+(?:(?:de|du|des|la|le)\s+|[ld]['’])*"
        rf"[{_UPPER}][\w'’-]*(?:\s+[{_UPPER}][\w'’-]*)?",
    ),
    _rule(
        "address",
        r"(?:apt|Apt|APT|apartment|Apartment|suite|Suite|ste|Ste|Unit|UNIT|unit\s*\#)\.?\s*\#?\s*\d{1,5}[A-Za-z]?\b",
        triggers={"apt", "apartment", "suite", "ste", "unit"},
    ),
    _rule("address", r"(?:R\.R\.|Rural\s+Route)\s*\#?\s*\d{1,2}\b", triggers={"r", "rural"}),
    _rule(
        "address",
        r"(?i:lot)\s+\d{1,3}[A-Z]?,?\s+(?i:concession|con\.?|conc\.?)\s+\d{1,2}[A-Z]?\b",
        triggers={"lot"},
    ),
    _rule("address", r"RR\s*(?:\#\s*\d{1,2}|[1-9])(?!\d)", check=_rural_route, triggers={"rr"}),
    _rule(
        "address", r"(?i:(?:P\.?\s?O\.?|post\s+office)\s*box)\s*\#?\s*\d{1,6}\b", triggers={"p", "po", "post"}
    ),
    _rule(
        "address",
        rf"(?i:{_any_of(_RESIDENCE_CUES)}\s+(?:at|on|to)\s+)"
        rf"((?:\d{{1,6}}[A-Za-z]?\s+)?{_STREET_NAME}{_STREET_TYPE}|\d{{1,6}}\s+[{_UPPER}]\w+(?:\s+[{_UPPER}]\w+)?)",
        group=1,
        triggers=_RESIDENCE_CUES,
    ),
    # Postal codes.
    _rule(
        "postal_code",
        rf"[{_POSTAL_FIRST}](?<![\w-].)\d[{_POSTAL_LETTER}][ -]?\d[{_POSTAL_LETTER}]\d(?![\w-])",
    ),
    _rule(
        "postal_code",
        rf"{_any_of(_US_STATES)}\.?,?\s+(\d{{5}}(?:-\d{{4}})?)(?![\w-])",
        group=1,
        triggers={state.lower() for state in _US_STATES},
    ),
    _rule(
        "postal_code",
        r"(?i:zip(?:\s*code)?\s*[:#]?\s*)(\d{5}(?:-\d{4})?)(?![\w-])",
        group=1,
        triggers={"zip"},
    ),
    _rule(
        "postal_code",
        r"(?i:postal\s+code\s*[:,]?\s*(?:is\s+)?)([A-Za-z]\d[A-Za-z](?:[ -]?\d[A-Za-z]\d)?)(?![\w-])",
        group=1,
        triggers={"postal"},
    ),
    # Card and personal numbers by shape alone.
    _rule("sin_ssn", r"\d(?<![\w-]\d)\d{2}-\d{2}-\d{4}(?![\w-])"),
    _rule("sin_ssn", r"\d(?<![\w-]\d)\d{2}([ -])\d{3}\1\d{3}(?![\w-])", check=_sin_groups),
    _rule(
        "health_card",
        r"\d(?<![\w-]\d)\d{3}([ -]?)\d{3}\1\d{3}(?:[ -]?[A-Z]{2})?(?![\w-])",
        check=_not_a_quantity,
    ),
    _rule("health_card", r"[A-Z](?<![\w-].)[A-Z]{3}[ -]?\d{4}[ -]?\d{4}(?![\w-])"),
    _rule("health_card", r"\d(?<![\w-]\d)\d{4}-\d{4}(?![\w-])"),
    _rule("other_id", r"[A-Z](?<![\w-].)\d{4}-\d{5}-\d{5}(?![\w-])"),
    _rule("other_id", r"\d(?<![\w.,/-]\d)\d{6,}(?![\w,/-]|\.\d)", check=_not_a_quantity),
]
