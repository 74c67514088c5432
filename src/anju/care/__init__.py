"""Care for the people a matter must serve: purpose-bound contact, care plans and visits, need markers kept
only as long as the care, and referrals to services. Never person profiles, watch-lists or scores."""
