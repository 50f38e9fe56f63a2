"""Lyrics whose phonetic style is a known factor: rhyme, alliteration, repetition, word rate.

Lines follow two small templates over a curated vocabulary (content words grouped by
their initial consonant sound, line endings grouped by rhyme):

- *alliterative* lines take their adjective, noun and verb from one initial-consonant
  group ("silver stars sing sweet ..."); plain lines never put two words of the same
  group side by side;
- *rhyming* lyrics end each couplet (AABB) with two words of one rhyme family, spelled
  alike as well (night/light); plain lyrics end every line with a different ending;
- *repetitive* lyrics repeat their first two lines as a chorus; varied ones never reuse
  a content word;
- the *word rate* sets the number of words: ``round(rate * duration)`` (lines are
  filled to the nearest whole line).

Only letters a-z and spaces are used, so the words the lyrics plugin counts (regex
``[a-z]+(?:'[a-z]+)?``) are exactly these words.
"""

from __future__ import annotations

import re

import attrs
import numpy as np

WORDS = re.compile(r"[a-z]+(?:'[a-z]+)?")

SOUND_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "b": {
        "adj": ("bright", "blue", "bold", "broken", "bitter", "brave", "busy"),
        "noun": ("birds", "bells", "boats", "bridges", "bones", "branches", "bees"),
        "verb": ("burn", "break", "bend", "bloom", "blow", "beg", "bounce"),
    },
    "d": {
        "adj": ("dark", "deep", "dusty", "distant", "dim", "dreary", "dizzy"),
        "noun": ("doors", "dreams", "drums", "daisies", "dancers", "dunes", "ducks"),
        "verb": ("dance", "drift", "dream", "dive", "drop", "dig", "doubt"),
    },
    "f": {
        "adj": ("faded", "frozen", "fierce", "fragile", "far", "fresh", "famous"),
        "noun": ("fields", "flames", "flowers", "feathers", "fountains", "friends", "foxes"),
        "verb": ("fall", "fly", "fade", "float", "follow", "find", "fold"),
    },
    "l": {
        "adj": ("lonely", "little", "lazy", "lucky", "lovely", "lost", "late"),
        "noun": ("lanterns", "leaves", "lovers", "ladders", "lions", "lakes", "lemons"),
        "verb": ("linger", "laugh", "lean", "leap", "listen", "lift", "lie"),
    },
    "m": {
        "adj": ("mellow", "misty", "mighty", "merry", "modern", "muddy", "mild"),
        "noun": ("mountains", "mirrors", "moths", "meadows", "marbles", "monkeys", "melodies"),
        "verb": ("move", "melt", "march", "murmur", "mend", "meet", "mourn"),
    },
    "p": {
        "adj": ("pale", "proud", "purple", "patient", "pretty", "perfect", "pure"),
        "noun": ("pages", "pebbles", "poets", "pillows", "pianos", "puppets", "parades"),
        "verb": ("pray", "pull", "paint", "pass", "play", "pause", "push"),
    },
    "r": {
        "adj": ("restless", "rusty", "royal", "rapid", "rough", "ruby", "rich"),
        "noun": ("rivers", "roses", "rockets", "riders", "ribbons", "roofs", "rabbits"),
        "verb": ("roam", "rise", "roll", "run", "rest", "ring", "reach"),
    },
    "s": {
        "adj": ("silver", "silent", "sweet", "soft", "sunny", "simple", "sleepy"),
        "noun": ("stars", "songs", "sails", "seeds", "sisters", "soldiers", "swans"),
        "verb": ("sing", "sleep", "sway", "sink", "spin", "stay", "smile"),
    },
    "t": {
        "adj": ("tender", "tired", "tiny", "tall", "tidy", "twisted", "tame"),
        "noun": ("towers", "tigers", "tables", "tunnels", "tulips", "turtles", "trains"),
        "verb": ("turn", "tumble", "tremble", "travel", "talk", "tap", "tear"),
    },
    "w": {
        "adj": ("wild", "warm", "wooden", "weary", "wicked", "windy", "wise"),
        "noun": ("waves", "wolves", "windows", "wheels", "wings", "wagons", "whispers"),
        "verb": ("wander", "wait", "weep", "walk", "wake", "whistle", "win"),
    },
}
"""Content words by initial consonant sound (no silent letters, no digraphs such as sh, th, ph, wr)."""

