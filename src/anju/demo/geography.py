"""The fictional 示范县: its area tree, 12-digit codes, centroids and non-overlapping boundaries.

Boundaries are built in a local kilometre plane and converted to WGS84 lon/lat GeoJSON. The county is a
smooth irregular outline. Villages are Voronoi cells of well-spaced seeds clipped to it: small urban
communities packed around the centre (城关街道), rural villages in two sectors around it (青山镇 to the
north-west, 白沙镇 to the south-east). A town is the union of its villages' cells, so town borders follow
village borders as real ones do; grids are Voronoi cells of relaxed seeds inside their village. Every
cell is its parent cut by half-planes, so siblings tile their parent exactly and never overlap.

Codes follow the 12-digit statistical scheme: county ``339901000000``, towns ``339901TTT000``,
villages/communities ``339901TTTVVV`` (VVV = 001…099). Grids have no official code, so they take
``339901TTT`` + ``G`` + ``VV`` (G = grid number 1…9, VV = village number): grids of village 007 are
…107, …207, …307 — unique, 12 digits, and never colliding with a village code.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

COUNTY_CODE = "339901000000"
COUNTY_NAME = "示范县"
# A fictional location (the map only needs a plausible place; nothing is fetched).
ORIGIN_LAT, ORIGIN_LON = 29.32, 119.87
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON = 111.32 * math.cos(math.radians(ORIGIN_LAT))

Point = tuple[float, float]
Polygon = list[Point]


@dataclass(frozen=True)
class VillagePlan:
    name: str
    grids: int
    profile: str  # "urban", "industrial", "rural", "suburban": shapes the domain mix in ``history``


@dataclass(frozen=True)
class TownPlan:
    name: str
    sector: str  # "centre" or the compass half it occupies around the centre
    villages: tuple[VillagePlan, ...]


def _v(name: str, profile: str, grids: int | None = None) -> VillagePlan:
    return VillagePlan(name, grids or (3 if profile == "urban" else 2), profile)


TOWNS: tuple[TownPlan, ...] = (
    TownPlan(
        "城关街道",
        "centre",
        (
            _v("东门社区", "urban"),
            _v("西门社区", "urban"),
            _v("南门社区", "urban"),
            _v("北门社区", "urban"),
            _v("文昌社区", "urban"),
            _v("府前社区", "urban"),
            _v("解放路社区", "urban"),
            _v("滨江社区", "urban"),
            _v("新华社区", "urban"),
            _v("河西社区", "urban"),
            _v("学府社区", "urban"),
        ),
    ),
    TownPlan(
        "青山镇",
        "north-west",
        (
            _v("金桥村", "industrial", 3),
            _v("工业园社区", "industrial", 3),
            _v("石门村", "industrial"),
            _v("青山村", "rural"),
            _v("塘头村", "suburban"),
            _v("下洋村", "rural"),
            _v("溪口村", "rural"),
            _v("前山村", "rural"),
            _v("后垟村", "rural"),
            _v("长林村", "rural"),
            _v("新塘村", "suburban"),
        ),
    ),
    TownPlan(
        "白沙镇",
        "south-east",
        (
            _v("白沙村", "suburban"),
            _v("上埠村", "rural"),
            _v("下埠村", "rural"),
            _v("沙洲村", "rural"),
            _v("柳湾村", "rural"),
            _v("桃源村", "rural"),
            _v("大坪村", "rural"),
            _v("横路村", "rural"),
            _v("里湖村", "rural"),
            _v("江口村", "suburban"),
            _v("梅岭村", "rural"),
            _v("何家村", "rural"),
        ),
    ),
)

GRID_NUMERALS = "一二三四五六七八九"


@dataclass
class AreaSpec:
    code: str
    name: str
    level: int  # core.models.AreaLevel value
    parent_code: str | None
    polygon: Polygon  # km plane, counter-clockwise
    label_point: Point  # km plane, inside the polygon
    profile: str = ""
    children: list[AreaSpec] = field(default_factory=list)

    @property
    def latitude(self) -> float:
        return round(ORIGIN_LAT + self.label_point[1] / KM_PER_DEG_LAT, 6)

    @property
    def longitude(self) -> float:
        return round(ORIGIN_LON + self.label_point[0] / KM_PER_DEG_LON, 6)

    def geojson(self) -> dict:
        return polygon_geojson(self.polygon)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


# ---- plane geometry -------------------------------------------------------------------------------


def signed_area(poly: Polygon) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True))


def centroid(poly: Polygon) -> Point:
    a = signed_area(poly)
    if abs(a) < 1e-12:
        return (sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly))
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cx / (6 * a), cy / (6 * a))


def contains(poly: Polygon, pt: Point) -> bool:
    """Even-odd ray casting."""
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def clip_half_plane(poly: Polygon, a: float, b: float, c: float) -> Polygon:
    """Keep the part of ``poly`` where a·x + b·y ≤ c (one Sutherland–Hodgman pass)."""
    out: Polygon = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp <= 0) != (fq <= 0):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def power_cells(parent: Polygon, seeds: list[Point], weights: list[float] | None = None) -> list[Polygon]:
    """The cells of ``seeds`` (power diagram; Voronoi when weights are 0) inside ``parent``."""
    weights = weights or [0.0] * len(seeds)
    cells = []
    for i, (pi, wi) in enumerate(zip(seeds, weights, strict=True)):
        cell = list(parent)
        for j, (pj, wj) in enumerate(zip(seeds, weights, strict=True)):
            if i == j or not cell:
                continue
            # |x-pi|² - wi ≤ |x-pj|² - wj  ⇔  2(pj-pi)·x ≤ |pj|² - |pi|² - wj + wi
            a, b = 2 * (pj[0] - pi[0]), 2 * (pj[1] - pi[1])
            c = pj[0] ** 2 + pj[1] ** 2 - pi[0] ** 2 - pi[1] ** 2 - wj + wi
            cell = clip_half_plane(cell, a, b, c)
        cells.append(_dedupe(cell))
    return cells


def _dedupe(poly: Polygon, eps: float = 1e-9) -> Polygon:
    out: Polygon = []
    for p in poly:
        if not out or abs(p[0] - out[-1][0]) > eps or abs(p[1] - out[-1][1]) > eps:
            out.append(p)
    if len(out) > 1 and abs(out[0][0] - out[-1][0]) <= eps and abs(out[0][1] - out[-1][1]) <= eps:
        out.pop()
    return out


def interior_point(poly: Polygon, hint: Point | None = None) -> Point:
    """A point inside ``poly``: its centroid when inside, else the inside sample nearest to it."""
    c = centroid(poly)
    if contains(poly, c):
        return c
    if hint and contains(poly, hint):
        return hint
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    best, best_d = poly[0], math.inf
    for i in range(1, 40):
        for j in range(1, 40):
            pt = (min(xs) + (max(xs) - min(xs)) * i / 40, min(ys) + (max(ys) - min(ys)) * j / 40)
            d = (pt[0] - c[0]) ** 2 + (pt[1] - c[1]) ** 2
            if d < best_d and contains(poly, pt):
                best, best_d = pt, d
    return best


def _sample_inside(poly: Polygon, rng: random.Random) -> Point:
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    while True:
        pt = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
        if contains(poly, pt):
            return pt


def relaxed_cells(
    parent: Polygon, n: int, rng: random.Random, rounds: int = 4
) -> tuple[list[Point], list[Polygon]]:
    """Voronoi cells of ``n`` random seeds, Lloyd-relaxed a few rounds so cells look like villages."""
    seeds = [_sample_inside(parent, rng) for _ in range(n)]
    for _ in range(rounds):
        cells = power_cells(parent, seeds)
        moved = []
        for seed, cell in zip(seeds, cells, strict=True):
            c = centroid(cell) if len(cell) >= 3 else seed
            moved.append(c if contains(parent, c) else seed)
        seeds = moved
    return seeds, power_cells(parent, seeds)


def county_outline(rng: random.Random, vertices: int = 96) -> Polygon:
    """A smooth, irregular, star-shaped outline about 40 × 30 km."""
    harmonics = [(k, rng.uniform(0.02, 0.07) / (k / 3), rng.uniform(0, 2 * math.pi)) for k in range(2, 9)]
    poly = []
    for i in range(vertices):
        t = 2 * math.pi * i / vertices
        r = 1 + sum(amp * math.cos(k * t + phase) for k, amp, phase in harmonics)
        poly.append((20.0 * r * math.cos(t), 15.0 * r * math.sin(t)))
    return poly


# ---- GeoJSON -------------------------------------------------------------------------------------


def to_lonlat(pt: Point) -> list[float]:
    return [round(ORIGIN_LON + pt[0] / KM_PER_DEG_LON, 6), round(ORIGIN_LAT + pt[1] / KM_PER_DEG_LAT, 6)]


def polygon_geojson(poly: Polygon) -> dict:
    """A GeoJSON Polygon (RFC 7946: closed ring, exterior counter-clockwise)."""
    ring = poly if signed_area(poly) > 0 else list(reversed(poly))
    coords = [to_lonlat(p) for p in ring]
    coords.append(coords[0])
    return {"type": "Polygon", "coordinates": [coords]}


# ---- the tree ------------------------------------------------------------------------------------


def village_code(town_no: int, village_no: int) -> str:
    return f"{COUNTY_CODE[:6]}{town_no:03d}{village_no:03d}"


def grid_code(town_no: int, village_no: int, grid_no: int) -> str:
    return f"{COUNTY_CODE[:6]}{town_no:03d}{grid_no}{village_no:02d}"


URBAN_RADIUS_KM = 3.6  # the urban communities' seeds lie within this distance of the centre
RURAL_MIN_RADIUS_KM = 5.0


def _spaced_seeds(
    n: int,
    accept,
    bounds: tuple[float, float, float, float],
    rng: random.Random,
    taken: list[Point],
    candidates: int = 30,
) -> list[Point]:
    """Mitchell's best-candidate sampling: each new seed is the candidate farthest from all others."""
    x0, y0, x1, y1 = bounds
    seeds: list[Point] = []
    for _ in range(n):
        best, best_d = None, -1.0
        for _ in range(candidates):
            pt = (rng.uniform(x0, x1), rng.uniform(y0, y1))
            if not accept(pt):
                continue
            d = min(((pt[0] - q[0]) ** 2 + (pt[1] - q[1]) ** 2 for q in taken + seeds), default=math.inf)
            if d > best_d:
                best, best_d = pt, d
        if best is None:
            raise ValueError("no room for another seed")
        seeds.append(best)
    return seeds


