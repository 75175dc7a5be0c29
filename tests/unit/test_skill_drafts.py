"""Text a skill checks before it keeps it (a proofread, a part's summary) still shows as it comes: `draft`
events over HTTP, so a long skill never looks hung, and nothing of the kind in the final result."""

from __future__ import annotations

import json

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from causerie.skills.base import Draft
from causerie.skills.improve import Improve
from unit.helpers import api_client

FIXED = "Je suis allé au marché hier et j'ai acheté des pommes."


def test_checked_text_reaches_on_draft_and_not_the_event_stream():
    skill = Improve(FakeEngine(replies=[FIXED]), "fr")
    drafts: list[Draft] = []
    skill.on_draft = drafts.append
    events = list(skill.stream({"text": "je suis allé au marché hier et j'ai acheter des pomme"}))
    assert "".join(d.text for d in drafts) == FIXED and len(drafts) > 1  # chunk by chunk
    assert not any(isinstance(e, Draft) for e in events)


async def test_a_streamed_skill_sends_drafts_before_its_result(tmp_path):
    app = create_app(Settings(home=tmp_path), EnginePool([FakeEngine(replies=[FIXED])]))
    async with api_client(app) as http:
        response = await http.post("/api/skills/improve", json={"text": "j'ai acheter des pomme", "stream": True})
        assert response.status_code == 200
        events = [json.loads(line[5:]) for line in response.text.splitlines()
                  if line.startswith("data:") and line != "data: [DONE]"]
        types = [e["type"] for e in events]
        assert "draft" in types and types.index("draft") < types.index("result")
        assert "".join(e["text"] for e in events if e["type"] == "draft") == FIXED
        plain = await http.post("/api/skills/improve", json={"text": "j'ai acheter des pomme"})
        assert plain.status_code == 200 and "draft" not in plain.text
