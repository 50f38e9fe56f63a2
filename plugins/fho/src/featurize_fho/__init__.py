"""featurize-fho: functional-harmony features from the Functional Harmony Ontology, and a chord recogniser."""
