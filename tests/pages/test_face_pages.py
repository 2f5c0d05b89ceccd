"""AppTest tests of the face pages: real photos from ../shared/data/faces, real DeepFace models, offline."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from PIL import Image

from tests.support.pages import Downloads, deltas, displayed_texts, image_captions, metrics, start, upload


def test_verify_page_sample_photos_threshold_slider_and_verdict() -> None:
    app = start("views/verify.py")
    assert app.title[0].value.startswith("Verify")
    shown = metrics(app)
    assert shown["verdict"] == "same person" and shown["threshold"] == "0.4000"  # Facenet's cosine threshold
    assert deltas(app)["threshold"] == ""  # at DeepFace's threshold: no "+0.0000" arrow
    for setting, described in (("model", "Facenet"), ("detector", "YuNet (2023)"), ("metric", "1 - cos(angle")):
        chosen = app.selectbox(key=setting)
        assert max(len(option) for option in chosen.options) <= 16  # short enough for a third of the page
        assert described in chosen.help  # the long descriptions are in the help
    distance = float(shown["cosine distance between the faces"])
    app.slider(key="threshold_facenet_cosine").set_value(round(distance / 2, 3)).run()
    assert metrics(app)["verdict"] == "different people"
    assert deltas(app)["threshold"].startswith("-") and deltas(app)["threshold"].endswith("from DeepFace's")
    assert "different people" in app.warning[0].value
    app.selectbox(key="model").set_value("Dlib").run()
    assert metrics(app)["threshold"] == "0.0700" and metrics(app)["verdict"] == "same person"
    app.selectbox(key="metric").set_value("euclidean_l2").run()
    assert metrics(app)["threshold"] == "0.4000"  # Dlib's euclidean_l2 threshold
    assert not app.exception


def test_verify_page_two_faces_let_the_user_pick_and_bad_uploads_are_explained(faces_dir: Path, tmp_path: Path) -> None:
    app = start("views/verify.py")
    upload(app, "first", faces_dir / "test" / "obama_and_biden.jpg")
    assert any("2 faces in obama_and_biden.jpg" in w.value for w in app.warning)
    picker = app.radio(key="first_face")
    verdicts = []
    for face in picker.options:
        app.radio(key="first_face").set_value(int(face.split()[-1]) - 1 if isinstance(face, str) else face).run()
        verdicts.append(metrics(app)["verdict"])
    assert verdicts.count("same person") == 1  # only Obama's face matches the second photo (obama1.jpg)

    not_image = tmp_path / "notes.jpg"
    not_image.write_text("not a photo")
    upload(app, "second", not_image)
    assert any("not an image" in e.value for e in app.error) and not app.exception
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    app.file_uploader(key="second_upload").upload(empty.name, b"").run()
    assert any("empty" in e.value for e in app.error)
    huge = io.BytesIO()
    Image.new("RGB", (6000, 5000), "white").save(huge, format="PNG")
    app.file_uploader(key="second_upload").upload("huge.png", huge.getvalue()).run()
    assert any("30 megapixels" in e.value for e in app.error)
    blank = io.BytesIO()
    Image.new("RGB", (400, 300), "grey").save(blank, format="PNG")
    app.file_uploader(key="second_upload").upload("wall.png", blank.getvalue()).run()
    assert any("No face found in wall.png" in e.value for e in app.error) and not app.exception


def test_detect_page_viola_jones_sliders_and_every_detector() -> None:
    app = start("views/detect.py")
    captions = image_captions(app)
    assert any("by opencv (your parameters)" in c for c in captions)
    before = sum(1 for c in captions if ": aligned" in c)
    app.slider(key="neighbors").set_value(0).run()
    after = sum(1 for c in image_captions(app) if ": aligned" in c)
    assert after > before >= 2  # no agreement required: many more windows are called faces
    app.button(key="detect_all").click().run()
    table = app.dataframe[0].value
    assert set(table["detector"]) == {"yunet", "opencv", "mtcnn", "centerface", "dlib"}
    assert (table["faces found"] >= 2).all() and not app.exception


@pytest.fixture
def fresh_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """An empty shared database for this test alone (the session's is shared by every page test)."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    monkeypatch.setenv("ONESHOT_DATABASE_URL", url)
    return url


def face_rows(url: str) -> int:
    import sqlalchemy as sa

    from lab.db.engine import read
    from lab.db.schema import faces

    return read(lambda c: c.execute(sa.select(sa.func.count()).select_from(faces)).scalar(), url)


def test_database_page_enrol_identify_unknown_and_remove(faces_dir: Path, fresh_database: str) -> None:
    app = start("views/database.py")
    app.text_input(key="db_new").set_value("lecture").run()
    app.button(key="enrol_samples").click().run()
    assert any("5 people, 9 faces" in m.value for m in app.markdown)
    in_use = [m.value for m in app.sidebar.markdown if m.value.startswith("**Face database:**")]
    assert len(in_use) == 1 and in_use[0].startswith("**Face database:** lecture (Facenet + ")
    assert in_use[0].endswith("), 5 people, 9 faces")  # name, model, detector and counts in one line
    identified = [s.value for s in app.success]
    assert any(v.startswith("**kit_harington**") for v in identified)  # the default sample, johnsnow_test1.jpg
    assert face_rows(fresh_database) == 9  # the identified photo was not stored
    app.slider(key="threshold_facenet_cosine").set_value(0.05).run()
    assert any(w.value.startswith("**Unknown**") for w in app.warning)
    captions_before = image_captions(app)
    app.button(key="remove_kit_harington").click().run()  # asks first
    assert face_rows(fresh_database) == 9 and any(w.value == "Remove kit_harington?" for w in app.warning)
    app.button(key="cancel_remove_kit_harington").click().run()
    assert face_rows(fresh_database) == 9 and app.button(key="remove_kit_harington")
    app.button(key="remove_kit_harington").click().run()
    app.button(key="confirm_remove_kit_harington").click().run()
    assert not app.exception
    assert any("4 people, 7 faces" in m.value for m in app.markdown)
    assert any(m.value.endswith("4 people, 7 faces") for m in app.sidebar.markdown)
    assert captions_before != image_captions(app)
    assert app.button(key="clear_button").proto.disabled  # the end of class: behind a tick box
    app.checkbox(key="clear_confirm").check().run()
    app.button(key="clear_button").click().run()
    assert face_rows(fresh_database) == 0 and any("7 faces deleted" in s.value for s in app.success)


def test_database_page_for_a_student_consent_and_their_own_enrolment_only(faces_dir: Path, fresh_database: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from lab.workflows.gallery import enrol_folder

    enrol_folder("class", "Facenet", "yunet", faces_dir / "train")  # the teacher's, before the class
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "lecturer")
    app = start("views/database.py")
    assert not [b for b in app.button if b.key and b.key.startswith("remove_")]  # nobody here is theirs
    assert not [b for b in app.button if b.key == "clear_button"]
    assert any("Only the teacher may remove other people or clear the database" in i.value for i in app.info)
    app.text_input(key="enrol_name").set_value("me").run()
    photo = faces_dir / "test" / "obama1.jpg"
    app.file_uploader(key="enrol_uploads").upload(photo.name, photo.read_bytes()).run()
    assert app.button(key="enrol_button").proto.disabled  # no consent, no enrolment
    assert app.checkbox(key="enrol_consent").label.startswith("I agree that my face's embedding")
    app.checkbox(key="enrol_consent").check().run()
    assert not app.button(key="enrol_button").proto.disabled
    app.button(key="enrol_button").click().run()
    assert not app.exception and face_rows(fresh_database) == 10
    assert any("me enrolled from 1 face" in s.value for s in app.success)
    assert [b.key for b in app.button if b.key and b.key.startswith("remove_")] == ["remove_me"]
    assert app.button(key="remove_me").label == "Remove my enrolment"
    app.button(key="remove_me").click().run()
    app.button(key="confirm_remove_me").click().run()
    assert not app.exception and face_rows(fresh_database) == 9
    other = start("views/database.py")  # another student's session: nothing of theirs to remove
    assert not [b for b in other.button if b.key and b.key.startswith("remove_")]


def test_a_student_sees_names_not_others_thumbnails_and_cannot_enrol_under_them(
        faces_dir: Path, fresh_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from lab.workflows.gallery import enrol_folder

    enrol_folder("class", "Facenet", "yunet", faces_dir / "train")  # the teacher's, before the class
    people = {folder.name for folder in (faces_dir / "train").iterdir()}
    file_names = {photo.name for photo in (faces_dir / "train").rglob("*.*")}
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "lecturer")
    app = start("views/database.py")
    shown = "\n".join(displayed_texts(app))
    assert all(f"**{person}**" in shown for person in people)  # the names, for everyone
    captions = set(image_captions(app))
    assert not captions & (people | file_names)  # no thumbnail of theirs, no file name
    assert not any(c.startswith("nearest enrolled face") for c in captions)  # not in the Identify tab either
    assert "of everyone else, only their names" in shown
    assert "never the photo's file name" in app.checkbox(key="enrol_consent").label

    app.text_input(key="enrol_name").set_value("Obama").run()  # the teacher's person, in another case
    photo = faces_dir / "test" / "obama1.jpg"
    app.file_uploader(key="enrol_uploads").upload(photo.name, photo.read_bytes()).run()
    app.checkbox(key="enrol_consent").check().run()
    app.button(key="enrol_button").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == ["'obama' was enrolled by someone else: a student may add photos only to a "
                                            "person they enrolled in this session. Choose another name; nothing was "
                                            "stored."]
    assert face_rows(fresh_database) == 9  # the gallery is unchanged

    monkeypatch.delenv("ONESHOT_TEACHER_PASSWORD")  # the teacher's own session (no password: one user, the teacher)
    teacher = start("views/database.py")
    assert file_names <= set(image_captions(teacher))  # the teacher sees every thumbnail with its file name
    teacher.toggle(key="db_share_thumbnails").set_value(True).run()
    assert not teacher.exception and teacher.toggle(key="db_share_thumbnails").value is True
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "lecturer")
    app.run()
    captions = set(image_captions(app))
    assert people <= captions and not captions & file_names  # thumbnails now, captioned with names, not file names
    assert any(c.value.startswith("The teacher shows every enrolled face's thumbnail") for c in app.caption)


