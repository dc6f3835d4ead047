"""The catalogues: Bokmål and Nynorsk, complete, compiled, current, and used by the pages.

Source strings are English; ``locale/<language>/LC_MESSAGES/django.po`` holds
each other language of ``settings.LANGUAGES`` (Bokmål ``nb``, Nynorsk
``nn``), and the compiled ``django.mo`` is committed beside each (running the
app needs no gettext). After adding or changing a translatable string, from
the repository root:

    make messages
    # that is: .venv/bin/python manage.py makemessages --locale nb --locale nn \\
    #     --no-obsolete --ignore ".venv/*" --ignore "bench/*" --ignore "tests/*" \\
    #     --ignore "staticfiles/*" --ignore "var/*"
    #   then .venv/bin/python manage.py compilemessages --ignore ".venv/*"
    # Translate every empty or "#, fuzzy" entry in both django.po files (drop
    # the fuzzy flag and its "#|" lines once the msgstr is right), compile again:
    .venv/bin/python manage.py compilemessages --ignore ".venv/*"
    .venv/bin/pytest -q tests/test_translations.py

and commit the .po and .mo files. No English catalogue is needed: the msgids
are the English text. Words, tone and the Nynorsk standard: docs/translation.md.
"""

from __future__ import annotations

import gettext
import html
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

REPO = Path(__file__).resolve().parent.parent
GLOSSARY = REPO / "docs" / "translation.md"

# Every language but English, whose text is the msgids themselves.
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def po_path(language: str) -> Path:
    return REPO / "locale" / language / "LC_MESSAGES" / "django.po"


# What makemessages must not scan (the Makefile's and this file's --ignore list).
NOT_SCANNED = {"bench", "tests", "staticfiles", "var", "locale", "node_modules", "build"}
IGNORE_ARGS = [
    "--ignore=.venv/*",
    "--ignore=bench/*",
    "--ignore=tests/*",
    "--ignore=staticfiles/*",
    "--ignore=var/*",
]

# --- A small .po reader ----------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self) -> str:
        return f"line {self.line}: {_describe(self)}"


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header fields and the live entries (obsolete ``#~`` ones are left out)."""
    entries: list[Entry] = []
    for block_start, block in _blocks(path.read_text(encoding="utf-8")):
        entry = Entry(line=block_start)
        target: tuple[str, int] | None = None
        for raw in block:
            line = raw.strip()
            if line.startswith("#~"):
                break  # obsolete: msgfmt ignores it, so do we
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert target is not None, f"{path}:{block_start}: stray string"
                kind, index = target
                if kind == "msgstr":
                    entry.msgstr[index] += _unquote(line)
                else:
                    setattr(entry, kind, getattr(entry, kind) + _unquote(line))
            else:
                keyword, _, value = line.partition(" ")
                plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
                if plural:
                    target = ("msgstr", int(plural.group(1)))
                    entry.msgstr[target[1]] = _unquote(value)
                elif keyword == "msgstr":
                    target = ("msgstr", 0)
                    entry.msgstr[0] = _unquote(value)
                elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                    target = (keyword, 0)
                    setattr(entry, keyword, _unquote(value))
                else:
                    raise AssertionError(f"{path}:{block_start}: cannot read {line!r}")
        else:
            if target is not None:
                entries.append(entry)
    header_entries = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header_entries) == 1, f"{path}: expected one header entry"
    header_entry = header_entries[0]
    header = dict(
        line.split(": ", 1) for line in header_entry.msgstr[0].splitlines() if ": " in line
    )
    header["#flags"] = ",".join(sorted(header_entry.flags))
    return header, [e for e in entries if e is not header_entry]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _describe(entry: Entry) -> str:
    text = repr(entry.msgid)
    if entry.msgid_plural is not None:
        text += f" / plural {entry.msgid_plural!r}"
    if entry.msgctxt is not None:
        text += f" (context {entry.msgctxt!r})"
    return text


@cache
def _entries(language: str = "nb") -> tuple[Entry, ...]:
    return tuple(read_po(po_path(language))[1])


