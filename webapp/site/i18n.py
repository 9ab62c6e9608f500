"""Languages: each request's locale (a remembered cookie, else the browser's Accept-Language) and the
translated labels of the dataset's categories.

The English dataset labels are the msgids. They are spelled out so that `pybabel extract` finds them;
a test checks they match `movrec.dataset.GENRES`, `AGE_BRACKETS` and `OCCUPATIONS`.
"""
from flask import Flask, Response, current_app, g, request
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

LANGUAGE_COOKIE = "lang"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def select_locale() -> str:
    """The locale for this request: the `lang` cookie if valid, else the best Accept-Language match."""
    languages = list(current_app.config["LANGUAGES"])
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def request_translations():
    """Flask-Babel's translations for this request's locale, looked up once a request and kept in `g` beside
    Flask-Babel's own choice of locale (its lookup costs about 10 µs a string, and a page has dozens)."""
    try:
        return g.movrec_translations
    except AttributeError:
        g.movrec_translations = translations = get_translations()
        return translations


@pass_eval_context
def _gettext(eval_ctx: EvalContext, string: str, /, **variables) -> str:
    """Jinja's newstyle `gettext` (the translation, escaped-safe when autoescaping, formatted with `variables`)."""
    translated = request_translations().ugettext(string)
    return (Markup(translated) if eval_ctx.autoescape else translated) % variables


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables) -> str:
    """Jinja's newstyle `ngettext`: as `_gettext`, the form for `num`, which `%(num)` formats unless `variables`
    name another `num` (the arguments before it are positional only, as in Jinja's)."""
    variables.setdefault("num", num)
    translated = request_translations().ungettext(singular, plural, num)
    return (Markup(translated) if eval_ctx.autoescape else translated) % variables


def install_template_gettext(app: Flask) -> None:
    """Give the templates `_`, `gettext` and `ngettext` that read `request_translations` and take Jinja's evaluation
    context, not its whole context: Jinja's own (installed by Flask-Babel's `init_app`, which this follows) copy the
    template's context on every string inside a block that sets variables. The output is the same."""
    assert app.jinja_env.newstyle_gettext, "Flask-Babel's init_app installs newstyle gettext first"
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)


def vary_on_language(response: Response) -> Response:
    """Tell caches that pages differ by Accept-Language and by the `lang` cookie."""
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


GENDER_LABELS = {"F": _l("Female"), "M": _l("Male")}

GENRE_LABELS = {
    "Action": _l("Action"), "Adventure": _l("Adventure"), "Animation": _l("Animation"),
    "Children's": _l("Children's"), "Comedy": _l("Comedy"), "Crime": _l("Crime"),
    "Documentary": _l("Documentary"), "Drama": _l("Drama"), "Fantasy": _l("Fantasy"),
    "Film-Noir": _l("Film-Noir"), "Horror": _l("Horror"), "Musical": _l("Musical"),
    "Mystery": _l("Mystery"), "Romance": _l("Romance"), "Sci-Fi": _l("Sci-Fi"),
    "Thriller": _l("Thriller"), "War": _l("War"), "Western": _l("Western"),
}

AGE_LABELS = {
    1: _l("Under 18"), 18: _l("18-24"), 25: _l("25-34"), 35: _l("35-44"),
    45: _l("45-49"), 50: _l("50-55"), 56: _l("56+"),
}

OCCUPATION_LABELS = {
    0: _l("other or not specified"), 1: _l("academic/educator"), 2: _l("artist"),
    3: _l("clerical/admin"), 4: _l("college/grad student"), 5: _l("customer service"),
    6: _l("doctor/health care"), 7: _l("executive/managerial"), 8: _l("farmer"),
    9: _l("homemaker"), 10: _l("K-12 student"), 11: _l("lawyer"), 12: _l("programmer"),
    13: _l("retired"), 14: _l("sales/marketing"), 15: _l("scientist"), 16: _l("self-employed"),
    17: _l("technician/engineer"), 18: _l("tradesman/craftsman"), 19: _l("unemployed"),
    20: _l("writer"),
}


def genre_label(name: str) -> str:
    """The genre's name in the current language (the name itself if unknown)."""
    label = GENRE_LABELS.get(name)
    return str(label) if label is not None else name
