"""A deterministic synthetic corpus of N reviews in dhr-index's content format, for benchmarks.

    python benchmarks/corpus.py --reviews 3000 --out /tmp/corpus [--national]

Each review has realistic front matter, a summary of about 1 KB and one or two QA letters of
about 4 KB with feedback lists; three in five have an action plan of 3 to 8 recommendations
with dated updates. Every name, partnership and sentence is made up.

`--national` shapes it like the national library instead of one partnership's site: about 200
partnerships in the ten regions, listed in site.yaml with their former names (district
partnerships merged into county ones) and written by reviews in the variants real reports use
(case, '&', 'CSP', no suffix, a former name); deaths spread over twenty years, one in thirteen
known only by year; publication recorded as a date, a month or not at all; about six themes a review.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SETTINGS = yaml.safe_load((REPO / "content/site.yaml").read_text(encoding="utf-8"))
THEMES, AGENCIES = SETTINGS["themes"], SETTINGS["agencies"]
STATUSES = ["planned", "in-progress", "in-progress", "complete", "complete", "complete", "not-accepted"]
SCOPES = ["local", "local", "local", "regional", "national"]
NAMES = ["Ada", "Bea", "Cora", "Dina", "Edie", "Faye", "Gwen", "Hana", "Iris", "June", "Kay", "Lena", "Mina",
         "Nell", "Opal", "Pia", "Rosa", "Suki", "Tess", "Una", "Vera", "Wren", "Yara", "Zoe"]
PLACES = ["Northshire", "Southvale", "Eastmoor", "Westfield", "Lowbridge", "Highcombe", "Riverton", "Oakham Vale",
          "Fenmarsh", "Stonegate", "Ashdown", "Brackenfold", "Coldharbour", "Dunmere", "Elmstead", "Foxley"]
WORDS = ["agency", "practitioners", "information", "sharing", "risk", "assessment", "referral", "safeguarding",
         "family", "contact", "housing", "probation", "health", "services", "police", "support", "disclosure",
         "coercive", "control", "escalation", "multi-agency", "meeting", "training", "record", "review", "panel",
         "recommendation", "learning", "victim", "perpetrator", "opportunity", "mental", "substance", "misuse",
         "children", "separation", "employment"]
OUTCOMES = ["publish", "publish-after-changes", "publish-after-changes", "resubmit"]


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng, rng.randint(10, 18)) for _ in range(sentences))


def letter(rng: random.Random, title: str, csp: str, date: str, outcome: str, resubmitted: bool) -> str:
    points = "\n".join(f"- {paragraph(rng, 2)}" for _ in range(rng.randint(4, 8)))
    front = (f"---\ndate: {date}\npanel_date: {date[:7]}\noutcome: {outcome}\n"
             f"{'resubmission: true' + chr(10) if resubmitted else ''}"
             "from: Interpersonal Abuse Unit, Home Office\nto: Chair of the partnership\n"
             "signed: Home Office DHR Quality Assurance Panel\n---\n")
    return (front + f"Dear Chair,\n\nThank you for submitting the report ({title}) for {csp} to the Home Office "
            f"Quality Assurance Panel.\n\n{paragraph(rng, 5)}\n\n{paragraph(rng, 4)}\n\n"
            f"Areas for final development:\n\n{points}\n\n{paragraph(rng, 3)}\n\nYours sincerely,\n\n"
            "Home Office DHR Quality Assurance Panel\n")


def day(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def action_plan(rng: random.Random, year: int) -> str:
    """An action plan of 3 to 8 recommendations, every date on or before 2025."""
    recs = []
    for number in range(1, rng.randint(3, 8) + 1):
        status = rng.choice(STATUSES)
        start = min(year + 1, 2025)
        updates = "".join(f"      - date: {day(rng, rng.randint(start, 2025))}\n        text: {sentence(rng)}\n"
                          for _ in range(rng.randint(0, 3)))
        recs.append(f"  - number: {number}\n    text: {sentence(rng, 20)}\n    scope: {rng.choice(SCOPES)}\n"
                    f"    agency: {rng.choice(AGENCIES)}\n    actions:\n      - {sentence(rng)}\n"
                    f"      - {sentence(rng)}\n    lead: Head of Safeguarding\n"
                    f"    target: {day(rng, rng.randint(start, 2026))}\n    status: {status}\n"
                    + (f"    completed: {day(rng, 2025)}\n    evidence: {sentence(rng)}\n" if status == "complete"
                       else "")
                    + (f"    updates:\n{updates}" if updates else ""))
    return "recommendations:\n" + "".join(recs)


REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West", "Wales"]
STEMS = ["Ash", "Brack", "Cold", "Dun", "Elm", "Fox", "Glen", "Hart", "Ivy", "Kings", "Lang", "Marsh", "Nor", "Oak",
         "Pen", "Queens", "Rook", "Salt", "Thorn", "Ux", "Wick", "Yar", "Bar", "Cher", "Dray", "Fern",
         "Gold", "Hol", "Lith", "Wester", "Avon", "Brom"]
ENDS = ["ford", "ham", "bury", "ton", "field", "minster", "borough", "shire", "worth"]
SUFFIX = " Community Safety Partnership"


@dataclass
class Partnership:
    name: str  # without the suffix
    region: str
    former: list[str]  # earlier district partnerships, merged into it


def partnerships(rng: random.Random, count: int = 200) -> list[Partnership]:
    """`count` partnerships; one in ten a county into which two or three districts' partnerships merged."""
    names = sorted({f"{stem}{end}" for stem in STEMS for end in ENDS})
    rng.shuffle(names)
    found, spare = [], names[count:]
    for name in names[:count]:
        merged = [f"{spare.pop()}{SUFFIX}" for _ in range(rng.randint(2, 3))] if rng.random() < 0.1 else []
        found.append(Partnership(name, rng.choice(REGIONS), merged))
    return found


