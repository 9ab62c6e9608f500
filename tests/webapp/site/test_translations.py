"""Both catalogues translate every interface string, the compiled .mo files match the .po files,
and the category labels are exactly the dataset's."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from movrec.dataset import AGE_BRACKETS, GENRES, OCCUPATIONS

from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, GENRE_LABELS, OCCUPATION_LABELS

ROOT = Path(__file__).resolve().parents[3]
TRANSLATIONS = ROOT / "webapp" / "translations"
LANGUAGES = ("zh", "en")


def source_msgids() -> set[str]:
    """Every msgid in the code and templates, extracted as `pybabel extract -F babel.cfg` would."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    method_map = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    return source_msgids()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_every_interface_string(msgids, language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog
                  if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])}
    assert msgids - translated == set()
    assert len(msgids) > 150


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as fh:
        po = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id and not m.fuzzy}
    with open(folder / "messages.mo", "rb") as fh:
        mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert mo == po, "run `pybabel compile -d webapp/translations`"


def test_category_labels_are_the_datasets():
    assert tuple(GENRE_LABELS) == GENRES
    assert {k: str(v) for k, v in AGE_LABELS.items()} == AGE_BRACKETS
    assert {k: str(v) for k, v in OCCUPATION_LABELS.items()} == OCCUPATIONS
    assert set(GENDER_LABELS) == {"F", "M"}


def test_chinese_pages_translate_labels(client):
    client.get("/language/zh")
    html = client.get("/register").get_data(as_text=True)
    assert "创建账号" in html and "18 岁以下" in html and "程序员" in html and "女" in html
    assert "科幻" in client.get("/movies").get_data(as_text=True)


TEMPLATE_STRINGS = ("{{ _('Browse') }}|{{ _('Because you rated %(title)s', title='<b>&') }}|"
                    "{{ gettext('Sign in') }}|{{ ngettext('%(num)d star', '%(num)d stars', 1) }}|"
                    "{{ ngettext('%(num)d star', '%(num)d stars', 3) }}|"
                    "{{ ngettext('%(num)s vote', '%(num)s votes', 1234, num='{:,}'.format(1234)) }}|"
                    "{{ _('100%% sure') }}{% set x = 1 %}{% for i in [1] %}{{ _('Browse') }}{% endfor %}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_template_gettext_reads_as_jinjas_own(app, language):
    """The site's `_`, `gettext` and `ngettext` (webapp.site.i18n) give what Jinja's i18n extension gives with
    Flask-Babel's callables: translations, plurals, `num`, escaped variables, `%%`, in autoescaped templates."""
    from flask_babel import get_translations
    from jinja2 import Environment

    jinjas = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    jinjas.install_gettext_callables(lambda s: get_translations().ugettext(s),
                                     lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True)
    with app.test_request_context("/", headers={"Cookie": f"lang={language}"}):
        ours = app.jinja_env.from_string(TEMPLATE_STRINGS).render()
        expected = jinjas.from_string(TEMPLATE_STRINGS).render()
    assert ours == expected and "&lt;b&gt;&amp;" in ours and "1,234" in ours
    assert ("浏览" in ours) == (language == "zh")