def union_of_cells(cells: list[Polygon]) -> Polygon:
    """The outline of adjacent cells of one tiling: edges shared by two cells cancel, the rest chain up."""

    def key(p: Point) -> tuple[int, int]:
        return (round(p[0] * 1e6), round(p[1] * 1e6))

    edges: dict[tuple, tuple] = {}
    points: dict[tuple, Point] = {}
    for cell in cells:
        ring = cell if signed_area(cell) > 0 else list(reversed(cell))
        for p, q in zip(ring, ring[1:] + ring[:1], strict=True):
            kp, kq = key(p), key(q)
            if kp == kq:
                continue
            points[kp], points[kq] = p, q
            if (kq, kp) in edges:
                del edges[(kq, kp)]
            else:
                edges[(kp, kq)] = (kp, kq)
    following = {}
    for kp, kq in edges:
        if kp in following:
            raise ValueError("cells touch at a single point; the outline is not one ring")
        following[kp] = kq
    start = next(iter(following))
    ring_keys = [start]
    while (nxt := following[ring_keys[-1]]) != start:
        ring_keys.append(nxt)
        if len(ring_keys) > len(following):
            raise ValueError("outline does not close")
    if len(ring_keys) != len(following):
        raise ValueError("cells do not form one connected region")
    return [points[k] for k in ring_keys]


