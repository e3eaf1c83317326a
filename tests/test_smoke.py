from __future__ import annotations

import json


def test_demo_then_agenda_names_a_clause_on_every_line(cli):
    assert cli("demo").code == 0
    result = cli("pendientes", "--json")
    assert result.code == 0, result.err
    items = json.loads(result.out)
    assert items, "the demo must leave something pending"
    assert {item["status"] for item in items} >= {"overdue", "due_soon"}
    for item in items:
        assert item["rule"]["section"], item
        assert item["rule"]["profile"] == "iecm"
