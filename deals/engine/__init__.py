"""The valuation engine: pure Python and Decimal, no Django. Estimates, FX, valuations and cycles."""
