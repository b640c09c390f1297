"""English as people text it: words no dictionary's frequency list holds.

Read by the run-together splitter ("icantbreatheplshelp": "pls" is a word) and by the
language guesser ("wat is lambert eaten syndrom" is English typed fast, not Dutch).
"""

TEXTING_WORDS = frozenset({
    "pls", "plz", "cant", "dont", "wont", "isnt", "ur", "u", "rn", "asap", "wat", "wut", "wats",
    "abt", "tho", "cuz", "coz", "wanna", "gonna", "gotta", "dunno", "thx", "idk", "im", "doesnt",
    "whats", "hows", "ive", "didnt", "wasnt", "shes", "hes", "theyre", "youre", "smth", "sth",
})
