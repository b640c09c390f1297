"""Red flags: the lexicon (red_flags.yml), detection and the NLU component."""
