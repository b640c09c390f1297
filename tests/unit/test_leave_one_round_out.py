"""The leave-one-round-out comparison judges the detector as the rounds do."""

from __future__ import annotations

import pytest

from bot.safety.rules import load_rules
from eval import leave_one_round_out as loro


def test_an_unknown_operating_point_name_is_an_error() -> None:
    with pytest.raises(SystemExit):
        loro._variant("self_harm_alon=0.4", load_rules().learned)
    assert loro._variant("self_harm_alone=0.4", load_rules().learned).self_harm_alone == 0.4


def test_the_first_message_is_judged_by_its_categories() -> None:
    tally = loro.Tally()
    loro._judge({"kind": "emergency", "topic": "poisoning", "self_harm": True}, ["poisoning"], tally)
    loro._judge({"kind": "emergency", "topic": "bleeding"}, ["bleeding", "self_harm"], tally)
    loro._judge({"kind": "emergency_midform", "topic": "stroke"}, ["stroke"], tally)
    loro._judge({"kind": "emergency", "topic": "choking"}, [], tally)
    loro._judge({"kind": "context", "topic": "choking"}, ["choking"], tally)
    loro._judge({"kind": "les_question"}, [], tally)
    assert (tally.emergencies, tally.caught, tally.right) == (4, 3, 1)
    assert (tally.context, tally.context_alarms, tally.others, tally.other_alarms) == (1, 1, 1, 0)
