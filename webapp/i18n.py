"""Language choice: a remembered cookie, else the browser's Accept-Language."""
from flask import Response, current_app, request

LANGUAGE_COOKIE = "lang"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def select_locale() -> str:
    """The locale for this request: the `lang` cookie if valid, else the best Accept-Language match."""
    languages = list(current_app.config["LANGUAGES"])
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def vary_on_language(response: Response) -> Response:
    """Tell caches that pages differ by Accept-Language and by the `lang` cookie."""
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response