RHYME_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("night", "light", "flight", "sight", "fight", "height"),
    ("day", "way", "bay", "ray", "clay", "tray"),
    ("rain", "train", "chain", "plain", "grain", "brain"),
    ("stone", "bone", "throne", "cone", "tone", "zone"),
    ("bell", "shell", "well", "spell", "cell", "smell"),
    ("snow", "glow", "crow", "flow", "show", "row"),
    ("sound", "ground", "mound", "hound", "pound", "round"),
    ("fire", "wire", "tire", "spire", "choir", "desire"),
)
"""Line endings that rhyme and share their last two letters."""

PLAIN_ENDINGS: tuple[str, ...] = (
    "river",
    "garden",
    "ocean",
    "forest",
    "city",
    "candle",
    "harbor",
    "valley",
    "desert",
    "island",
    "circus",
    "palace",
    "village",
    "cabin",
    "music",
    "shadow",
    "summit",
    "canyon",
    "planet",
    "kingdom",
    "compass",
    "lizard",
)
"""Line endings that neither rhyme with one another nor share their last two letters."""

TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("adj", "noun", "verb", "adj", "end"),
    ("adj", "noun", "verb", "in", "the", "end"),
)
"""Line shapes; ``end`` is the line's last word, the others are parts of speech or literal words."""


@attrs.frozen
class LyricStyle:
    """The lyric factors of one clip."""

    rhyme: bool
    alliteration: bool
    repetitive: bool
    word_rate: float
    """Words per second of audio."""


class _Pool:
    """Draws words without replacement (while they last), so varied lyrics do not repeat themselves."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.left: dict[tuple[str, str], list[str]] = {}

    def draw(self, group: str, kind: str) -> str:
        key = (group, kind)
        if not self.left.get(key):
            words = list(SOUND_GROUPS[group][kind])
            self.rng.shuffle(words)
            self.left[key] = words
        return self.left[key].pop()


def _endings(count: int, rhyme: bool, rng: np.random.Generator) -> list[str]:
    """Line endings: couplets from shuffled rhyme families, or distinct plain endings."""
    if not rhyme:
        shuffled = rng.permutation(PLAIN_ENDINGS)
        return [str(shuffled[i % len(shuffled)]) for i in range(count)]
    families = rng.permutation(len(RHYME_FAMILIES))
    endings: list[str] = []
    for index in range((count + 1) // 2):
        pair = rng.choice(RHYME_FAMILIES[families[index % len(families)]], size=2, replace=False)
        endings += [str(w) for w in pair]
    return endings[:count]


def _line(template: tuple[str, ...], ending: str, alliterative: bool, pool: _Pool, rng: np.random.Generator) -> str:
    groups = sorted(SOUND_GROUPS)
    chosen = str(rng.choice(groups))
    words, previous = [], ""
    for slot in template:
        if slot == "end":
            words.append(ending)
        elif slot in ("adj", "noun", "verb"):
            if not alliterative:
                chosen = str(rng.choice([g for g in groups if g != previous]))
            words.append(pool.draw(chosen, slot))
            previous = chosen
        else:
            words.append(slot)
            previous = ""
    return " ".join(words)


def _shapes(target: int, repetitive: bool, rng: np.random.Generator) -> list[tuple[str, ...]]:
    """Line templates adding up to about ``target`` words; a repetitive lyric alternates its first two."""
    shapes: list[tuple[str, ...]] = []
    while not shapes or sum(len(s) for s in shapes) < target - 2:
        if repetitive and len(shapes) >= 2:
            shapes.append(shapes[len(shapes) % 2])
        else:
            shapes.append(TEMPLATES[int(rng.integers(len(TEMPLATES)))])
    return shapes


def write_lyrics(style: LyricStyle, duration: float, rng: np.random.Generator) -> str:
    """Lyrics of about ``style.word_rate * duration`` words (at least one line), one line per row."""
    shapes = _shapes(max(1, round(style.word_rate * duration)), style.repetitive, rng)
    distinct = min(2, len(shapes)) if style.repetitive else len(shapes)
    endings = _endings(distinct, style.rhyme, rng)
    pool = _Pool(rng)
    verses = [_line(shapes[i], endings[i], style.alliteration, pool, rng) for i in range(distinct)]
    return "\n".join(verses[i % distinct] for i in range(len(shapes))) + "\n"


def count_words(text: str) -> int:
    """Words as the lyrics plugin counts them."""
    return len(WORDS.findall(text.lower()))
