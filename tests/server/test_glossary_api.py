"""``glossary`` on /translate and /translate_file (issue 19, item 4), on the fixture models."""

from __future__ import annotations

import json
from typing import Any

from synthetic import translate_sentence

SOURCE = "The teacher went to the river."
EXPECTED = (f"{translate_sentence('The', 'en', 'xl')} Herr Lehrer "
            f"{translate_sentence('went to the river.', 'en', 'xl')}")


def test_translate_takes_a_glossary_as_pairs_or_as_csv(client: Any) -> None:
    for glossary in ([["teacher", "Herr Lehrer"]], "teacher,Herr Lehrer\n",
                     "teacher\tHerr Lehrer"):
        reply = client.post_json("/translate", {"q": SOURCE, "source": "en", "target": "xl",
                                                "glossary": glossary})
        assert reply.status == 200, reply.body
        assert reply.json() == {"translatedText": EXPECTED}
    form = client.post_form("/translate", {"q": SOURCE, "source": "en", "target": "xl",
                                           "glossary": json.dumps([["teacher", "Herr Lehrer"]])})
    assert form.json() == {"translatedText": EXPECTED}
    # and the next request without one is not answered from the glossary's
    plain = client.post_json("/translate", {"q": SOURCE, "source": "en", "target": "xl"})
    assert "Herr Lehrer" not in plain.json()["translatedText"]


def test_translate_file_takes_a_glossary(client: Any) -> None:
    reply = client.post_file("/translate_file", "notes.txt", f"{SOURCE}\n".encode(),
                             source="en", target="xl", glossary="teacher,Herr Lehrer")
    assert reply.status == 200, reply.body
    url = reply.json()["translatedFileUrl"]
    assert client.get(url.split(str(client.port), 1)[1]).body.decode() == EXPECTED + "\n"


def test_a_bad_glossary_is_400_with_the_entry_named(client: Any) -> None:
    for glossary, message in (([["teacher"]], "glossary, entry 1: expected 2 columns"),
                              ("a,b\nc\n", "glossary, line 2: expected 2 columns"),
                              ({"teacher": "x"}, "must be CSV/TSV text or a list"),
                              ("[not json", "glossary is not valid JSON")):
        reply = client.post_json("/translate", {"q": SOURCE, "source": "en", "target": "xl",
                                                "glossary": glossary})
        assert reply.status == 400
        assert message in reply.json()["error"]
