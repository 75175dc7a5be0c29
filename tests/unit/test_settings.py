"""Settings: one typed object, CLI > env CAUSERIE_* > config.toml > default, every field documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from causerie.settings import DEFAULT_MODEL, RemoteModel, Settings, load_settings, resolve_home


def write_config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(causerie_home):
    settings = Settings()
    assert settings.home == causerie_home
    assert settings.model == DEFAULT_MODEL
    assert settings.lang == "auto"
    assert settings.host == "127.0.0.1"
    assert settings.api_keys == [] and settings.remotes == []
    assert settings.threads >= 1
    assert settings.config_file == causerie_home / "config.toml"
    assert settings.models_dir == causerie_home / "models"


def test_home_comes_from_the_environment(causerie_home, tmp_path):
    assert resolve_home() == causerie_home
    assert resolve_home(tmp_path / "explicit") == tmp_path / "explicit"


def test_home_expands_user(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings(home="~/data").home == tmp_path / "data"


def test_precedence_init_over_env_over_toml_over_default(causerie_home, monkeypatch):
    write_config(causerie_home, 'model = "from-toml"\nport = 7001\ncontext_size = 2048\nthreads = 3\n')
    monkeypatch.setenv("CAUSERIE_MODEL", "from-env")
    monkeypatch.setenv("CAUSERIE_PORT", "7002")

    settings = Settings(model="from-init")
    assert settings.model == "from-init"  # init beats env and toml
    assert settings.port == 7002  # env beats toml
    assert settings.context_size == 2048  # toml beats default
    assert settings.threads == 3
    assert settings.parallel == 4  # default when nobody sets it


def test_each_source_alone(causerie_home, monkeypatch):
    assert Settings().port == 8000
    write_config(causerie_home, "port = 7001\n")
    assert Settings().port == 7001
    monkeypatch.setenv("CAUSERIE_PORT", "7002")
    assert Settings().port == 7002
    assert Settings(port=7003).port == 7003


def test_config_is_read_from_the_home_given_at_init(causerie_home, tmp_path):
    write_config(causerie_home, 'model = "env-home-model"\n')
    other = tmp_path / "other-home"
    write_config(other, 'model = "init-home-model"\n')
    assert Settings().model == "env-home-model"
    assert Settings(home=other).model == "init-home-model"


def test_env_values_are_typed(monkeypatch):
    monkeypatch.setenv("CAUSERIE_KV_UNIFIED", "false")
    monkeypatch.setenv("CAUSERIE_GPU_LAYERS", "-1")
    monkeypatch.setenv("CAUSERIE_LANG", "en")
    monkeypatch.setenv("CAUSERIE_API_KEYS", '["k1", "k2"]')
    settings = Settings()
    assert settings.kv_unified is False
    assert settings.gpu_layers == -1
    assert settings.lang == "en"
    assert [key.get_secret_value() for key in settings.api_keys] == ["k1", "k2"]


def test_api_keys_from_a_plain_env_string(monkeypatch):
    monkeypatch.setenv("CAUSERIE_API_KEYS", "k1")
    assert [key.get_secret_value() for key in Settings().api_keys] == ["k1"]


def test_secrets_are_not_shown():
    settings = Settings(api_keys=["s3cr3t-key"])
    assert "s3cr3t-key" not in repr(settings)
    assert "s3cr3t-key" not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("field", "value"),
    [("port", 70000), ("port", -1), ("parallel", 0), ("parallel", 65), ("context_size", 10), ("threads", 0),
     ("gpu_layers", -2), ("max_body_bytes", 10), ("lang", "de"), ("max_tokens_default", 0)],
)
def test_invalid_values_are_refused(field, value):
    with pytest.raises(ValidationError) as caught:
        Settings(**{field: value})
    assert field in str(caught.value)


def test_invalid_toml_value_is_refused(causerie_home):
    write_config(causerie_home, 'port = "not a port"\n')
    with pytest.raises(ValidationError):
        Settings()


def test_unknown_keys_are_ignored(causerie_home, monkeypatch):
    write_config(causerie_home, 'no_such_setting = 1\nport = 7001\n')
    monkeypatch.setenv("CAUSERIE_NO_SUCH_SETTING", "x")
    assert Settings().port == 7001


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_settings_field_has_a_description(name):
    description = Settings.model_fields[name].description
    assert description and description.strip(), name


@pytest.mark.parametrize("name", sorted(RemoteModel.model_fields))
def test_every_remote_model_field_has_a_description(name):
    description = RemoteModel.model_fields[name].description
    assert description and description.strip(), name


def test_remotes_from_config_toml(causerie_home):
    write_config(
        causerie_home,
        '[[remotes]]\nname = "mistral-small"\nbase_url = "http://127.0.0.1:11434/v1"\n'
        'model = "mistral-small:latest"\napi_key = "remote-secret"\nretries = 4\n'
        'context_length = 32768\nlicense = "Apache-2.0"\n\n'
        '[[remotes]]\nname = "other"\nbase_url = "http://10.0.0.2:8000/v1"\n',
    )
    remotes = Settings().remotes
    assert [remote.name for remote in remotes] == ["mistral-small", "other"]
    first, second = remotes
    assert first.base_url == "http://127.0.0.1:11434/v1"
    assert first.model == "mistral-small:latest"
    assert first.api_key is not None and first.api_key.get_secret_value() == "remote-secret"
    assert first.retries == 4 and first.context_length == 32768 and first.license == "Apache-2.0"
    assert second.model is None and second.api_key is None
    assert second.timeout == 120.0 and second.retries == 2 and second.license == "unknown"


def test_remote_in_toml_is_validated(causerie_home):
    write_config(causerie_home, '[[remotes]]\nname = "x"\nbase_url = "http://h/v1"\nretries = 99\n')
    with pytest.raises(ValidationError):
        Settings()


def test_remote_requires_name_and_base_url():
    with pytest.raises(ValidationError):
        RemoteModel(name="x")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        RemoteModel(base_url="http://h/v1")  # type: ignore[call-arg]


def test_load_settings_ignores_none_overrides(causerie_home, monkeypatch):
    write_config(causerie_home, 'model = "from-toml"\n')
    monkeypatch.setenv("CAUSERIE_PORT", "7002")
    settings = load_settings(model=None, port=None, host="0.0.0.0", threads=None)
    assert settings.model == "from-toml"
    assert settings.port == 7002
    assert settings.host == "0.0.0.0"


def test_load_settings_keeps_falsy_values_that_are_not_none():
    settings = load_settings(port=0, allow_insecure=False, api_keys=[])
    assert settings.port == 0
    assert settings.allow_insecure is False
    assert settings.api_keys == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2", "127.1.2.3"])
def test_loopback_hosts(host):
    assert Settings(host=host).is_loopback()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.org", "128.0.0.1"])
def test_non_loopback_hosts(host):
    assert not Settings(host=host).is_loopback()


def test_host_name_starting_with_127_is_not_loopback():
    assert not Settings(host="127.example.org").is_loopback()
