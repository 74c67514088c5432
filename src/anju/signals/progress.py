"""A progress bar for long runs (tqdm on stderr), silent for short ones or when disabled."""

from __future__ import annotations

MIN_FITS_FOR_BAR = 50_000


class Progress:
    def __init__(self, total: int, enabled: bool, unit: str = "fit") -> None:
        self._bar = None
        if enabled and total >= MIN_FITS_FOR_BAR:
            try:
                from tqdm import tqdm
            except ImportError:  # tqdm is optional for the library
                return
            self._bar = tqdm(total=total, unit=unit, unit_scale=True, leave=False, mininterval=1.0)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
