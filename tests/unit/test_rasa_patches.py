"""bot.server.rasa_patches.install(): the version and signature checks, the switches, idempotence.

The refusals are checked on the real entry point, ``python -m bot.server``, in a
subprocess: a faked installed version (a dist-info folder ahead of site-packages on
PYTHONPATH, which is what ``importlib.metadata`` reads) or a Rasa function whose
signature changed must stop it before Rasa starts, with a message saying what to do.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot import paths
from bot.ops import launch
from bot.server import rasa_patches
from bot.server.rasa_patches import registry

PATCH_NAMES = [patch.name for patch in registry.PATCHES]


def run_python(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """``python <args>`` in the repository, as our servers run (bot/ops/launch.py)."""
    return subprocess.run([sys.executable, *args], cwd=paths.ROOT, env=launch.server_env(**env),
                          capture_output=True, text=True, timeout=300)


def fake_distribution(folder: Path, name: str, version: str) -> None:
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


@pytest.mark.parametrize("package,patch", [("rasa", "action_fallback"), ("rasa-sdk", "action_fallback"),
                                           ("python-engineio", "engineio_guard")])
def test_another_version_of_a_package_refuses_the_start(tmp_path, package, patch):
    fake_distribution(tmp_path / "site", package, "9.9.9")
    result = run_python(["-m", "bot.server", "--model", str(tmp_path / "none.tar.gz")], tmp_path,
                        PYTHONPATH=f"{tmp_path / 'site'}:{paths.ROOT}")
    assert result.returncode == 2, result.stderr[-2000:]
    message = result.stderr
    assert f"the Rasa patch '{patch}'" in message
    wanted = registry.VERSIONS[package]
    assert f"{package} 9.9.9 is installed; the patch was written for {package}=={wanted}" in message
    assert "What to do: install the pinned versions" in message and "docs/rasa-patches.md" in message
    assert "Starting Rasa server" not in result.stdout + message


CHANGED_RUN = """
    import sys
    from rasa.core.actions.action import RemoteAction

    async def run(self, output_channel, nlg, tracker, domain, deadline=None):
        return []

    RemoteAction.run = run
    from bot import server
    sys.exit(server.main(sys.argv[1:]))
"""


def test_a_changed_signature_of_a_resilience_patchs_target_refuses_the_start(tmp_path):
    result = run_python(["-c", textwrap.dedent(CHANGED_RUN), "--model", str(tmp_path / "none.tar.gz")],
                        tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "the Rasa patch 'action_fallback'" in result.stderr
    assert "rasa.core.actions.action:RemoteAction.run has the signature " \
           "(self, output_channel, nlg, tracker, domain, deadline=None); the patch expects" in result.stderr


CHANGED_LOOKUP = """
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    Event.resolve_by_type = staticmethod(lambda type_name, default=None, strict=True: original(type_name,
                                                                                              default))
    from bot.server import rasa_patches

    status = rasa_patches.install()
    print("ACTIVE", sorted(status.active))
    print("LEFT OUT", sorted(status.left_out))
    print("STILL RASA'S", not rasa_patches.applied(Event.resolve_by_type, "event_type_lookup"))
"""


def test_a_speed_patch_that_does_not_fit_is_left_out_with_a_warning(tmp_path):
    result = run_python(["-c", textwrap.dedent(CHANGED_LOOKUP)], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    active = sorted(name for name in PATCH_NAMES if name != "event_type_lookup")
    assert f"ACTIVE {active}" in result.stdout
    assert "LEFT OUT ['event_type_lookup']" in result.stdout and "STILL RASA'S True" in result.stdout
    assert "speed patch 'event_type_lookup' left out" in result.stderr
    assert "Event.resolve_by_type has the signature" in result.stderr


SWITCHED = """
    from rasa.shared.core.trackers import DialogueStateTracker
    from bot.server import rasa_patches
    from bot.server.rasa_patches import applied_events

    status = rasa_patches.install()
    print("OFF", status.off, "ACTIVE", len(status.active))
    print("RASA'S", DialogueStateTracker.applied_events is applied_events.RASA_APPLIED_EVENTS)
"""


def test_one_unit_is_switched_off_by_the_environment(tmp_path):
    result = run_python(["-c", textwrap.dedent(SWITCHED)], tmp_path, LES_PATCHES_OFF="applied_events")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"OFF ['applied_events'] ACTIVE {len(PATCH_NAMES) - 1}" in result.stdout
    assert "RASA'S True" in result.stdout
    assert "Rasa patch 'applied_events' switched off (LES_PATCHES_OFF)" in result.stderr


def test_an_unknown_unit_name_refuses_the_start(tmp_path):
    result = run_python(["-m", "bot.server", "--model", str(tmp_path / "none.tar.gz")], tmp_path,
                        LES_PATCHES_OFF="applied_event")
    assert result.returncode == 2
    assert "LES_PATCHES_OFF names no such patch: applied_event" in result.stderr


def test_a_resilience_unit_switched_off_on_purpose_is_not_refused():
    unfit = next(p for p in registry.PATCHES if p.kind == registry.RESILIENCE)
    apply, status = rasa_patches.plan([unfit], off={unfit.name}, check=lambda patch: ["would refuse"])
    assert apply == [] and status.off == [unfit.name]
    with pytest.raises(rasa_patches.Refused, match=unfit.name):
        rasa_patches.plan([unfit], off=set(), check=lambda patch: ["does not fit"])


def test_every_patched_name_fits_the_installed_packages():
    for patch in registry.PATCHES:
        assert rasa_patches.mismatches(patch) == [], patch.name


def test_every_patched_name_has_a_recorded_signature_and_a_parity_test():
    for patch in registry.PATCHES:
        assert set(patch.packages) <= set(registry.VERSIONS), patch.name
        for target in (*patch.replaces, *patch.uses):
            assert target in registry.SIGNATURES, target
        assert patch.parity_test and (paths.ROOT / patch.parity_test.split("::")[0]).is_file(), patch.name


def test_install_is_idempotent_and_applies_every_unit_once():
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import FailSafeTrackerStore

    first = rasa_patches.install()
    replaced = {target: rasa_patches.resolve(target) for patch in registry.PATCHES
                for target in patch.replaces}
    second = rasa_patches.install()
    assert second is first and first.active == PATCH_NAMES
    assert {target: rasa_patches.resolve(target) for target in replaced} == replaced
    for name, unit in [("action_fallback", RemoteAction.run), ("strict_store", FailSafeTrackerStore.save)]:
        assert rasa_patches.applied(unit, name)
        assert not hasattr(unit.__wrapped__, "_les_patch")  # wraps Rasa's own, not itself
    for patch in registry.PATCHES:  # applying a unit again changes nothing either
        module, _, function = patch.apply.partition(":")
        getattr(__import__(module, fromlist=[function]), function)()
    assert {target: rasa_patches.resolve(target) for target in replaced} == replaced


def test_a_missing_emergency_detector_refuses_the_start(tmp_path):
    """Rasa itself would log the component's error and serve with no model at all."""
    result = run_python(["-m", "bot.server", "--model", str(tmp_path / "none.tar.gz")], tmp_path,
                        LES_ROOT=str(tmp_path))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "message_model.joblib is missing: build it with `make pipeline`" in result.stderr
