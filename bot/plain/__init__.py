"""Plain language: the glossary, the faithfulness check of plain passages, reading levels."""
