"""The dataset, training and ROC pages in Portuguese (?lang=pt) and from a link: a link's settings are shown, and a
value a page cannot take is named in a warning while its widget keeps the default."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.pages import image_captions, metrics, start

REFUSED = "Some settings in this link could not be used"


def refused(app: AppTest) -> str:
    """The warning that names a link's refused values ("" when there is none)."""
    return next((w.value for w in app.warning if w.value.startswith(REFUSED)), "")


# The dataset page.

def test_dataset_page_in_portuguese() -> None:
    app = start("views/omniglot.py", params={"lang": "pt"})
    assert app.title[0].value == "Conjunto de dados Omniglot"
    assert app.radio(key="set").options == ["Treino", "Avaliação"]
    assert "Conjunto de Treino: 30 alfabetos, 964 caracteres, 19.280 desenhos." in [c.value for c in app.caption]
    assert [c for c in image_captions(app) if c.startswith("desenhista")][:2] == ["desenhista 1", "desenhista 2"]
    assert app.slider(key="batch").label == "Pares no lote"
    assert not app.warning


def test_dataset_link_opens_the_view_it_names() -> None:
    app = start("views/omniglot.py", params={
        "set": "Evaluation", "alphabet": "Tengwar", "character": "character04", "tab": "Pairs", "count": "12",
        "seed": "5", "batch": "6", "within": "true", "pair_seed": "3"})
    assert not refused(app)
    assert app.radio(key="set").value == "evaluation"
    assert app.selectbox(key="alphabet").value == "Tengwar"
    assert app.subheader[0].value.startswith("Tengwar/character04")
    assert app.session_state["tab"] == "Pairs"
    assert (app.slider(key="count").value, app.number_input(key="seed").value) == (12, 5)
    assert (app.slider(key="batch").value, app.checkbox(key="within").value) == (6, True)
    assert app.number_input(key="pair_seed").value == 3
    assert len([c for c in image_captions(app) if c.startswith("target")]) == 6


def test_dataset_link_in_portuguese_names_the_set_as_shown() -> None:
    app = start("views/omniglot.py", params={"lang": "pt", "set": "Avaliação", "tab": "Pares"})
    assert not refused(app) and not app.warning
    assert app.radio(key="set").value == "evaluation"
    assert app.session_state["tab"] == "Pares"


def test_dataset_link_with_values_the_page_cannot_take() -> None:
    app = start("views/omniglot.py", params={
        "set": "Nope", "alphabet": "Klingon", "character": "character99", "tab": "Secret", "count": "abc",
        "seed": "-1", "batch": "100", "within": "maybe"})
    warning = refused(app)
    for line in ("`set=Nope`: it must be one of: Background, Evaluation", "`alphabet=Klingon`",
                 "`character=character99`", "`tab=Secret`", "`count=abc`", "`seed=-1`: the random seed must be",
                 "`batch=100`: the number of pairs shown must be a whole number from 2 to 32",
                 "`within=maybe`: it must be one of: true, false"):
        assert line in warning
    assert app.radio(key="set").value == "background"
    assert app.selectbox(key="alphabet").value == "Alphabet_of_the_Magi"
    assert app.subheader[0].value.startswith("Alphabet of the Magi/character01")
    assert (app.slider(key="count").value, app.number_input(key="seed").value) == (10, 0)
    assert (app.slider(key="batch").value, app.checkbox(key="within").value) == (8, False)


def test_dataset_link_checks_the_characters_of_the_alphabet_it_asks_for() -> None:
    """Tengwar has 25 characters and Latin 26: a link's character and count are checked against its own alphabet."""
    app = start("views/omniglot.py", params={"set": "Evaluation", "alphabet": "Tengwar", "character": "character26"})
    assert "`character=character26`" in refused(app)
    app = start("views/omniglot.py", params={"alphabet": "Latin", "character": "character26", "count": "20"})
    assert not refused(app)
    assert app.subheader[0].value.startswith("Latin/character26") and app.slider(key="count").value == 20


