"""The demo county (示范县): fictional areas with boundaries, organisation and years of synthetic matters."""
