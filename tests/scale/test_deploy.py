"""The deployment files agree with what the scale tests run (they cannot run here: no
Docker engine, no Kubernetes)."""

from __future__ import annotations

import shutil
import subprocess

import yaml
from rasa.core.lock_store import LockStore
from rasa.core.utils import read_endpoints_from_path

from bot import paths
from bot.server.lock_store import AtomicRedisLockStore

DEPLOY = paths.ROOT / "deploy"


def test_haproxy_configuration_is_valid():
    env = {"LB_BIND": "127.0.0.1:8080", "RASA1": "127.0.0.1:5005", "RASA2": "127.0.0.1:5006"}
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    result = subprocess.run([haproxy, "-c", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg")], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_endpoints_use_postgres_and_the_atomic_lock_store(monkeypatch, cluster):
    for name, value in {"ACTION_SERVER_URL": "http://actions:5055/webhook", "DB_HOST": "127.0.0.1",
                        "DB_PORT": "5432", "DB_NAME": "les", "DB_USER": "les", "DB_PASSWORD": "x",
                        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(cluster.redis.port)}.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(DEPLOY / "endpoints.yml")
    assert endpoints.tracker_store.kwargs["dialect"] == "postgresql"
    assert endpoints.tracker_store.type == "bot.server.tracker_store.EnvSQLTrackerStore"
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, AtomicRedisLockStore) and store.red.ping()


def test_compose_and_helm_values_name_the_same_pieces():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert {"rasa1", "rasa2", "actions", "lb", "postgres", "redis"} <= set(compose["services"])
    assert "./haproxy/haproxy.cfg" in compose["services"]["lb"]["volumes"][0]
    values = yaml.safe_load((DEPLOY / "helm" / "values.yml").read_text())
    assert values["replicaCount"] == 2
    assert values["applicationSettings"]["endpoints"]["lockStore"]["type"] == \
        "bot.server.lock_store.AtomicRedisLockStore"
    assert values["applicationSettings"]["endpoints"]["trackerStore"]["type"] == \
        "bot.server.tracker_store.EnvSQLTrackerStore"
    assert values["applicationSettings"]["enableAPI"] is False
    shipped = yaml.safe_load((paths.ROOT / "credentials.yml").read_text())
    channels = values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    for channel in ("bot.server.channels.rest.CheckedRestInput",
                    "bot.server.channels.widget_socket.WidgetSocketInput"):
        assert channels[channel] == shipped[channel], channel
    assert "socketio" not in channels  # Rasa's own socket channel has none of the widget's checks


def test_every_deployment_starts_our_server_with_the_rasa_patches():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert 'CMD ["python", "-m", "bot.server", "--model"' in dockerfile and '"rasa", "run"' not in dockerfile
    values = yaml.safe_load((DEPLOY / "helm" / "values.yml").read_text())
    assert values["command"] == ["python", "-m", "bot.server"] and "run" not in values["args"]
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert "command" not in compose["services"]["rasa1"]  # the image's CMD above
