"""What every browser journey checks on each page a person meets (issue 16 §10): the page reads
in Chinese (no English word outside the product terms, no internal code), it fits the screen
(nothing wider than a 390 px phone), and the browser logged no error."""

from __future__ import annotations

import re

import pytest

# Words a Chinese office uses as they are (the list of tests/test_page_language.py).
PRODUCT_TERMS = {
    "PDF", "CSV", "ZIP", "JPEG", "PNG", "Excel", "WPS", "TOTP", "OTP", "SHA", "ID", "IP", "URL",
    "HTTPS", "KB", "MB", "GB", "Baomi", "PIPL", "English", "QR", "AM", "PM", "CST", "UTC",
    "Webhook", "SEC", "OpenAPI",
}  # fmt: skip
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
INTERNAL = [
    re.compile(r"\b(?:records|access|audit|disposal|auth|core|otp|admin)\.[a-z_]{3,}\b"),
    re.compile(r"\b[a-z]+_[a-z_]+\b"),
    re.compile(r"\b[a-z_]+=[^\s]"),
]
ADDRESS = re.compile(r"(?:https?://\S+|(?<!\S)/[\w./-]*)")

# The text a person reads on the page: visible text, and the words inside controls.
_READABLE = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],[alt]')) {
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  for (const option of document.querySelectorAll('option')) parts.push(option.textContent);
  return parts.join('\\n');
}"""


def foreign_words(page, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """English words and internal codes a Chinese reader would meet on ``page``: what the page
    shows, minus addresses, codes (links, passcodes), product terms and upper-case numbers."""
    text = page.evaluate(_READABLE)
    for code in page.locator("code").all_inner_texts():
        text = text.replace(code, " ")
    for word in allowed:
        text = text.replace(word, " ")
    text = ADDRESS.sub(" ", text)
    found = [m.group(0) for rx in INTERNAL for m in rx.finditer(text)]
    found += [w for w in ENGLISH_WORD.findall(text) if w not in PRODUCT_TERMS and not w.isupper()]
    return sorted(set(found))


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: it fits; tables scroll inside)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return max(0, width - page.viewport_size["width"])


def assert_reads_chinese(page, *, allowed: tuple[str, ...] = ()) -> None:
    """The page is in Chinese; ``allowed``: data the test itself typed in Latin letters."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "zh-hans", page.url
    assert foreign_words(page, allowed=allowed) == [], page.url


def assert_fits_and_reads_chinese(page, *, allowed: tuple[str, ...] = ()) -> None:
    """The page is in Chinese and fits its screen."""
    assert_reads_chinese(page, allowed=allowed)
    assert overflow(page) == 0, page.url


def messages(page) -> str:
    """The messages the page opened with (success, warning, error), as one text."""
    page.wait_for_selector(".messages")
    return page.inner_text(".messages")


# The languages every journey runs in (issue 16's bar): Chinese, the default, and English.
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}


class Words:
    """The words a journey reads and clicks, in the language it runs in: ``say("提交审批",
    "Submit for approval")``. Both texts are written out, so a journey also proves each
    translation reads as intended, not only that one exists."""

    def __init__(self, locale: str):
        self.locale = locale
        self.chinese = locale.startswith("zh")

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.chinese else en

    def __repr__(self) -> str:  # the test id pytest prints
        return self.locale


def internal_codes(page) -> list[str]:
    """Internal codes (dotted model or action names, snake_case, ``key=value``) on ``page``."""
    text = page.evaluate(_READABLE)
    for code in page.locator("code").all_inner_texts():
        text = text.replace(code, " ")
    text = ADDRESS.sub(" ", text)
    return sorted({m.group(0) for rx in INTERNAL for m in rx.finditer(text)})


def assert_reads(page, say: Words, *, allowed: tuple[str, ...] = ()) -> None:
    """The page is in the journey's language and shows no internal code; in Chinese also no
    English word outside the product terms (``allowed``: Latin data the test typed itself)."""
    # A click on a link may have started a navigation: read the page it leads to, not the
    # moment between two documents (CI once read a document with no <html> yet).
    page.wait_for_load_state("load")
    if say.chinese:
        assert_reads_chinese(page, allowed=allowed)
        return
    assert page.locator("html").get_attribute("lang") == "en", page.url
    assert internal_codes(page) == [], page.url


def assert_fits_and_reads(page, say: Words, *, allowed: tuple[str, ...] = ()) -> None:
    """The page is in the journey's language and fits its screen."""
    assert_reads(page, say, allowed=allowed)
    assert overflow(page) == 0, page.url


# ``@in_both_languages`` on a journey: it runs once in Chinese and once in English, with ``say``.
in_both_languages = pytest.mark.parametrize(
    "say", [Words(locale) for locale in LANGUAGES.values()], ids=list(LANGUAGES)
)

# The screens a journey is walked on (``say``, ``width``): Chinese, the default, and English,
# each at desktop width and on a 390 px phone (issue 16's bar).
SCREENS = {"desktop": 1366, "phone": 390}
on_every_screen = pytest.mark.parametrize(
    ("say", "width"),
    [
        (Words(LANGUAGES["zh"]), SCREENS["desktop"]),
        (Words(LANGUAGES["zh"]), SCREENS["phone"]),
        (Words(LANGUAGES["en"]), SCREENS["desktop"]),
        (Words(LANGUAGES["en"]), SCREENS["phone"]),
    ],
    ids=["desktop-zh", "phone-zh", "desktop-en", "phone-en"],
)