# --- (a) every entry is translated ----------------------------------------------

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfir]|%[sdfir]|\{[^{}]*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*")


def test_the_languages_are_bokmal_first_then_nynorsk_and_english():
    assert settings.LANGUAGE_CODE == "nb"
    assert [code for code, _name in settings.LANGUAGES] == ["nb", "nn", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_names_its_language_with_two_plural_forms(language):
    header = read_po(po_path(language))[0]
    assert header["Language"] == language
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in header["#flags"], "remove '#, fuzzy' from the header entry"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    untranslated, fuzzy = [], []
    for entry in _entries(language):
        expected_forms = 2 if entry.msgid_plural is not None else 1
        if len(entry.msgstr) != expected_forms or not all(entry.msgstr.values()):
            untranslated.append(str(entry))
        if "fuzzy" in entry.flags:
            fuzzy.append(str(entry))
    where = po_path(language).relative_to(REPO)
    assert not untranslated, f"Untranslated in {where}:\n" + "\n".join(untranslated)
    assert not fuzzy, f"Fuzzy (check, then drop the flag) in {where}:\n" + "\n".join(fuzzy)


def test_every_catalogue_holds_the_same_strings():
    """Bokmål and Nynorsk are updated together (``make messages``)."""
    keys = {language: {e.key for e in _entries(language)} for language in LANGUAGES}
    first, *others = LANGUAGES
    for language in others:
        only_first = sorted(_describe_key(k) for k in keys[first] - keys[language])
        only_other = sorted(_describe_key(k) for k in keys[language] - keys[first])
        assert not only_first, f"Only in {first}, not in {language}:\n" + "\n".join(only_first)
        assert not only_other, f"Only in {language}, not in {first}:\n" + "\n".join(only_other)


def _describe_key(key: tuple[str | None, str, str | None]) -> str:
    return _describe(Entry(msgctxt=key[0], msgid=key[1], msgid_plural=key[2]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    problems = []
    for entry in _entries(language):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        for source in sources:
            wanted_placeholders = Counter(PLACEHOLDER.findall(source))
            wanted_tags = Counter(HTML_TAG.findall(source))
            for index, text in entry.msgstr.items():
                got_placeholders = Counter(PLACEHOLDER.findall(text))
                if set(got_placeholders) != set(wanted_placeholders):
                    problems.append(f"{entry} msgstr[{index}]: placeholders {got_placeholders}")
                if Counter(HTML_TAG.findall(text)) != wanted_tags:
                    problems.append(f"{entry} msgstr[{index}]: markup differs")
        if "python-format" in entry.flags or PLACEHOLDER.search(entry.msgid):
            # Named placeholders only where there are several, so word order can change.
            positional = re.findall(r"%[sdfir]", entry.msgid)
            if len(positional) > 1:
                problems.append(f"{entry}: use named placeholders (%(name)s)")
    assert not problems, "\n".join(problems)


def test_labels_leave_optional_to_the_field_template():
    """``includes/field.html`` adds «(valgfritt)»; a label saying it too doubles it."""
    doubled = [str(e) for e in _entries() if "(optional)" in e.msgid]
    assert not doubled, "\n".join(doubled)


STIFF = {
    "nb": re.compile(r"\bvennligst\b", re.IGNORECASE),
    "nn": re.compile(r"\b(vennligst|venlegst)\b", re.IGNORECASE),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stiff_politeness(language):
    """Plain and warm: «du», and no «vennligst» (see docs/translation.md)."""
    stiff = [
        str(e)
        for e in _entries(language)
        if any(STIFF[language].search(text) for text in e.msgstr.values())
    ]
    assert not stiff, "\n".join(stiff)


# Words that are Bokmål and not Nynorsk; each has its Nynorsk form beside it in
# docs/translation.md. A word that is good Nynorsk too (men, når, blir) is not here.
BOKMAL_ONLY = [
    "ikke",
    "jeg",
    "hva",
    "hvor",
    "hvordan",
    "hvem",
    "hvorfor",
    "hvis",
    "mens",
    "også",
    "bare",
    "noe",
    "noen",
    "mye",
    "fra",
    "ennå",
    "allerede",
    "fortsatt",
    "ble",
    "være",
    "vært",
    "gjøre",
    "gjør",
    "komme",
    "kommer",
    "uke",
    "uker",
    "dere",
    "deres",
    "navn",
    "sted",
    "steder",
    "hjem",
    "selv",
    "egen",
    "eget",
    "egne",
    "hver",
    "hvert",
]
BOKMAL_WORD = re.compile(r"\b(" + "|".join(BOKMAL_ONLY) + r")\b", re.IGNORECASE)


def test_nynorsk_is_nynorsk():
    """Not Bokmål with a few words changed: none of the common Bokmål-only words."""
    found = []
    for entry in _entries("nn"):
        for text in entry.msgstr.values():
            words = sorted({m.lower() for m in BOKMAL_WORD.findall(text)})
            if words:
                found.append(f"{entry}: {', '.join(words)} in {text!r}")
    assert not found, "Bokmål in the Nynorsk catalogue:\n" + "\n".join(found)


def glossary() -> list[tuple[str, str, str]]:
    """(Bokmål, Nynorsk, English) rows of the table in docs/translation.md."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or set(cells[0]) <= {"-", " ", ":"}:
            continue
        if cells[0] == "Bokmål":
            continue
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_the_glossary_has_the_domains_words():
    english = {row[2] for row in glossary()}
    for word in ("self-help group", "initiator", "confidentiality pledge", "contact point"):
        assert word in english, f"{word!r} missing from {GLOSSARY.relative_to(REPO)}"


@pytest.mark.parametrize(("language", "other"), [("nb", "nn"), ("nn", "nb")])
def test_each_catalogue_uses_its_own_words_from_the_glossary(language, other):
    """Where Bokmål and Nynorsk differ (taushetserklæring, teieplikterklæring),
    a catalogue never uses the other one's word."""
    column = {"nb": 0, "nn": 1}
    wrong = []
    for row in glossary():
        own, foreign = row[column[language]].lower(), row[column[other]].lower()
        if not foreign or foreign in own:
            continue
        pattern = re.compile(r"\b" + re.escape(foreign), re.IGNORECASE)
        for entry in _entries(language):
            if any(pattern.search(text) for text in entry.msgstr.values()):
                wrong.append(f"{entry}: {foreign!r} (the glossary says {own!r})")
    assert not wrong, "\n".join(wrong)


# --- (b) the compiled catalogues are current ---------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    mo_path = po_path(language).with_suffix(".mo")
    assert mo_path.exists(), "run: .venv/bin/python manage.py compilemessages --ignore '.venv/*'"
    with mo_path.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    assert mo.info().get("language") == language

    expected: dict[object, str] = {}
    stale = []
    for entry in _entries(language):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
            if entry.msgctxt is None:
                got = mo.gettext(entry.msgid)
            else:
                got = mo.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(f"{entry}: .mo has {got!r}")
            continue
        for index, text in entry.msgstr.items():
            expected[(msgid, index)] = text
        for n, index in ((1, 0), (2, 1), (0, 1), (5, 1)):
            if entry.msgctxt is None:
                got = mo.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                got = mo.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if got != entry.msgstr[index]:
                stale.append(f"{entry} (n={n}): .mo has {got!r}")
    # Python's reader folds the plural entries into (msgid, index) keys.
    compiled = {key: value for key, value in mo._catalog.items() if key != ""}  # type: ignore[attr-defined]
    extra = sorted(repr(key) for key in compiled.keys() - expected.keys())
    missing = sorted(repr(key) for key in expected.keys() - compiled.keys())
    message = f"{mo_path.relative_to(REPO)} is out of date; run compilemessages.\n"
    assert not stale, message + "\n".join(stale)
    assert not missing, message + "Missing from .mo:\n" + "\n".join(missing)
    assert not extra, message + "Only in .mo:\n" + "\n".join(extra)


# --- (c) every translatable string in the code is in the catalogues ----------------


def test_every_translatable_string_is_in_the_catalogues(tmp_path):
    """Runs makemessages over the project into a scratch locale directory.

    The scan sees the project through symlinks in ``tmp_path`` and a settings
    module whose LOCALE_PATHS points there, so the repository is never written.
    Each catalogue holds exactly what the code asks for: nothing missing, and
    nothing left over from a string that is gone.
    """
    for item in REPO.iterdir():
        if item.name.startswith(".") or item.name in NOT_SCANNED or item.suffix == ".egg-info":
            continue
        (tmp_path / item.name).symlink_to(item)
    (tmp_path / "locale").mkdir()
    (tmp_path / "i18n_scan_settings.py").write_text(
        "from pathlib import Path\n\n"
        f"from {os.environ['DJANGO_SETTINGS_MODULE']} import *  # noqa: F403\n\n"
        "LOCALE_PATHS = [Path(__file__).resolve().parent / 'locale']\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i18n_scan_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)]),
    }
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "manage.py"),
            "makemessages",
            "--locale=nb",
            "--symlinks",
            "--no-location",
            *IGNORE_ARGS,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    scanned = tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    assert scanned.exists(), result.stdout + result.stderr
    assert not (REPO / "locale" / "django.pot").exists()

    found = {entry.key: entry for entry in read_po(scanned)[1]}
    assert len(found) > 50, "the scan found suspiciously few strings"
    for language in LANGUAGES:
        known = {entry.key for entry in _entries(language)}
        where = po_path(language).relative_to(REPO)
        missing = sorted(_describe(entry) for key, entry in found.items() if key not in known)
        assert not missing, (
            f"Translatable strings missing from {where} "
            "(see this file's docstring for the commands):\n" + "\n".join(missing)
        )
        gone = sorted(_describe_key(key) for key in known - found.keys())
        assert not gone, f"No longer in the code, still in {where} (make messages):\n" + "\n".join(
            gone
        )


# --- (d) the pages speak the visitor's language --------------------------------------

PAGES = {
    "/": {
        "nb": ["Selvhjelpsgrupper nær deg", "Finn en gruppe", "taushetserklæring"],
        "nn": ["Sjølvhjelpsgrupper nær deg", "Finn ei gruppe", "teieplikterklæring"],
        "en": ["Self-help groups near you", "Find a group", "confidentiality pledge"],
    },
    "/konto/login/": {
        "nb": ["Logg inn", "Passord", "Hopp til hovedinnholdet"],
        "nn": ["Logg inn", "Passord", "Hopp til hovudinnhaldet"],
        "en": ["Log in", "Password", "Skip to main content"],
    },
    "/grupper/": {
        "nb": ["Finn en gruppe", "Søk", "Trenger du hjelp nå?"],
        "nn": ["Finn ei gruppe", "Søk", "Treng du hjelp no?"],
        "en": ["Find a group", "Search", "Need help now?"],
    },
    "/hva-er-en-selvhjelpsgruppe/": {
        "nb": ["Hva er en selvhjelpsgruppe?", "Slik snakker vi sammen", "taushetserklæring"],
        "nn": ["Kva er ei sjølvhjelpsgruppe?", "Slik snakkar vi saman", "teieplikterklæring"],
        "en": ["What is a self-help group?", "How we talk together", "confidentiality pledge"],
    },
}


def _visible_text(content: bytes) -> str:
    text = content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_pages_are_in_the_requested_language(client, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    text = _visible_text(response.content)
    for words in PAGES[path][language]:
        assert words in text, f"{words!r} not on {path} in {language}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_norwegian_pages_show_no_english_source_text(client, path, language):
    """No msgid of three words or more reaches a Norwegian page untranslated."""
    text = _visible_text(client.get(path, HTTP_ACCEPT_LANGUAGE=language).content)
    leaks = [
        entry.msgid
        for entry in _entries(language)
        if len(entry.msgid.split()) >= 3
        and "%" not in entry.msgid
        and entry.msgid != entry.msgstr.get(0)
        and entry.msgid in text
    ]
    assert not leaks, f"English on {path} in {language}: {leaks}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/grupper/"])
def test_seekers_find_the_explanation_from_home_and_finder(client, path):
    assert 'href="/hva-er-en-selvhjelpsgruppe/"' in client.get(path).content.decode()


@pytest.mark.django_db
def test_default_language_is_bokmal(client):
    response = client.get("/")
    assert '<html lang="nb">' in response.content.decode()
    assert response["Content-Language"] == "nb"


@pytest.mark.django_db
def test_the_language_switch_offers_the_two_other_languages(client):
    for current, others in (("nb", {"nn", "en"}), ("nn", {"nb", "en"}), ("en", {"nb", "nn"})):
        content = client.get("/", HTTP_ACCEPT_LANGUAGE=current).content.decode()
        switch = content.split('class="language-switcher"', 1)[1].split("</div>", 1)[0]
        assert set(re.findall(r'hreflang="(\w+)"', switch)) == others, current
    response = client.get("/sprak/?language=nn&next=/grupper/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    assert '<html lang="nn">' in client.get("/grupper/").content.decode()


# --- (e) stored texts come in each language -----------------------------------------


@pytest.mark.django_db
def test_themes_and_the_pledge_are_stored_in_nynorsk_too():
    from groups.models import Theme
    from pledges.models import Pledge

    themes = list(Theme.objects.all())
    assert themes, "the themes come with the migrations"
    assert all(theme.name_nn for theme in themes)
    pledge = Pledge.objects.current()
    assert pledge is not None and pledge.text_nn.startswith("Eg lovar")
    with translation.override("nn"):
        assert {theme.name for theme in themes} == {theme.name_nn for theme in themes}
        assert pledge.text == pledge.text_nn
    with translation.override("nb"):
        assert pledge.text == pledge.text_nb


@pytest.mark.django_db
def test_a_text_not_yet_written_in_nynorsk_shows_in_bokmal():
    from tests.factories import ThemeFactory

    theme = ThemeFactory(name_nb="Sorg", name_nn="", name_en="Grief")
    with translation.override("nn"):
        assert theme.name == "Sorg"
    with translation.override("en"):
        assert theme.name == "Grief"