def _plan_villages(outline: Polygon, rng: random.Random) -> list[tuple[int, Point]]:
    """Seeds for every village as (town index, seed): urban ones near the centre, rural ones by sector."""
    urban = [t for t in TOWNS if t.sector == "centre"]
    rural = [t for t in TOWNS if t.sector != "centre"]
    n_urban = sum(len(t.villages) for t in urban)
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    bounds = (min(xs), min(ys), max(xs), max(ys))
    urban_seeds = _spaced_seeds(
        n_urban,
        lambda p: math.hypot(*p) <= URBAN_RADIUS_KM,
        (-URBAN_RADIUS_KM, -URBAN_RADIUS_KM, URBAN_RADIUS_KM, URBAN_RADIUS_KM),
        rng,
        [],
    )
    n_rural = sum(len(t.villages) for t in rural)
    rural_seeds = _spaced_seeds(
        n_rural,
        lambda p: math.hypot(*p) >= RURAL_MIN_RADIUS_KM and contains(outline, p),
        bounds,
        rng,
        urban_seeds,
    )
    plan: list[tuple[int, Point]] = [(TOWNS.index(urban[0]), p) for p in urban_seeds]
    # Split the rural ring by polar angle, counter-clockwise from the east-north-east: the first town
    # takes the northern and western half, the next the southern and eastern half.
    rural_seeds.sort(key=lambda p: (math.atan2(p[1], p[0]) - math.radians(30)) % (2 * math.pi))
    at = 0
    for town in sorted(rural, key=lambda t: t.sector != "north-west"):
        plan += [(TOWNS.index(town), p) for p in rural_seeds[at : at + len(town.villages)]]
        at += len(town.villages)
    return plan


