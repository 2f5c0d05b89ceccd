"""Page tests with Streamlit's AppTest: the real pages, the real Omniglot files, no browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.pages import APP, TIMEOUT, image_captions, start


def test_home_shows_data_state_and_links() -> None:
    app = start()
    assert app.title[0].value == "One-Shot Lab"
    assert "All Omniglot files are in place." in [s.value for s in app.success]
    table = app.table[0].value
    assert set(table["status"]) == {"zip"} and len(table) == 3


def test_home_does_not_import_heavy_libraries() -> None:
    # In a fresh interpreter: other tests of this session import TensorFlow on purpose.
    script = (
        "import sys; from streamlit.testing.v1 import AppTest; "
        f"app = AppTest.from_file({APP!r}, default_timeout={TIMEOUT}).run(); "
        "assert not app.exception, app.exception; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'deepface') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_home_without_data_explains_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OMNIGLOT_DIR", str(tmp_path / "empty"))
    app = start()
    assert "Some Omniglot files are missing" in app.warning[0].value
    panel = " ".join(m.value for m in app.markdown)
    assert str(tmp_path / "empty") in panel and "images_background.zip" in panel
    assert any("Download the missing files" in b.label for b in app.button)
    assert [u.key for u in app.get("file_uploader")] == ["upload_zip"]


def test_a_student_sees_no_data_upload_box_nor_download_button(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    monkeypatch.setenv("OMNIGLOT_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "lecturer")
    app = start()
    assert "Some Omniglot files are missing" in app.warning[0].value
    assert not app.get("file_uploader") and not any("Download the missing files" in b.label for b in app.button)
    assert any("Only the teacher may download or upload Omniglot files" in i.value for i in app.info)
    assert str(tmp_path / "empty") not in " ".join(m.value for m in app.markdown)  # nor the server's folder
    dataset = start("views/omniglot.py")  # a page that needs the files explains the same way
    assert not dataset.get("file_uploader")
    assert any("Only the teacher may download or upload Omniglot files" in i.value for i in dataset.info)
    models = start("views/face_models.py")  # nor may a student copy files from the server's folders
    assert not any(t.key == "weights_source" for t in models.text_input)
    assert any("Only the teacher may copy model files on the server" in i.value for i in models.info)


def test_projector_mode_switches_on() -> None:
    app = start()
    app.toggle(key="projector").set_value(True).run()
    assert not app.exception
    assert any("font-size" in m.value for m in app.markdown)


def test_projector_mode_from_the_url() -> None:
    """?projector=1 (a bookmark, a reload) starts in projector mode."""
    app = start(params={"projector": "1"})
    assert app.toggle(key="projector").value is True
    assert any("font-size" in m.value for m in app.markdown)


def test_portuguese_from_the_url() -> None:
    app = start(params={"lang": "pt"})
    assert app.selectbox(key="lang").value == "pt"
    assert [h.value for h in app.header][:4] == ["Omniglot e redes siamesas", "Reconhecimento facial com DeepFace",
                                                  "A turma", "Dados"]
    assert app.toggle(key="projector").label == "Modo projetor"
    app.selectbox(key="lang").set_value("en").run()
    assert app.header[0].value == "Omniglot and Siamese networks"


def test_an_unknown_language_in_the_url_is_explained() -> None:
    app = start(params={"lang": "klingon"})
    assert app.selectbox(key="lang").value == "en"
    assert "klingon" in app.warning[0].value and "pt (Português)" in app.warning[0].value


def test_dataset_page_shows_twenty_drawings_of_a_character() -> None:
    app = start("views/omniglot.py")
    assert app.title[0].value == "Omniglot dataset"
    assert "Background set: 30 alphabets, 964 characters, 19,280 drawings." in [c.value for c in app.caption]
    assert app.selectbox(key="alphabet").value == "Alphabet_of_the_Magi"
    captions = image_captions(app)
    assert [c for c in captions if c.startswith("drawer")] == [f"drawer {d}" for d in range(1, 21)]
    subheader = app.subheader[0].value
    assert subheader.startswith("Alphabet of the Magi/character01")


def test_dataset_page_switches_set_alphabet_and_character() -> None:
    app = start("views/omniglot.py")
    app.radio(key="set").set_value("evaluation").run()
    assert "Evaluation set: 20 alphabets, 659 characters, 13,180 drawings." in [c.value for c in app.caption]
    app.selectbox(key="alphabet").set_value("Tengwar").run()
    start_index = app.selectbox(key="character").value
    app.selectbox(key="character").set_value(start_index + 3).run()
    assert not app.exception
    assert app.subheader[0].value.startswith("Tengwar/character04")


def test_pairs_view_labels_targets() -> None:
    app = start("views/omniglot.py")
    app.slider(key="batch").set_value(6).run()
    app.checkbox(key="within").check().run()
    assert not app.exception
    targets = [c for c in image_captions(app) if c.startswith("target")]
    assert len(targets) == 6
    assert sum(c.startswith("target 1: same") for c in targets) == 3
    assert sum(c.startswith("target 0: different") for c in targets) == 3


def test_counts_chart_has_title_and_axes() -> None:
    app = start("views/omniglot.py")
    chart = app.get("plotly_chart")[0]
    import json

    figure = json.loads(chart.proto.spec)
    layout = figure["layout"]
    assert "Characters per alphabet" in layout["title"]["text"]
    assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"] == "alphabet"


def test_dataset_page_without_data_shows_the_panel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OMNIGLOT_DIR", str(tmp_path))
    app = start("views/omniglot.py")
    assert "is not in" in app.error[0].value and "OMNIGLOT_DIR" in app.error[0].value


def test_dataset_page_with_a_damaged_zip_names_it_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.support.zips import flip_data_byte, png, write_zip

    drawing = "images_background/Latin/character01/0001_01.png"
    flip_data_byte(write_zip(tmp_path / "images_background.zip", {drawing: png()}), drawing)  # e.g. copied by hand
    monkeypatch.setenv("OMNIGLOT_DIR", str(tmp_path))
    app = start("views/omniglot.py")
    message = app.error[0].value
    assert str(tmp_path / "images_background.zip") in message and "Bad CRC-32" in message
    assert message.endswith("Delete this file and fetch it again.")
