"""docs/reliability.md states the sizes of the reliability tests' tables: compare them with the tables."""

import importlib.util
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = HERE.parents[1] / "docs" / "reliability.md"
ROW = re.compile(r"^\| (?P<figure>[^|]+?) \| (?P<count>\d+) \|$", re.MULTILINE)

# The integration tests run each `ansible` fixture test once per execution path.
EXECUTION_PATHS = 2


def load(name):
    """Import a test module of this folder under a name of its own, without running its tests."""
    spec = importlib.util.spec_from_file_location("reliability_page_" + name, HERE / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page_figures():
    section = PAGE.read_text().split("## Figures", 1)[1]
    return {match.group("figure"): int(match.group("count")) for match in ROW.finditer(section)}


def expected_figures():
    bad_input = load("test_bad_input")
    faults = load("test_faults")
    races = load("test_races")
    leaks = load("test_leaks")
    scenarios = faults.SCENARIOS

    return {
        "bad-input cases, each run on both execution paths": len(bad_input.CASES),
        "fault scenarios": len(scenarios),
        "fault scenarios that end with KMS activated": sum(1 for s in scenarios if s.succeeds),
        "fault scenarios that fail before any activation":
            sum(1 for s in scenarios if not s.succeeds and s.activations == 0),
        "fault scenarios that fail after a lost reply activated KMS":
            sum(1 for s in scenarios if not s.succeeds and s.activations == 1),
        "fault scenarios where the server acted but the reply was lost":
            sum(1 for s in scenarios if any(f.get("after_action") for f in s.faults)),
        "concurrent ad hoc runs on one account, on each execution path": races.CONCURRENT_RUNS,
        "inventory hosts for one account in a playbook with one fork per host, on each execution path":
            races.INVENTORY_HOSTS,
        "leak scenarios at -vvvv, each on both execution paths": len(leaks.LEAK_SCENARIOS),
        "outputs those scenarios scan (stdout, stderr and the log file of each run)":
            len(leaks.LEAK_SCENARIOS) * EXECUTION_PATHS * leaks.OUTPUTS_PER_RUN,
        "leaks found": 0,
    }


def test_page_lists_every_figure():
    assert sorted(page_figures()) == sorted(expected_figures())


def test_page_counts_match_tests():
    figures = page_figures()

    for figure, count in expected_figures().items():
        assert figures.get(figure) == count, figure


def test_fixture_runs_both_paths():
    conftest = (HERE / "conftest.py").read_text()

    assert "params=[IN_PROCESS, MODULE]" in conftest
