"""The quiz, nearest-neighbour, map and two-drawings pages in Portuguese, and opened from a link: the settings of a
valid link are shown, a refused value is named in a warning and its widget starts from its default."""

from __future__ import annotations

import json

import pytest
from babel.messages.extract import extract_from_file

from tests.conftest import REPO
from tests.support.pages import displayed_texts, image_captions, metrics, start

PAGES = {
    "views/quiz.py": "Aprendizado one-shot de N opções",
    "views/nearest.py": "Classificação por vizinho mais próximo",
    "views/map.py": "Mapa de embeddings",
    "views/distance.py": "Dois desenhos, uma distância",
}
REFUSED = "Some settings in this link could not be used, so their defaults are shown:"


def english_sentences(page: str) -> list[str]:
    """The page's own wrapped strings with a few words in them (short ones, "PCA" or "N values", may be the same
    in Portuguese)."""
    found = extract_from_file("python", str(REPO / page), keywords={"_": None, "N_": None, "ngettext": (1, 2)})
    texts = [text for _line, message, _comments, _context in found
             for text in (message if isinstance(message, tuple) else (message,))]
    return [text.split("{")[0] for text in texts if len(text.split("{")[0].split()) >= 4]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_speaks_portuguese(page: str) -> None:
    app = start(page, params={"lang": "pt"})
    assert app.title[0].value == PAGES[page]
    assert not app.warning and not app.error
    shown = "\n".join(displayed_texts(app))
    assert [s for s in english_sentences(page) if s in shown] == []


def test_the_quiz_in_portuguese_after_an_answer() -> None:
    app = start("views/quiz.py", params={"lang": "pt"})
    assert app.subheader[0].value.startswith("Tarefa 1: qual candidato")
    app.button(key="quiz_pick_0").click().run()
    assert not app.exception
    verdict = [m.value for m in (*app.success, *app.error)][0]
    assert verdict.startswith(("Você acertou.", "Você errou")) and "O modelo" in verdict
    assert metrics(app)["Tarefas respondidas"] == "1"
    assert sum(c.startswith("✓ resposta certa") for c in image_captions(app)) == 1


def test_a_quiz_link_sets_n_seed_and_alphabet_rule() -> None:
    app = start("views/quiz.py", params={"way": "7", "seed": "3", "within": "false"})
    assert not app.warning
    assert (app.slider(key="way").value, app.number_input(key="seed").value, app.checkbox(key="within").value) == (
        7, 3, False)
    assert sum(1 for b in app.button if b.key and b.key.startswith("quiz_pick_")) == 7


def test_an_answer_stays_out_of_the_link() -> None:
    """The browser writes a changed setting into the URL (AppTest has no browser); an answer is no setting."""
    app = start("views/quiz.py", params={"way": "7"})
    app.button(key="quiz_pick_0").click().run()
    app.button(key="quiz_next").click().run()
    assert dict(app.query_params) == {"way": "7"} and app.subheader[0].value.startswith("Task 2:")


def test_a_quiz_link_with_refused_values_names_each_and_keeps_the_defaults() -> None:
    app = start("views/quiz.py", params={"way": "99", "seed": "x", "within": "maybe", "mode": "Exam",
                                              "tasks": "7"})
    (warning,) = [w.value for w in app.warning]
    assert warning.startswith(REFUSED)
    for refused in ("`way=99`", "from 2 to 20", "`seed=x`", "`within=maybe`", "`mode=Exam`", "`tasks=7`"):
        assert refused in warning
    assert (app.slider(key="way").value, app.number_input(key="seed").value, app.checkbox(key="within").value) == (
        16, 0, True)
    assert app.radio(key="mode").value == "Quiz: you against the model"


def test_a_batch_link_sets_the_ns_and_tasks() -> None:
    app = start("views/quiz.py", params={"mode": "Batch: the model on many tasks", "ways": ["3", "4"],
                                              "tasks": "100", "batch_seed": "2"})
    assert not app.warning and not app.exception
    assert app.multiselect(key="ways").value == [3, 4] and app.select_slider(key="tasks").value == 100
    assert list(app.table[0].value.index) == [3, 4]
    assert set(app.table[0].value["tasks"]) == {"100"}


