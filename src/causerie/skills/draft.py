"""draft: write a message (e-mail, SMS, letter, post) from a few points, in a tone, language and length.

For an e-mail the model is asked to start with a subject line, which is split off into `subject`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from causerie import text as tt
from causerie.errors import InvalidRequest
from causerie.skills.base import Event, Result, Skill, SkillInput, SkillOutput, Text
from causerie.skills.face import FieldFace, SkillFace, View

Kind = Literal["email", "sms", "letter", "post"]
WORDS = {"sms": {"short": 20, "medium": 40, "long": 70}, "other": {"short": 60, "medium": 120, "long": 250}}
MAX_POINTS_TOKENS = 1500

# One example per kind and language, written from the same notes: the model copies the shape (subject
# line, no placeholders, no chatter) more faithfully than it follows a description of it.
NOTES = {"fr": "réunion d'équipe déplacée à jeudi 14 h ; salle B ; apporter les chiffres du trimestre",
         "en": "team meeting moved to Thursday 2 pm; room B; bring the quarter's figures"}
EXAMPLES = {
    ("email", "fr"): "Objet : Réunion d'équipe déplacée à jeudi 14 h\n\nBonjour à tous,\n\nLa réunion d'équipe "
    "est déplacée à jeudi, 14 h, en salle B. Merci d'apporter les chiffres du trimestre.\n\nBonne journée,",
    ("email", "en"): "Subject: Team meeting moved to Thursday 2 pm\n\nHello everyone,\n\nThe team meeting is "
    "moved to Thursday at 2 pm, in room B. Please bring the quarter's figures.\n\nBest regards,",
    ("sms", "fr"): "Réunion d'équipe déplacée à jeudi 14 h, salle B. Pensez aux chiffres du trimestre !",
    ("sms", "en"): "Team meeting moved to Thursday 2 pm, room B. Don't forget the quarter's figures!",
    ("letter", "fr"): "Madame, Monsieur,\n\nJe vous informe que la réunion d'équipe est déplacée au jeudi à "
    "14 h, en salle B. Je vous remercie d'y apporter les chiffres du trimestre.\n\nVeuillez agréer, Madame, "
    "Monsieur, mes salutations distinguées.",
    ("letter", "en"): "Dear Sir or Madam,\n\nPlease note that the team meeting has been moved to Thursday at "
    "2 pm, in room B. Kindly bring the quarter's figures.\n\nYours faithfully,",
    ("post", "fr"): "📅 Changement de programme : notre réunion d'équipe aura lieu jeudi à 14 h, en salle B. "
    "N'oubliez pas les chiffres du trimestre !",
    ("post", "en"): "📅 Change of plan: our team meeting is now on Thursday at 2 pm, in room B. Don't forget "
    "the quarter's figures!",
}
_SUBJECT = re.compile(r"^\W*(?:objet|sujet|subject)\s*:\s*(.+?)[\s*_]*$", re.I)


class DraftInput(SkillInput):
    points: Text = Field(description="What the message must say: a few notes or bullet points.")
    kind: Kind = Field("email", description="email, sms, letter or post.")
    tone: Literal["formal", "friendly", "firm"] = Field("friendly", description="Tone of the message.")
    lang: str | None = Field(None, description="fr or en (default: the interface language).")
    length: Literal["short", "medium", "long"] = Field("medium", description="Target length.")
    recipient: str | None = Field(None, max_length=200, description="Who the message is for.")
    sender: str | None = Field(None, max_length=200, description="Name to sign with.")

    @field_validator("points")
    @classmethod
    def _points(cls, value: str) -> str:
        return tt.check_text(value, param="points")

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        return tt.check_lang(value, allowed=("fr", "en"))


class DraftOutput(SkillOutput):
    text: str
    subject: str | None = Field(None, description="The e-mail's subject line, when the model gave one.")
    kind: Kind
    lang: str

    def view(self, lang: str) -> View:
        return View(title=self.subject, text=self.text)

class Draft(Skill):
    name = "draft"
    title = {"fr": "Rédiger un message", "en": "Draft a message"}
    Input = DraftInput
    Output = DraftOutput
    face = SkillFace(
        order=10,
        label={"fr": "Rédiger", "en": "Write"},
        help={"fr": "Rédiger un message (courriel, SMS, lettre, post).",
              "en": "Write a message (email, SMS, letter, post)."},
        hint={"fr": "Les points à dire, par ex. « décaler la réunion à jeudi, s'excuser »…",
              "en": "The points to make, e.g. 'move the meeting to Thursday, apologize'…"},
        slash={"fr": ("rédiger",), "en": ("draft",)},
        text_field="points",
        fields={
            "kind": FieldFace(help={"fr": "Le type de message.", "en": "The kind of message."}, flags=("--kind", "-k"),
                              label={"fr": "Type", "en": "Kind"},
                              values={"email": {"fr": "Courriel", "en": "Email"}, "sms": {"fr": "SMS",
                                                                                          "en": "Text message"},
                                      "letter": {"fr": "Lettre", "en": "Letter"},
                                      "post": {"fr": "Publication", "en": "Post"}}),
            "tone": FieldFace(help={"fr": "Le ton du message.", "en": "The message's tone."}, label={"fr": "Ton",
                                                                                                     "en": "Tone"},
                              values={"friendly": {"fr": "Amical", "en": "Friendly"},
                                      "formal": {"fr": "Formel", "en": "Formal"}, "firm": {"fr": "Ferme",
                                                                                           "en": "Firm"}}),
            "lang": FieldFace(help={"fr": "Langue : fr | en.", "en": "Language: fr | en."}, flags=("--to",)),
            "length": FieldFace(help={"fr": "Longueur visée.", "en": "Target length."}),
            "recipient": FieldFace(help={"fr": "À qui s'adresse le message (un nom ou un rôle).",
                                         "en": "Who the message is for (a name or a role)."}),
            "sender": FieldFace(help={"fr": "Le nom pour signer le message.", "en": "Name to sign the message with."}),
        },
    )
    temperature = 0.4
    system = {
        "fr": "Tu rédiges des messages prêts à envoyer à partir de notes.\nRègles :\n"
        "- Utilise toutes les notes, sans inventer de faits (dates, montants, noms).\n"
        "- Pas de champ à remplir entre crochets.\n"
        "- Réponds uniquement par le message, sans commentaire.",
        "en": "You write ready-to-send messages from notes.\nRules:\n"
        "- Use every note, without inventing facts (dates, amounts, names).\n"
        "- No placeholders in brackets.\n"
        "- Answer with the message only, no comment.",
    }
    words = {
        "fr": {"email": "un e-mail", "sms": "un SMS", "letter": "une lettre", "post": "une publication pour "
               "les réseaux sociaux", "formal": "formel", "friendly": "amical", "firm": "ferme mais poli",
               "ask": "Écris {kind} en français, ton {tone}, d'environ {words} mots.",
               "to": " Destinataire : {who}.", "from": " Signe avec : {who}.",
               "subject": " Commence par une ligne « Objet : … », puis une ligne vide.", "notes": "Notes"},
        "en": {"email": "an e-mail", "sms": "a text message", "letter": "a letter", "post": "a social media post",
               "formal": "formal", "friendly": "friendly", "firm": "firm but polite",
               "ask": "Write {kind} in English, {tone} tone, about {words} words long.",
               "to": " Recipient: {who}.", "from": " Sign with: {who}.",
               "subject": " Start with a line 'Subject: …', then a blank line.", "notes": "Notes"},
    }

    def ask(self, data: DraftInput, lang: str, points: str, example: bool = False) -> dict[str, str]:
        w = self.words[lang]
        size = WORDS["sms" if data.kind == "sms" else "other"]["short" if example else data.length]
        ask = w["ask"].format(kind=w[data.kind], tone=w["friendly" if example else data.tone], words=size)
        if data.recipient and not example:
            ask += w["to"].format(who=data.recipient)
        if data.sender and not example:
            ask += w["from"].format(who=data.sender)
        if data.kind == "email":
            ask += w["subject"]
        return {"role": "user", "content": f"{ask}\n{w['notes']} :\n{points}" if lang == "fr" else
                f"{ask}\n{w['notes']}:\n{points}"}

    def render(self, data: DraftInput) -> list[dict[str, str]]:
        lang = data.lang or self.lang
        return [{"role": "system", "content": self.system[lang]}, self.ask(data, lang, NOTES[lang], example=True),
                {"role": "assistant", "content": EXAMPLES[(data.kind, lang)]}, self.ask(data, lang, data.points)]

    def steps(self, data: DraftInput) -> Iterator[Event]:
        tokens = self.engine.count_tokens(data.points)
        if tokens > MAX_POINTS_TOKENS:  # notes, not a document: a longer text wants summarize or improve
            raise InvalidRequest("text.too_long", param="points", tokens=tokens, limit=MAX_POINTS_TOKENS)
        words = WORDS["sms" if data.kind == "sms" else "other"][data.length]
        text = yield from self.generate(self.render(data), max_tokens=words * 3 + 80)  # ~2 tokens a word
        yield Result(self.postprocess(text, data))

    def postprocess(self, text: str, data: DraftInput) -> DraftOutput:
        text = tt.clean_reply(text)
        subject = None
        lines = text.splitlines()
        head = next((n for n, line in enumerate(lines) if line.strip()), None)
        if head is not None and (match := _SUBJECT.match(lines[head])):
            subject = match.group(1).strip("*_ ") if data.kind == "email" else None
            text = "\n".join(lines[head + 1:]).strip()
        return DraftOutput(text=text, subject=subject, kind=data.kind, lang=data.lang or self.lang)