def test_threshold_lab_and_models_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch).files
    app = start("views/threshold.py")
    shown = metrics(app)
    assert float(shown["AUC (area under the ROC)"]) > 0.9 and shown["EER (equal error rate)"].endswith("%")
    table = app.dataframe[0].value
    assert list(table["metric"]) == ["cosine", "euclidean", "euclidean_l2", "angular"]
    app.slider(key="threshold_slider_Facenet_cosine").set_value(0.3).run()
    assert app.download_button(key="threshold_csv").proto.label == "Download this table (CSV)"  # what the user clicks
    assert "JSON" in app.download_button(key="threshold_json").proto.label
    rows = list(csv.DictReader(io.StringIO(downloads["threshold-lab-Facenet-yunet-train.csv"].decode())))
    assert [r["metric"] for r in rows] == list(table["metric"])
    chosen = json.loads(downloads["threshold-Facenet-cosine-train.json"])
    assert chosen["threshold"] == 0.3 and chosen["at_threshold"]["threshold"] == 0.3 and chosen["model"] == "Facenet"
    app.switch_page("views/face_models.py").run()
    models = app.dataframe[0].value
    assert set(models.loc[models["status"] == "ready offline", "name"]) == {"Facenet", "Dlib"}  # was "✅ ready offline"
    assert not app.exception
    emoji = {c for text in displayed_texts(app) for c in text if is_emoji(c)}
    assert not emoji, f"Debian's Chromium draws these as empty boxes: {emoji}"


