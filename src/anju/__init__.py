"""anju (安居): social-domain risk prevention and resolution for town and county governance centres."""

__version__ = "0.1.0"
