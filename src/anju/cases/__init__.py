"""Cases (专案): related matters grouped across villages and domains, the spread of risk between them (传导)
and the response to online opinion (舆情). Matters stay the unit of the ledger; a case only groups them."""