def is_emoji(character: str) -> bool:
    """Symbols, dingbats, pictographs and the emoji variation selector (U+FE0F) all lie at U+2500 and above; the
    mathematical signs the pages use (≤, ≥) lie below and render in any font."""
    return ord(character) >= 0x2500


def test_experiment_page_runs_both_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch).files
    app = start("views/experiment.py")
    app.number_input(key="epochs").set_value(10).run()
    app.toggle(key="experiment_run").set_value(True).run(timeout=300)
    assert not app.exception and not app.error
    shown = metrics(app)
    assert shown["(b) mean error of Facenet + 1-NN"] == "0.0%" and shown["error of guessing (1 - 1/4)"] == "75.0%"
    assert "one-shot learning" in app.success[0].value
    folds = list(csv.DictReader(io.StringIO(downloads["experiment-folds-Facenet-train.csv"].decode())))
    assert [f["fold"] for f in folds] == ["1", "2"] and all(float(f["embedding_error"]) == 0 for f in folds)


def figures(app) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_threshold_lab_starts_on_the_lfw_folder_with_a_band_and_the_pair_counts(
        lfw_sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FACES_LFW_DIR set (here to 24 LFW photos, for speed): the page starts there, credits LFW, and draws the ROC with
    its bootstrap band, the EER and the target's threshold on the ROC and on the histogram."""
    monkeypatch.setenv("FACES_LFW_DIR", str(lfw_sample))
    app = start("views/threshold.py")
    assert app.text_input(key="threshold_folder").value == str(lfw_sample)
    assert not app.exception and not app.error
    captions = [c.value for c in app.caption]
    counts = next(c for c in captions if "same-person pairs and" in c)
    assert counts.startswith("24 faces of 4 people: 60 same-person pairs and 216 different-person pairs")
    assert any("95% intervals (bootstrap over the 4 people): AUC" in c for c in captions)
    assert any("Labeled Faces in the Wild" in c and "Technical Report 07-49" in c and "teaching and research" in c
               for c in captions)
    roc, histogram = figures(app)
    names = [trace.get("name", "") for trace in roc["data"]]
    assert names[1] == "95% band (bootstrap over people)" and "redraws of the 4 people" in roc["data"][1]["hovertemplate"]
    assert any(n.startswith("EER ") for n in names) and any(n.startswith("≤ 1.0% false matches: distance") for n in names)
    assert "60 same-person pairs, 216 different-person pairs" in roc["layout"]["title"]["text"]
    assert roc["layout"]["xaxis"]["type"] == "log"
    lines = [trace["name"] for trace in histogram["data"] if trace["type"] == "scatter"]
    assert [line.split(":")[0] for line in lines] == ["your threshold", "EER", "≤ 1.0% false matches"]
    app.select_slider(key="target").set_value(0.05).run()
    assert metrics(app)["threshold for ≤ 5.0% false matches"]
    assert any(n.startswith("≤ 5.0% false matches") for n in (t.get("name", "") for t in figures(app)[0]["data"]))
    assert not app.exception


def test_the_sample_folder_is_the_default_without_lfw(faces_dir: Path) -> None:
    app = start("views/threshold.py")
    assert app.text_input(key="threshold_folder").value == str(faces_dir / "train")
    assert not any("Labeled Faces in the Wild" in c.value for c in app.caption)


def test_experiment_starts_on_the_lfw_folder_and_draws_the_chance_level(
        lfw_sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch).files
    monkeypatch.setenv("FACES_LFW_DIR", str(lfw_sample))
    app = start("views/experiment.py")
    assert app.text_input(key="experiment_folder").value == str(lfw_sample)
    assert app.number_input(key="epochs").value == 15  # the default tuned on LFW
    app.number_input(key="epochs").set_value(3).run()
    app.toggle(key="experiment_run").set_value(True).run(timeout=300)
    assert not app.exception and not app.error
    assert metrics(app)["error of guessing (1 - 1/4)"] == "75.0%"
    (chart,) = figures(app)
    assert [trace["name"] for trace in chart["data"]] == ["(a) small CNN from scratch", "(b) Facenet + nearest neighbour"]
    assert chart["layout"]["shapes"][0]["y0"] == 75.0
    assert chart["layout"]["annotations"][0]["text"].startswith("chance: guessing among 4 people is wrong 75.0%")
    assert all(len(trace["x"]) == 2 and "error_y" in trace for trace in chart["data"])  # per fold, with intervals
    assert any("Labeled Faces in the Wild" in c.value for c in app.caption)
    folds = list(csv.DictReader(io.StringIO(downloads[f"experiment-folds-Facenet-{lfw_sample.name}.csv"].decode())))
    assert [f["fold"] for f in folds] == ["1", "2"] and float(folds[0]["chance_error"]) == 0.75


def test_verify_page_draws_the_photos_while_the_server_builds_the_model(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from lab.faces import embedding

    release = threading.Event()
    building = threading.Thread(target=release.wait, daemon=True)  # stands for the server's background build
    building.start()
    monkeypatch.setattr(embedding, "_BUILT", set())
    monkeypatch.setitem(embedding._WARMING, "Facenet", building)
    try:
        app = start("views/verify.py")
        assert any("Facenet is still being loaded" in info.value for info in app.info)
        assert "verdict" not in metrics(app)  # the verdict waits for the model...
        assert sum("aligned face" in caption for caption in image_captions(app)) == 2  # ...the photos do not
    finally:
        release.set()
        building.join()
    app.run()  # what the page's once-a-second check does once the build has ended
    assert metrics(app)["verdict"] == "same person" and not app.info and not app.exception
