"""Slack: applicants in a direct message with the app, staff and support in their channels."""

SUMMARY = "run the Slack app (SLACK_BOT_TOKEN; Socket Mode with SLACK_APP_TOKEN)"
LONG_RUNNING = True