def written(rng: random.Random, partnership: Partnership) -> str:
    """How a review names its partnership: mostly as listed, else a variant or a former name."""
    roll = rng.random()
    if partnership.former and roll < 0.3:
        return rng.choice(partnership.former)
    return (f"{partnership.name}{SUFFIX}" if roll < 0.8 else f"{partnership.name} CSP" if roll < 0.86 else
            f"{partnership.name}{SUFFIX}".replace("Safety", "safety") if roll < 0.9 else
            partnership.name if roll < 0.95 else f"{partnership.name} & District{SUFFIX}")


def national_site(places: list[Partnership]) -> str:
    """site.yaml: the shipped settings and nine in ten of the partnerships, each with its region and former
    names (the reviews of the others are filed by their spellings alone)."""
    text = (REPO / "content/site.yaml").read_text(encoding="utf-8").split("\npartnerships:")[0].rstrip("\n")
    lines = ["", "partnerships:"]
    for place in places[:len(places) * 9 // 10]:
        lines += [f"  - name: {place.name}{SUFFIX}", f"    region: {place.region}",
                  f"    variants: [{place.name} and District{SUFFIX}]"]
        lines += ["    former:", *(f"      - {name}" for name in place.former)] if place.former else []
    return text + "\n" + "\n".join(lines) + "\n"


def review(rng: random.Random, number: int,
           places: list[Partnership] | None = None) -> tuple[str, str, list[tuple[str, str]]]:
    """(slug, review.md, [(file name, text)] of its letters and action plan) for review `number`; with `places`,
    shaped like the national library (see the module's note)."""
    title = f"{rng.choice(NAMES)} {number}"
    csp = written(rng, rng.choice(places)) if places else f"{rng.choice(PLACES)} Community Safety Partnership"
    year = rng.randint(2005, 2024) if places else rng.randint(2012, 2025)
    first = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    letters = [(first, rng.choice(OUTCOMES[:3]), False)]
    if rng.random() < 0.3:
        letters = [(first, "resubmit", False), (f"{year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                                                 "publish", True)]
    status = "published" if rng.random() < 0.95 else "draft"
    themes = "".join(f"  - {t}\n" for t in rng.sample(THEMES, rng.randint(4, 8) if places else rng.randint(2, 5)))
    death = f"{year - 1}-{rng.randint(1, 12):02d}"
    published = f"published: {letters[-1][0][:4]}-12-31\n"
    if places:
        death = death[:4] if rng.random() < 1 / 13 else death
        roll = rng.random()
        published = f"published: {letters[-1][0][:7]}\n" if roll < 0.5 else "" if roll < 0.6 else published
    text = (f"---\ntitle: {title}\nreference: DHR{number}\ncsp: {csp}\nstatus: {status}\n"
            f"{published}death: {death}\n"
            f"themes:\n{themes}documents:\n  - title: Overview report\n    kind: report\n"
            f"    url: https://www.example.org/dhr/{number}/report.pdf\n  - title: Action plan\n"
            f"    kind: action-plan\n    url: https://www.example.org/dhr/{number}/action-plan.pdf\n"
            f"chair: An Independent Chair\nauthor: An Author\n---\n{paragraph(rng, 4)}\n\n{paragraph(rng, 4)}\n")
    files = [(f"letter-{d}.md", letter(rng, title, csp, d, o, r)) for d, o, r in letters]
    if rng.random() < 0.6:
        files.append(("action-plan.yaml", action_plan(rng, year)))
    return f"review-{number:05d}", text, files


def generate(out: Path, reviews: int, seed: int = 2026, national: bool = False) -> Path:
    """Write the corpus to `out` (replacing it): site.yaml and pages from the shipped content, then N reviews;
    `national`: shaped like the national library."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "reviews").mkdir(parents=True)
    places = partnerships(rng) if national else None
    if places:
        (out / "site.yaml").write_text(national_site(places), encoding="utf-8")
    else:
        shutil.copy(REPO / "content/site.yaml", out / "site.yaml")
    shutil.copytree(REPO / "content/pages", out / "pages")
    for number in range(1, reviews + 1):
        slug, text, letters = review(rng, number, places)
        folder = out / "reviews" / slug
        folder.mkdir()
        (folder / "review.md").write_text(text)
        for name, body in letters:
            (folder / name).write_text(body)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=1000, help="how many reviews (default: 1000)")
    parser.add_argument("--out", type=Path, required=True, help="the content folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=2026, help="the random seed (default: 2026)")
    parser.add_argument("--national", action="store_true", help="shaped like the national library")
    args = parser.parse_args()
    generate(args.out, args.reviews, args.seed, args.national)
    print(f"Wrote {args.reviews} reviews to {args.out}")


if __name__ == "__main__":
    main()
