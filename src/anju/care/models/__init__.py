"""The care models, one module per concern."""
