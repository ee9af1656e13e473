"""The mrkg ontology (``mrkg.ttl``), its SHACL shapes and IRI minting."""

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "mrkg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
