"""The face pages in Portuguese (?lang=pt) and opened from a shared link: the link's settings are on screen, and a
value the page cannot use is named in a warning while its widget keeps its default."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.db.engine import transaction
from lab.faces.gallery import Gallery
from lab.faces.gallery_repository import add_faces
from lab.faces.thumbnails import png_bytes
from lab.workflows.gallery import open_gallery
from tests.support.pages import image_captions, metrics, start

REFUSED = "Some settings in this link could not be used"


def refused(app) -> str:  # type: ignore[no-untyped-def]
    """Every warning about a link's values, as one text."""
    return "\n".join(w.value for w in app.warning if w.value.startswith(REFUSED))


def test_detect_page_in_portuguese_from_a_link() -> None:
    app = start("views/detect.py", params={"lang": "pt", "detector": "yunet"})
    assert app.title[0].value == "Detectar e alinhar rostos"
    assert app.selectbox(key="detector").value == "yunet"
    assert app.radio(key="photo_source").options == ["Foto de exemplo", "Enviar arquivo", "Câmera"]
    assert any("2 rostos encontrados por yunet" in c for c in image_captions(app))
    assert app.button(key="detect_all").label == "Rodar todos os detectores offline"
    assert not app.exception and not app.warning


def test_detect_page_restores_the_viola_jones_parameters_and_explains_refused_ones() -> None:
    app = start("views/detect.py", params={"photo": "misc/two_people.jpg", "scale": "1.25", "neighbors": "4",
                                                "min_size": "40"})
    assert app.selectbox(key="photo").value == "misc/two_people.jpg"
    assert (app.slider(key="scale").value, app.slider(key="neighbors").value, app.slider(key="min_size").value) == (
        1.25, 4, 40)
    assert not refused(app)

    app = start("views/detect.py", params={"scale": "3", "neighbors": "many", "detector": "haar"})
    message = refused(app)
    assert "`scale=3`" in message and "from 1.01 to 1.5" in message
    assert "`neighbors=many`" in message and "'many' is not one" in message
    assert "`detector=haar`" in message and "Viola-Jones, yunet" in message
    assert app.selectbox(key="detector").value == "Viola-Jones"
    assert (app.slider(key="scale").value, app.slider(key="neighbors").value) == (1.1, 10)
    assert not app.exception


def test_verify_page_restores_a_shared_view() -> None:
    """The lecturer's view: Dlib, euclidean_l2, Obama's face (the second) of a photo with two, their threshold."""
    app = start("views/verify.py", params={
        "model": "Dlib", "metric": "euclidean_l2", "first": "test/obama_and_biden.jpg", "first_face": "2",
        "second": "train/obama/obama.jpg", "threshold_dlib_euclidean_l2": "0.5"})
    assert (app.selectbox(key="model").value, app.selectbox(key="metric").value) == ("Dlib", "euclidean_l2")
    assert app.selectbox(key="first").value == "test/obama_and_biden.jpg"
    assert app.radio(key="first_face").value == 1  # the second face from the left
    assert app.slider(key="threshold_dlib_euclidean_l2").value == 0.5
    shown = metrics(app)
    assert shown["threshold"] == "0.5000" and shown["verdict"] == "same person"
    assert not refused(app) and not app.exception


def test_verify_page_explains_refused_link_values() -> None:
    app = start("views/verify.py", params={"detector": "retinafake", "metric": "manhattan",
                                                "first": "nobody.jpg", "threshold_facenet_cosine": "7"})
    message = refused(app)
    for shown in ("`detector=retinafake`", "`metric=manhattan`", "`first=nobody.jpg`", "`threshold_facenet_cosine=7`"):
        assert shown in message
    assert "cosine, euclidean, euclidean_l2, angular" in message
    assert app.selectbox(key="detector").value == "yunet" and app.selectbox(key="metric").value == "cosine"
    assert app.selectbox(key="first").value == "train/obama/obama.jpg"
    assert app.slider(key="threshold_facenet_cosine").value == 0.4  # DeepFace's, as without the link
    assert metrics(app)["verdict"] == "same person" and not app.exception


