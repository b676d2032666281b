"""Common English given names and their familiar forms ("Kate" for "Kathleen", "Bill" for
"William"), so that `correct` accepts "Kate Walsh" for "Kathleen Erin Walsh". Lower-case; a
familiar form may stand for several names ("pat": Patrick, Patricia)."""

from __future__ import annotations

FAMILIAR_FORMS: dict[str, tuple[str, ...]] = {
    "abigail": ("abby",), "abraham": ("abe",), "albert": ("al", "bert"), "alexander": ("alex", "sandy"),
    "alexandra": ("alex", "sandy"), "alfred": ("alf", "alfie", "fred"), "amanda": ("mandy",),
    "andrew": ("andy", "drew"), "anthony": ("tony",), "barbara": ("barb",), "benjamin": ("ben", "benny"),
    "catherine": ("cathy", "kate", "katie"), "charles": ("charlie", "chuck"), "christina": ("chris", "tina"),
    "christine": ("chris", "tina"), "christopher": ("chris",), "cynthia": ("cindy",), "daniel": ("dan", "danny"),
    "david": ("dave", "davey"), "deborah": ("deb", "debbie"), "donald": ("don", "donnie"),
    "dorothy": ("dot", "dottie"), "douglas": ("doug",), "edward": ("ed", "eddie", "ted", "teddy", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "betsy", "eliza"), "eugene": ("gene",),
    "francis": ("frank",), "franklin": ("frank",), "frederick": ("fred", "freddie"), "gerald": ("gerry", "jerry"),
    "gregory": ("greg",), "harold": ("harry", "hal"), "henry": ("harry", "hank"), "james": ("jim", "jimmy", "jamie"),
    "jeffrey": ("jeff",), "jennifer": ("jen", "jenny"), "jessica": ("jess", "jessie"), "joanna": ("jo",),
    "joanne": ("jo",), "john": ("johnny", "jack"), "jonathan": ("jon", "jonny"), "joseph": ("joe", "joey"),
    "josephine": ("jo", "josie"), "judith": ("judy",), "katherine": ("kate", "katie", "kathy", "kay"),
    "kathleen": ("kate", "katie", "kathy"), "kathryn": ("kate", "katie", "kathy"), "kenneth": ("ken", "kenny"),
    "kimberly": ("kim",), "lawrence": ("larry",), "leonard": ("leo", "len", "lenny"),
    "margaret": ("maggie", "meg", "peggy", "marge"), "matthew": ("matt",), "michael": ("mike", "mick", "mickey"),
    "nathaniel": ("nate", "nat"), "nicholas": ("nick", "nicky"), "pamela": ("pam",),
    "patricia": ("pat", "patty", "trish"), "patrick": ("pat", "paddy"), "peter": ("pete",),
    "philip": ("phil",), "phillip": ("phil",), "raymond": ("ray",), "rebecca": ("becky", "becca"),
    "richard": ("rick", "ricky", "dick", "rich", "richie"), "robert": ("bob", "bobby", "bobbie", "rob", "robbie"),
    "ronald": ("ron", "ronnie"), "samantha": ("sam",), "samuel": ("sam", "sammy"), "sandra": ("sandy",),
    "stephen": ("steve",), "steven": ("steve",), "susan": ("sue", "susie"), "thaddeus": ("thad",),
    "theodore": ("ted", "teddy", "theo"), "thomas": ("tom", "tommy"), "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "tori"), "vincent": ("vince", "vinny"), "walter": ("walt", "wally"),
    "william": ("bill", "billy", "will", "willie"), "zachary": ("zach", "zack"),
}
_FULL_NAMES: dict[str, tuple[str, ...]] = {}
for _name, _familiar in FAMILIAR_FORMS.items():
    for _form in _familiar:
        _FULL_NAMES[_form] = _FULL_NAMES.get(_form, ()) + (_name,)


def other_forms(first_name: str) -> tuple[str, ...]:
    """The familiar forms of a lower-case given name, or the names a familiar form stands for."""
    return FAMILIAR_FORMS.get(first_name, ()) + _FULL_NAMES.get(first_name, ())
