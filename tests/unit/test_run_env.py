"""make run reads .env (the shell's own variables win) and says whether Slack is on."""

from bot.ops import envfile


def test_env_file_values_fill_in_but_do_not_override(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# Slack\nSLACK_BOT_TOKEN=xoxb-file\nexport SLACK_SIGNING_SECRET='abc def'\n\n"
                    'SLACK_API_URL="http://127.0.0.1:9/api/"\nnot a variable\n')
    merged = envfile.merged(path, {"SLACK_BOT_TOKEN": "xoxb-shell"})
    assert merged == {"SLACK_BOT_TOKEN": "xoxb-shell", "SLACK_SIGNING_SECRET": "abc def",
                      "SLACK_API_URL": "http://127.0.0.1:9/api/"}


def test_env_file_keeps_dollar_signs_and_skips_bare_names(tmp_path):
    path = tmp_path / ".env"
    path.write_text("RASA_API_TOKEN=pa$$${HOME}word\nBARE\nLES_X='a # not a comment' # a comment\n")
    assert envfile.read(path) == {"RASA_API_TOKEN": "pa$$${HOME}word", "LES_X": "a # not a comment"}


def test_no_env_file_is_fine(tmp_path):
    assert envfile.merged(tmp_path / ".env", {"A": "1"}) == {"A": "1"}


def test_make_run_says_whether_slack_is_on_and_what_to_do():
    from bot.ops.run import slack_status

    assert "off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in slack_status({}, "5005")
    on = slack_status({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "5005")
    assert on.startswith("on") and "/webhooks/slack/webhook" in on


def test_rasa_http_api_is_off_unless_authenticated():
    from bot.ops.run import api_args, api_status

    assert api_args({}) == [] and api_status({}).startswith("off")
    assert api_args({"RASA_API_TOKEN": "t0k"}) == ["--enable-api", "--auth-token", "t0k"]
    jwt_args = ["--enable-api", "--jwt-secret", "s", "--jwt-method", "HS256"]
    assert api_args({"RASA_JWT_SECRET": "s"}) == jwt_args
    assert api_status({"RASA_API_TOKEN": "t0k"}).startswith("on")


def test_restart_settings_come_from_the_environment_and_nonsense_is_refused_by_name():
    import pytest

    from bot.ops.run import restart_policy
    from bot.ops.supervise import RestartPolicy

    assert restart_policy({}) == RestartPolicy()
    assert restart_policy({"LES_RESTART_MAX_CRASHES": "3", "LES_RESTART_FIRST_DELAY_S": "0.5"}) == \
        RestartPolicy(first_delay_s=0.5, max_crashes=3)
    for name, raw in (("LES_RESTART_MAX_CRASHES", "2.5"), ("LES_RESTART_WINDOW_S", "soon"),
                      ("LES_RESTART_MAX_DELAY_S", "-1")):
        with pytest.raises(ValueError, match=name):
            restart_policy({name: raw})
