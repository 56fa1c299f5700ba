#!/usr/bin/env python3
"""Writes the emergence demo's task data into data/emergence/ from templates (deterministic: fixed seed).

knowledge.jsonl: 200+ multiple-choice facts (capitals, arithmetic facts, units, opposites, animals, calendar).
arithmetic_<n>digit.jsonl: generation items with a planted difficulty ladder (1- to 4-digit + and ×).
Run it again after editing the templates; the YAML task files next to the data do not change.
"""
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "emergence"
rng = random.Random(8)

CAPITALS = {
    "France": "Paris", "Germany": "Berlin", "Italy": "Rome", "Spain": "Madrid", "Portugal": "Lisbon",
    "Japan": "Tokyo", "China": "Beijing", "Russia": "Moscow", "Egypt": "Cairo", "Greece": "Athens",
    "Ireland": "Dublin", "Norway": "Oslo", "Sweden": "Stockholm", "Finland": "Helsinki", "Denmark": "Copenhagen",
    "Poland": "Warsaw", "Austria": "Vienna", "Hungary": "Budapest", "Belgium": "Brussels", "Netherlands": "Amsterdam",
    "Canada": "Ottawa", "Mexico": "Mexico City", "Argentina": "Buenos Aires", "Peru": "Lima", "Chile": "Santiago",
    "Kenya": "Nairobi", "India": "New Delhi", "Thailand": "Bangkok", "South Korea": "Seoul", "Turkey": "Ankara",
    "Australia": "Canberra", "Cuba": "Havana", "Iran": "Tehran", "Iraq": "Baghdad", "Vietnam": "Hanoi",
    "Czech Republic": "Prague", "Switzerland": "Bern", "United Kingdom": "London", "Colombia": "Bogota",
    "Philippines": "Manila",
}
OPPOSITES = {
    "hot": "cold", "big": "small", "up": "down", "fast": "slow", "light": "dark", "open": "closed",
    "happy": "sad", "early": "late", "full": "empty", "old": "young", "hard": "soft", "high": "low",
    "wet": "dry", "rich": "poor", "thick": "thin", "loud": "quiet", "strong": "weak", "near": "far",
    "clean": "dirty", "heavy": "light", "long": "short", "left": "right", "inside": "outside", "first": "last",
    "push": "pull", "win": "lose", "buy": "sell", "give": "take", "day": "night", "north": "south",
}
ANIMAL_SOUNDS = {"dog": "bark", "cat": "meow", "cow": "moo", "sheep": "baa", "duck": "quack", "lion": "roar",
                 "snake": "hiss", "horse": "neigh", "pig": "oink", "owl": "hoot"}
ANIMAL_YOUNG = {"dog": "puppy", "cat": "kitten", "cow": "calf", "sheep": "lamb", "horse": "foal",
                "frog": "tadpole", "bear": "cub", "goose": "gosling", "kangaroo": "joey", "deer": "fawn"}
UNITS = [
    ("centimeters are in a meter", 100), ("meters are in a kilometer", 1000), ("grams are in a kilogram", 1000),
    ("seconds are in a minute", 60), ("minutes are in an hour", 60), ("hours are in a day", 24),
    ("days are in a week", 7), ("months are in a year", 12), ("millimeters are in a centimeter", 10),
    ("milliliters are in a liter", 1000), ("inches are in a foot", 12), ("feet are in a yard", 3),
    ("ounces are in a pound", 16), ("days are in a leap year", 366), ("weeks are in a year", 52),
    ("years are in a century", 100), ("years are in a decade", 10), ("cents are in a dollar", 100),
    ("sides does a hexagon have", 6), ("legs does a spider have", 8),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def mc(question, answer, pool, kind):
    distractors = rng.sample(sorted(set(pool) - {answer}), 3)
    choices = distractors + [answer]
    rng.shuffle(choices)
    return {"question": question, "choices": choices, "answer": choices.index(answer), "kind": kind}


def numbers_near(value):
    pool = {value + d for d in (-10, -2, -1, 1, 2, 10, value) if value + d > 0}
    return [str(n) for n in pool]


def knowledge():
    items = []
    capitals = list(CAPITALS.values())
    for country, city in CAPITALS.items():
        items.append(mc(f"What is the capital of {country}?", city, capitals, "capital"))
    for _ in range(40):
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        items.append(mc(f"What is {a} times {b}?", str(a * b), numbers_near(a * b), "times_table"))
    for _ in range(40):
        a, b = rng.randint(1, 20), rng.randint(1, 20)
        items.append(mc(f"What is {a} plus {b}?", str(a + b), numbers_near(a + b), "addition"))
    for phrase, value in UNITS:
        items.append(mc(f"How many {phrase}?", str(value), [str(v) for _, v in UNITS] + numbers_near(value), "units"))
    words = sorted(set(OPPOSITES) | set(OPPOSITES.values()))
    for word, opposite in OPPOSITES.items():
        items.append(mc(f"What is the opposite of \"{word}\"?", opposite, [w for w in words if w != word],
                        "opposite"))
    for animal, sound in ANIMAL_SOUNDS.items():
        items.append(mc(f"What sound does a {animal} make?", sound, ANIMAL_SOUNDS.values(), "animal_sound"))
    for animal, young in ANIMAL_YOUNG.items():
        items.append(mc(f"What is a baby {animal} called?", young, ANIMAL_YOUNG.values(), "animal_young"))
    for i, day in enumerate(DAYS):
        items.append(mc(f"Which day comes after {day}?", DAYS[(i + 1) % 7], DAYS, "calendar"))
    for i, month in enumerate(MONTHS):
        items.append(mc(f"Which month comes after {month}?", MONTHS[(i + 1) % 12], MONTHS, "calendar"))
    rng.shuffle(items)
    return items


def arithmetic(digits, count=50):
    low, high = (0 if digits == 1 else 10 ** (digits - 1)), 10 ** digits - 1
    items = []
    for index in range(count):
        a, b = rng.randint(low, high), rng.randint(low, high)
        if index % 2 == 0:
            items.append({"question": f"What is {a} + {b}?", "answer": str(a + b), "op": "+", "difficulty": digits})
        else:
            items.append({"question": f"What is {a} * {b}?", "answer": str(a * b), "op": "*", "difficulty": digits})
    return items


def write(name, items):
    with open(OUT / name, "w") as handle:
        for item in items:
            handle.write(json.dumps(item) + "\n")
    print(f"{name}: {len(items)} items")


OUT.mkdir(parents=True, exist_ok=True)
write("knowledge.jsonl", knowledge())
for digits in (1, 2, 3, 4):
    write(f"arithmetic_{digits}digit.jsonl", arithmetic(digits))
