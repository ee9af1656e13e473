"""Release artifacts and dataset descriptions: ``mrkg export``, VoID, DCAT-AP, schema.org."""
