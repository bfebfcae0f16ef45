"""How the Slack app hands text to Slack: as written in plain_text sections, escaped in the
top-level text Slack reads as mrkdwn."""

from __future__ import annotations

from bot.channels.slack.applicant import blocks_for
from bot.channels.slack.text import SECTION_LIMIT, escaped, plain_sections, top_level_text
from conversations.messages import Outbound


def test_mentions_links_and_ampersands_are_escaped():
    assert escaped("<!channel> & <@U123> <https://evil|click> &amp;") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|click&gt; &amp;amp;"
    )


def test_the_top_level_text_is_cut_before_it_is_escaped():
    text = top_level_text("x" * (SECTION_LIMIT - 1) + "<more>")
    assert text == "x" * (SECTION_LIMIT - 1) + "&lt;"  # never half an entity


def test_sections_show_the_text_as_written_and_leave_out_blank_parts():
    text = "Full name: <!channel> & co\n\n" + "y" * SECTION_LIMIT
    sections = plain_sections(text)
    assert [section["text"]["type"] for section in sections] == ["plain_text", "plain_text"]
    assert sections[0]["text"]["text"] == "Full name: <!channel> & co\n"
    assert blocks_for(Outbound(text)) == sections
