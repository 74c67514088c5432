"""Input formats: the first one is what date and datetime inputs are rendered with.

HTML ``type=date`` / ``type=datetime-local`` inputs only accept ISO values, whatever the page language,
so ISO comes first; the locale's usual forms are still accepted when typed by hand.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%m/%d/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
]
