"""Settings for the intake throughput bench only: anju's own, with ``bench_serve_urls`` as the URL map (anju's
URLs plus one bare endpoint). Never used by an installation: ``bench/`` is not on its path."""

from anju.settings import *  # noqa: F403

ROOT_URLCONF = "bench_serve_urls"
