"""The bench's URL map: every anju URL, plus ``/bench/bare/``, a bare Django view that inserts one row and
answers — the anchor the intake API is compared with in the same run, through the same server, middleware
stack and database. It exists only here (``bench_serve_settings``), never in anju's own URLs."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from anju.urls import urlpatterns as anju_urlpatterns

BARE_TABLE = "bench_bare_row"


@csrf_exempt
def bare(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BARE_TABLE} (v) VALUES (%s)", [len(request.body)])  # noqa: S608
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [*anju_urlpatterns, path("bench/bare/", bare)]
