"""The shared layout: a favicon linked from every page and a language picker in each language's own name."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_layout_links_a_favicon_that_exists(client, world):
    client.force_login(world.centre_staff)
    html = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert match, "no favicon link in the layout"
    assert match.group(1).endswith("anju/favicon.svg")
    assert finders.find("anju/favicon.svg") is not None


def test_login_page_links_the_favicon_too(client, db):
    html = client.get(reverse("core:login")).content.decode()
    assert 'rel="icon"' in html


def test_language_picker_reads_simplified_chinese_and_english_in_both_languages(client, world):
    client.force_login(world.centre_staff)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get("/").content.decode()
        picker = html[html.index('name="language"') :]
        picker = picker[: picker.index("</select>")]
        options = re.findall(r"<option[^>]*>([^<]+)</option>", picker)
        assert options == ["简体中文", "English"], (language, options)
        assert 'aria-label="简体中文 / English"' in html
