# Django date format syntax. « jeudi 14 janvier 2027, 12 h 00 à 14 h 00 EST »: the day in
# full, « 1er » on the first of the month (the *_FIRST_FORMAT), times as « 12 h 00 » with
# no-break spaces, abbreviated months with their period (« 21 oct. 2026 », never « jui »),
# as the OQLF and Ontario's French-language services write them.
DAY_FORMAT = "l j F Y"
DAY_FIRST_FORMAT = r"l j\e\r F Y"
DAY_IN_RANGE_FORMAT = "l j F"
CLOCK_FORMAT = "G\xa0\\h\xa0i"
SHORT_DATE_FORMAT_TEXT = "j N Y"
# A table's dates: « mer 7 oct. 2026 ».
SHORT_DAY_FORMAT = "D j N Y"
SHORT_DAY_FIRST_FORMAT = r"D j\e\r N Y"
LONG_DATE_FORMAT = "j F Y"
LONG_DATE_FIRST_FORMAT = r"j\e\r F Y"
LONG_DAY_FORMAT = "l j F Y"
LONG_DAY_FIRST_FORMAT = r"l j\e\r F Y"