def test_verify_page_in_portuguese_with_a_source_from_the_link() -> None:
    app = start("views/verify.py", params={"lang": "pt"})
    assert app.title[0].value == "Verificação: estas duas fotos são da mesma pessoa?"
    shown = metrics(app)
    assert shown["veredito"] == "mesma pessoa" and shown["limiar"] == "0,4000"  # Facenet's cosine 0.4, in Portuguese
    assert app.selectbox(key="metric").label == "Métrica de distância"
    assert app.slider(key="threshold_facenet_cosine").label.startswith("Limiar (distância cosine; o do DeepFace")
    assert any(s.value.startswith("Distância 0,") and "limiar 0,4000" in s.value and "**a mesma pessoa**" in s.value
               for s in app.success)

    app = start("views/verify.py", params={"lang": "pt", "second_source": "Enviar arquivo"})
    assert app.radio(key="second_source").value == "Upload"  # the option itself stays English in the code
    assert "Envie uma foto." in [i.value for i in app.info] and not app.exception


def test_a_translated_choice_follows_the_language_in_the_link() -> None:
    """The URL holds the shown text of a choice: after a change of language it holds the new text, which a reload
    in that language accepts (the old one it would refuse)."""
    app = start("views/verify.py", params={"second_source": "Upload"})
    app.selectbox(key="lang").set_value("pt").run()
    assert app.radio(key="second_source").value == "Upload" and "Envie uma foto." in [i.value for i in app.info]
    assert app.query_params["second_source"] == "Enviar arquivo"
    reloaded = start("views/verify.py", params=app.query_params)
    assert reloaded.radio(key="second_source").value == "Upload" and not refused(reloaded)


@pytest.fixture
def one_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Gallery:
    """A gallery "class" of two made-up people (random embeddings), alone in a fresh shared database."""
    monkeypatch.setenv("ONESHOT_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    people = ["ada", "alan"]
    blank = png_bytes(np.zeros((96, 96, 3), np.uint8))
    vectors = np.random.default_rng(0).normal(size=(2, 128)).astype(np.float32)
    transaction(lambda c: add_faces(c, "class", "Facenet", "yunet", people, vectors, [blank, blank],
                                    [f"{p}.jpg" for p in people]))
    return open_gallery("class")


def test_database_page_from_a_link(one_database: Gallery) -> None:
    app = start("views/database.py", params={"database": "class", "tab": "Identify", "metric": "angular",
                                                  "photo": "test/obama1.jpg"})
    assert app.selectbox(key="database").value == "class" and app.selectbox(key="metric").value == "angular"
    assert app.selectbox(key="photo").value == "test/obama1.jpg"
    sidebar = [m.value for m in app.sidebar.markdown if m.value.startswith("**Face database:**")]
    assert sidebar == ["**Face database:** class (Facenet + yunet), 2 people, 2 faces"]
    assert any(w.value.startswith("**Unknown**") for w in app.warning)  # nobody enrolled looks like Obama
    assert not refused(app) and not app.exception

    app = start("views/database.py", params={"database": "ghost", "tab": "Gallery"})
    message = refused(app)
    assert "`database=ghost`" in message and "class, + new database" in message
    assert "`tab=Gallery`" in message and "People, Enrol, Identify" in message
    assert app.selectbox(key="database").value == "class"


def test_database_page_in_portuguese(one_database: Gallery) -> None:
    app = start("views/database.py", params={"tab": "Identify"})
    app.selectbox(key="lang").set_value("pt").run()
    app.run()  # Streamlit writes the relabelled tab into the URL one run later (see follow_language)
    assert app.query_params["tab"] == "Identificar"
    app = start("views/database.py", params={"lang": "pt", "tab": "Identificar"})
    assert app.title[0].value == "Banco de rostos"
    assert [t.label for t in app.tabs] == ["Pessoas", "Cadastrar", "Identificar"]
    in_use = "**Banco de rostos:** class (Facenet + yunet), 2 pessoas, 2 rostos"
    assert in_use in [m.value for m in app.sidebar.markdown]
    assert any(w.value.startswith("**Desconhecido**") for w in app.warning)
    assert app.selectbox(key="database").options == ["class", "+ novo banco"]
    assert not refused(app) and not app.exception


def test_models_page_in_portuguese() -> None:
    app = start("views/face_models.py", params={"lang": "pt"})
    assert app.title[0].value == "Modelos de rosto"
    assert [s.value for s in app.subheader][:2] == ["Modelos de reconhecimento", "Detectores"]
    models = app.dataframe[0].value
    assert set(models.loc[models["situação"] == "pronto offline", "nome"]) == {"Facenet", "Dlib"}
    assert not app.exception