def test_a_batch_link_names_a_refused_n_among_several() -> None:
    app = start("views/quiz.py", params={"mode": "Batch: the model on many tasks", "ways": ["99", "3"],
                                              "tasks": "100"})
    assert "`ways=3`" in app.warning[0].value and "got 99" in app.warning[0].value


def test_a_portuguese_link_names_the_mode_in_portuguese() -> None:
    app = start("views/quiz.py", params={"lang": "pt", "mode": "Lote: o modelo em muitas tarefas", "ways": "5",
                                              "tasks": "100"})
    assert not app.warning and app.radio(key="mode").value == "Batch: the model on many tasks"
    assert "acurácia" in app.table[0].value.columns


def test_a_nearest_neighbour_link_sets_layer_and_templates() -> None:
    app = start("views/nearest.py", params={"layer": "embedding", "templates": "1"})
    assert not app.warning
    assert (app.radio(key="layer").value, app.radio(key="templates").value) == ("embedding", 1)
    title = json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert "(1 template per character, embedding)" in title


def test_a_nearest_neighbour_link_with_refused_values() -> None:
    app = start("views/nearest.py", params={"layer": "pixels", "templates": "5"})
    warning = app.warning[0].value
    assert "`layer=pixels`" in warning and "features, embedding" in warning and "`templates=5`" in warning
    assert (app.radio(key="layer").value, app.radio(key="templates").value) == ("features", 10)


def test_a_map_link_sets_alphabet_characters_projection_seed_and_pictures() -> None:
    params = {"alphabet": "Old Church Slavonic (Cyrillic)", "characters": "30", "projection": "PCA", "seed": "4",
              "pictures": "false"}
    app = start("views/map.py", params=params)
    assert not app.warning
    assert app.selectbox(key="alphabet").value == "Old_Church_Slavonic_(Cyrillic)"
    assert (app.slider(key="characters").value, app.radio(key="projection").value) == (30, "PCA")
    assert (app.number_input(key="seed").value, app.toggle(key="pictures").value) == (4, False)
    assert any("PCA axes hold" in c.value for c in app.caption)


def test_a_map_link_checks_the_characters_against_the_alphabet_shown() -> None:
    app = start("views/map.py", params={"alphabet": "Tengwar", "characters": "30", "projection": "UMAP"})
    warning = app.warning[0].value
    assert "`characters=30`" in warning and "from 2 to 25" in warning and "`projection=UMAP`" in warning
    assert app.selectbox(key="alphabet").value == "Tengwar"
    assert (app.slider(key="characters").value, app.radio(key="projection").value) == (10, "t-SNE")
    latin = start("views/map.py", params={"alphabet": "Latin", "characters": "20"})  # a background one
    assert "`alphabet=Latin`" in latin.warning[0].value and "characters=" not in latin.warning[0].value
    assert (latin.selectbox(key="alphabet").value, latin.slider(key="characters").value) == ("Angelic", 20)


def test_a_two_drawings_link_sets_both_drawings() -> None:
    app = start("views/distance.py", params={"alphabet2": "Tengwar", "character2": "character05", "drawer2": "7"})
    assert all(REFUSED not in w.value for w in app.warning)  # the verdict "different characters" is a warning
    assert app.selectbox(key="alphabet2").value == "Tengwar" and app.slider(key="drawer2").value == 7
    assert "Tengwar/character05, drawer 7" in image_captions(app)
    assert app.slider(key="drawer1").value == 1


def test_a_two_drawings_link_with_refused_values() -> None:
    app = start("views/distance.py", params={"character1": "character99", "drawer1": "0", "source2": "Fax",
                                               "alphabet2": "Klingon"})
    warning = app.warning[0].value
    for refused in ("`character1=character99`", "`drawer1=0`", "from 1 to 20", "`source2=Fax`", "`alphabet2=Klingon`"):
        assert refused in warning
    assert (app.selectbox(key="character1").value, app.slider(key="drawer1").value) == (0, 1)
    assert (app.radio(key="source2").value, app.selectbox(key="alphabet2").value) == ("From the evaluation set", "Angelic")
    assert app.success[0].value.startswith("**Same character**")  # the default pair: two drawers of one character