def build_county(seed: int = 2024) -> AreaSpec:
    """The whole tree with geometry, deterministic for ``seed``."""
    for attempt in range(20):
        rng = random.Random(f"geography-{seed}-{attempt}")  # synthetic demo geography  # nosec B311
        outline = county_outline(rng)
        plan = _plan_villages(outline, rng)
        cells = power_cells(outline, [p for _, p in plan])
        try:
            town_polys = [
                union_of_cells([c for (t, _), c in zip(plan, cells, strict=True) if t == i])
                for i in range(len(TOWNS))
            ]
        except ValueError:
            continue  # a degenerate tiling for this attempt; the next attempt draws new seeds
        return _assemble(outline, plan, cells, town_polys, rng)
    raise RuntimeError("could not build the demo county geometry")


def _assemble(outline, plan, cells, town_polys, rng) -> AreaSpec:
    county = AreaSpec(COUNTY_CODE, COUNTY_NAME, 1, None, outline, interior_point(outline, (0.0, 0.0)))
    for town_no, (town_plan, town_poly) in enumerate(zip(TOWNS, town_polys, strict=True), start=1):
        town_code = f"{COUNTY_CODE[:6]}{town_no:03d}000"
        town = AreaSpec(town_code, town_plan.name, 2, county.code, town_poly, interior_point(town_poly))
        county.children.append(town)
        mine = [(p, c) for (t, p), c in zip(plan, cells, strict=True) if t == town_no - 1]
        # Number villages from north-west to south-east, the way a register usually reads.
        mine.sort(key=lambda pc: (-round(pc[0][1] / 3), pc[0][0]))
        for village_no, (vplan, (vseed, vpoly)) in enumerate(
            zip(town_plan.villages, mine, strict=True), start=1
        ):
            village = AreaSpec(
                village_code(town_no, village_no),
                vplan.name,
                3,
                town.code,
                vpoly,
                interior_point(vpoly, vseed),
                profile=vplan.profile,
            )
            town.children.append(village)
            gseeds, gcells = relaxed_cells(vpoly, vplan.grids, rng, rounds=3)
            for grid_no, (gseed, gpoly) in enumerate(zip(gseeds, gcells, strict=True), start=1):
                village.children.append(
                    AreaSpec(
                        grid_code(town_no, village_no, grid_no),
                        f"{vplan.name}第{GRID_NUMERALS[grid_no - 1]}网格",
                        4,
                        village.code,
                        gpoly,
                        interior_point(gpoly, gseed),
                        profile=vplan.profile,
                    )
                )
    return county