def test_a_link_value_the_page_has_moved_on_from_is_not_refused() -> None:
    """In a browser the URL follows each widget at once: a new alphabet while the URL still names the character of the
    previous one (that character box resets itself) is no link to explain."""
    app = start("views/omniglot.py", params={"alphabet": "Latin", "character": "character26"})
    app.selectbox(key="alphabet").set_value("Greek").run()
    app.query_params["alphabet"] = "Greek"  # what the browser writes; Greek has 24 characters, Latin 26
    app.run()  # the URL still holds the character26 of Latin
    assert not refused(app) and app.selectbox(key="alphabet").value == "Greek"
    assert app.subheader[0].value.startswith("Greek/character01")


def test_switching_the_language_keeps_the_view_and_its_link() -> None:
    app = start("views/omniglot.py", params={"set": "Evaluation", "alphabet": "Tengwar", "tab": "Pairs"})
    app.selectbox(key="lang").set_value("pt").run()
    assert not app.warning
    assert (app.radio(key="set").value, app.session_state["tab"]) == ("evaluation", "Pares")
    app.run()
    assert {k: app.query_params[k] for k in ("set", "tab", "lang")} == {"set": "Avaliação", "tab": "Pares", "lang": "pt"}
    app.selectbox(key="lang").set_value("en").run()
    assert app.query_params["set"] == "Evaluation" and app.session_state["tab"] == "Pairs"


def test_dataset_panel_without_data_in_portuguese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OMNIGLOT_DIR", str(tmp_path))
    app = start("views/omniglot.py", params={"lang": "pt", "set": "Evaluation"})
    assert any(m.value.startswith("**Pasta de dados:**") for m in app.markdown)
    assert any(b.label == "Baixar os arquivos que faltam do repositório oficial" for b in app.button)
    assert not refused(app)  # the set is checked; the alphabets cannot be without data


# The ROC page.

def test_roc_page_in_portuguese() -> None:
    app = start("views/roc.py", params={"lang": "pt"})
    assert app.title[0].value == "Verificação e ROC"
    shown = metrics(app)
    assert "Área sob a curva ROC (AUC)" in shown and "Taxa de falsa aceitação (FAR)" in shown
    assert app.slider(key="threshold").label.startswith("Limiar:")
    assert list(app.table[0].value.columns) == ["classificado como igual", "classificado como diferente"]
    assert app.selectbox(key="model").label == "Modelo"
    assert not app.warning


@pytest.mark.parametrize(("language", "threshold", "wrong", "separators"), [
    ("pt", "Limiar 0,500.", r"[\d.]+ de 10\.000", ",."), ("en", "Threshold 0.500.", r"[\d,]+ of 10,000", ".,")])
def test_roc_page_writes_numbers_in_its_language(language: str, threshold: str, wrong: str, separators: str) -> None:
    """Portuguese writes the course's threshold 0.5 as 0,500 and the 10,000 pairs as 10.000; English as before. The
    slider keeps its decimal point (Streamlit's format); its figures get the language's separators."""
    app = start("views/roc.py", params={"lang": language, "threshold": "0.5"})
    assert any(c.value.startswith(threshold) for c in app.caption)
    shown = metrics(app)
    assert any(re.fullmatch(wrong, value) for value in shown.values())
    decimal = separators[0]
    assert all(re.fullmatch(rf"\d+\{decimal}\d\d%", value) for value in shown.values() if value.endswith("%"))
    assert re.fullmatch(rf"0\{decimal}\d{{4}}", next(v for k, v in shown.items() if k.endswith("(AUC)")))
    figures = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert len(figures) == 2 and all(f["layout"]["separators"] == separators for f in figures)
    assert re.search(rf"AUC 0\{decimal}\d{{4}}", figures[0]["data"][0]["name"])


def test_roc_link_opens_the_operating_point_it_names() -> None:
    app = start("views/roc.py", params={
        "model": "default", "threshold": "0.3", "pairs": "2000", "seed": "4", "within": "true", "far": "2.5",
        "zoom": "false"})
    assert not refused(app)
    assert app.slider(key="threshold").value == pytest.approx(0.3)
    assert app.select_slider(key="pairs").value == 2000 and app.number_input(key="seed").value == 4
    assert app.checkbox(key="within").value is True and app.toggle(key="zoom").value is False
    assert app.number_input(key="far").value == pytest.approx(2.5)
    assert any(c.value.startswith("Threshold 0.300.") for c in app.caption)
    assert int(app.table[0].value.to_numpy().sum()) == 2_000


def test_roc_link_with_values_the_page_cannot_take() -> None:
    from lab.siamese.store import find_model

    app = start("views/roc.py", params={
        "model": "nobody", "threshold": "1.5", "pairs": "3000", "seed": "x", "within": "maybe", "far": "200"})
    warning = refused(app)
    for line in ("`model=nobody`: it must be one of: default", "`threshold=1.5`: the similarity threshold must be a "
                 "number from 0 to 1", "`pairs=3000`", "`seed=x`", "`within=maybe`", "`far=200`"):
        assert line in warning
    assert app.selectbox(key="model").value == "default"
    assert app.slider(key="threshold").value == round(find_model("default").metadata["threshold"], 3)
    assert app.select_slider(key="pairs").value == 10_000 and app.number_input(key="far").value == 1.0


def test_the_model_of_a_link_is_kept_and_follows_to_other_pages(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    from lab.siamese.store import SHIPPED_DIR

    folder = tmp_path / "models"
    folder.mkdir()
    for suffix in (".keras", ".json"):
        shutil.copy(SHIPPED_DIR / f"default{suffix}", folder / f"mine{suffix}")
    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(folder))
    app = start("views/roc.py", params={"model": "mine"})
    assert app.selectbox(key="model").value == "mine" and not refused(app)
    assert app.selectbox(key="model").options == ["default", "mine"]  # the default first: no ?model= means it
    app.selectbox(key="model").set_value("default").run()
    assert app.selectbox(key="model").value == "default"
    app.selectbox(key="model").set_value("mine").run()
    app.switch_page("views/distance.py").run()
    assert not app.exception and app.selectbox(key="model").value == "mine"


# The training page.

RECIPE = {"architecture": "koch", "loss": "contrastive", "steps": "500", "batch": "32", "lr": "0.0005", "seed": "7",
          "augment": "false", "hard": "true", "every": "100"}


def test_training_page_in_portuguese() -> None:
    app = start("views/train.py", params={"lang": "pt"})
    assert app.title[0].value == "Treinar uma rede siamesa"
    assert app.header[0].value == "Modelos guardados"
    assert [b.label for b in app.button][:1] == ["Iniciar o treino"]
    assert not app.warning


def test_training_link_fills_the_form_and_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from lab.workflows.training_jobs import TrainingJobs

    started = []
    monkeypatch.setattr(TrainingJobs, "start", lambda self, *args, **kwargs: started.append(args))
    app = start("views/train.py", params=RECIPE)
    assert not refused(app)
    assert (app.selectbox(key="architecture").value, app.selectbox(key="loss").value) == ("koch", "contrastive")
    assert (app.number_input(key="steps").value, app.select_slider(key="batch").value) == (500, 32)
    assert app.number_input(key="lr").value == pytest.approx(0.0005) and app.number_input(key="seed").value == 7
    assert (app.checkbox(key="augment").value, app.checkbox(key="hard").value) == (False, True)
    assert app.number_input(key="every").value == 100
    assert started == []  # a link fills the form; only its button starts a training
    app.button[0].click().run()
    config = started[0][2]
    assert (config.architecture, config.loss, config.steps, config.batch_size) == ("koch", "contrastive", 500, 32)
    assert (config.learning_rate, config.augment, config.hard_negatives, config.eval_every) == (0.0005, False, True, 100)


def test_training_link_with_values_the_page_cannot_take() -> None:
    app = start("views/train.py", params={"architecture": "resnet", "steps": "0", "batch": "100", "lr": "1",
                                             "resume": "ghost", "every": "1e9"})
    warning = refused(app)
    for line in ("`architecture=resnet`: it must be one of: compact, koch", "`steps=0`", "`batch=100`",
                 "`lr=1`: the learning rate (0: the architecture's default) must be", "`resume=ghost`", "`every=1e9`"):
        assert line in warning
    assert app.selectbox(key="architecture").value == "compact" and app.number_input(key="steps").value == 1000
    assert app.select_slider(key="batch").value == 64 and app.number_input(key="lr").value == 0.0
    assert app.selectbox(key="resume").value == "(start fresh)"
