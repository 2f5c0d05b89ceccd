"""AppTest tests of the evaluation pages with the shipped model and the real evaluation set."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

from lab.siamese.store import find_model
import pandas as pd
import pytest

from tests.support.pages import Downloads, image_captions, start


def metrics(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in app.metric}


def test_verification_page_threshold_moves_the_operating_point() -> None:
    app = start("views/roc.py")
    assert app.title[0].value == "Verification and ROC"
    shown = metrics(app)
    assert float(shown["Area under the ROC curve (AUC)"]) > 0.98
    # The slider starts at the model's threshold rounded to its step of 0.001: the same decisions, give or take a pair.
    at_model, at_slider = (float(shown[k].rstrip("%")) for k in ("Accuracy at the model's threshold",
                                                                 "Accuracy at this threshold"))
    assert abs(at_model - at_slider) <= 0.05
    slider = app.slider(key="threshold")
    threshold = find_model("default").metadata["threshold"]
    assert slider.value == round(threshold, 3)  # the model's own threshold, rounded to the slider's step

    slider.set_value(0.9).run()
    high = metrics(app)
    assert float(high["False accept rate (FAR)"].rstrip("%")) < float(shown["False accept rate (FAR)"].rstrip("%"))
    assert float(high["False reject rate (FRR)"].rstrip("%")) > float(shown["False reject rate (FRR)"].rstrip("%"))
    confusion = app.table[0].value
    assert int(confusion.to_numpy().astype(int).sum()) == 10_000

    app.button(key="roc_to_eer").click().run()
    at_eer = metrics(app)
    far, frr = (float(at_eer[k].rstrip("%")) for k in ("False accept rate (FAR)", "False reject rate (FRR)"))
    assert abs(far - frr) < 0.5 and abs(far - float(shown["Equal error rate (EER)"].rstrip("%"))) < 0.5

    app.number_input(key="far").set_value(0.5).run()
    app.button(key="roc_to_far").click().run()
    assert float(metrics(app)["False accept rate (FAR)"].rstrip("%")) <= 0.5
    assert any(c.startswith("similarity") for c in image_captions(app))  # the worst-errors gallery


def test_verification_page_shows_the_models_threshold_once() -> None:
    app = start("views/roc.py")
    slider = app.slider(key="threshold").value
    shown = metrics(app)
    # One value, one rounding: the slider starts where the metric measures, so the two accuracies are the same.
    assert shown["Accuracy at the model's threshold"] == shown["Accuracy at this threshold"]
    model_metric = next(m for m in app.metric if m.label == "Accuracy at the model's threshold")
    assert model_metric.proto.help.startswith(f"Threshold {slider:.3f} ")
    assert any(f"The model's own threshold is {slider:.3f} " in c.value for c in app.caption)
    exact = find_model("default").metadata["threshold"]
    assert f"{exact:.4f}" not in " ".join([model_metric.proto.help, *(c.value for c in app.caption)])


def roc_marker(app) -> dict:  # type: ignore[no-untyped-def]
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    return figure["data"][3] | {"ranges": (figure["layout"]["xaxis"]["range"], figure["layout"]["yaxis"]["range"])}


def test_verification_page_keeps_the_operating_point_in_the_zoomed_view() -> None:
    app = start("views/roc.py")
    assert app.toggle(key="zoom").value  # zoomed on the top-left corner by default
    app.slider(key="threshold").set_value(0.01).run()  # accepts almost every pair: far right of the zoom
    marker = roc_marker(app)
    (x_low, x_high), (y_low, y_high) = marker["ranges"]
    assert x_low <= marker["x"][0] <= x_high and y_low <= marker["y"][0] <= y_high
    assert "operating point: off this view at FAR" in marker["name"]
    app.toggle(key="zoom").set_value(False).run()
    assert roc_marker(app)["name"] == "threshold 0.010"


def test_verification_page_exports_every_operating_point(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    app = start("views/roc.py")
    assert app.get("download_button")[0].proto.label == "Download every operating point of the ROC (CSV)"
    points = pd.read_csv(io.StringIO(downloads.text("roc-operating-points-default.csv")))
    assert list(points.columns) == ["threshold", "tpr", "far", "frr", "accuracy"]
    assert 1_000 < len(points) <= 10_000 and points["threshold"].is_monotonic_increasing
    slider = app.slider(key="threshold").value
    nearest = points.iloc[(points["threshold"] - slider).abs().argmin()]
    assert abs(100 * nearest["accuracy"] - float(metrics(app)["Accuracy at this threshold"].rstrip("%"))) < 0.5


def test_verification_page_within_alphabet_is_harder() -> None:
    app = start("views/roc.py")
    easy = float(metrics(app)["Area under the ROC curve (AUC)"])
    app.checkbox(key="within").check().run()
    assert not app.exception
    assert float(metrics(app)["Area under the ROC curve (AUC)"]) < easy


def test_quiz_reveals_the_answer_and_keeps_score() -> None:
    app = start("views/quiz.py")
    assert app.slider(key="way").value == 16
    assert sum(1 for b in app.button if b.key and b.key.startswith("quiz_pick_")) == 16
    app.button(key="quiz_pick_0").click().run()
    assert not app.exception
    verdicts = [m.value for m in (*app.success, *app.error)]
    assert len(verdicts) == 1 and verdicts[0].startswith("You were")
    assert metrics(app)["Tasks answered"] == "1"
    revealed = [c for c in image_captions(app) if "similarity" in c]
    assert len(revealed) == 16 and sum("right answer" in c for c in revealed) == 1
    assert app.button(key="quiz_pick_1").disabled  # no second answer to the same task
    app.button(key="quiz_next").click().run()
    assert app.subheader[0].value.startswith("Task 2:")
    assert not app.button(key="quiz_pick_1").disabled


def test_quiz_highlights_the_right_answer_after_a_wrong_pick() -> None:
    app = start("views/quiz.py")
    for _ in range(5):  # candidate 1 is the answer of about one task in 16: move on until it is a wrong pick
        app.button(key="quiz_pick_0").click().run()
        if app.error:
            break
        app.button(key="quiz_next").click().run()
    assert app.error[0].value.startswith("You were wrong")
    revealed = [c for c in image_captions(app) if "similarity" in c]
    right = [c for c in revealed if c.startswith("✓ right answer")]
    assert len(right) == 1 and "your pick" not in right[0]
    assert any("(your pick" in c or ", your pick" in c for c in revealed if not c.startswith("✓"))
    badges = [m.value for m in app.markdown if "correct" in m.value or "your pick" in m.value]
    assert badges.count(":green-background[**✓ correct**]") == 1 and ":red-background[**✗ your pick**]" in badges


def test_batch_mode_and_lake_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    app = start("views/quiz.py")
    app.radio(key="mode").set_value("Batch: the model on many tasks").run()
    assert not app.exception
    table = app.table[0].value
    assert list(table.index) == [2, 5, 10, 16, 20]
    accuracy = [float(v.rstrip("%")) for v in table["accuracy"]]
    assert accuracy[0] > accuracy[-1] > 80
    exported = pd.read_csv(io.StringIO(downloads.text("nway-accuracy-default.csv")))
    assert list(exported["way"]) == [2, 5, 10, 16, 20] and list(exported["tasks"]) == [1000] * 5
    assert [f"{a:.1%}" for a in exported["accuracy"]] == list(table["accuracy"])

    app.radio(key="mode").set_value("Lake's 20 official runs").run()
    assert not app.exception
    assert metrics(app)["Modified Hausdorff distance, computed here"] == "61.2%"
    published = app.table[0].value
    assert published.loc["Humans", "accuracy"] == "95.5%"
    assert "Siamese network, model default" in published.index
    runs = pd.read_csv(io.StringIO(downloads.text("lake-runs-default.csv")))
    assert list(runs.columns) == ["run", "model_accuracy", "model_errors", "hausdorff_accuracy", "hausdorff_errors"]
    assert list(runs["run"]) == list(range(1, 21)) and f"{runs['hausdorff_accuracy'].mean():.1%}" == "61.2%"


def test_nearest_neighbour_page() -> None:
    app = start("views/nearest.py")
    shown = metrics(app)
    ten = float(shown["Accuracy with 10 templates per character"].rstrip("%"))
    one = float(shown["Accuracy with 1 template (one-shot)"].rstrip("%"))
    assert ten > one > 30
    assert shown["Drawings classified"] == "6,590"
    assert any("taken for" in c for c in image_captions(app))
    app.radio(key="layer").set_value("embedding").run()
    assert not app.exception


def shown_text(app) -> list[str]:  # type: ignore[no-untyped-def]
    """What the page shows as text: captions, subheaders, select box options and image captions."""
    options = [o for box in app.selectbox if box.key != "model" for o in box.options]
    return [*(c.value for c in app.caption), *(s.value for s in app.subheader), *options, *image_captions(app)]


def test_no_alphabet_is_shown_with_underscores() -> None:
    for page in ("views/omniglot.py", "views/nearest.py", "views/map.py"):
        app = start(page)
        if page == "views/omniglot.py":
            app.radio(key="set").set_value("evaluation").run()
        if page == "views/map.py":
            app.selectbox(key="alphabet").set_value("Old_Church_Slavonic_(Cyrillic)").run()
            assert "Old Church Slavonic (Cyrillic)" in json.loads(app.get("plotly_chart")[0].proto.spec)["layout"][
                "title"]["text"]
        text = shown_text(app)
        assert text and not [t for t in text if "_" in t], page
        if page != "views/nearest.py":
            assert "Old Church Slavonic (Cyrillic)" in text


def test_embedding_map_page() -> None:
    app = start("views/map.py")
    assert not app.exception and app.radio(key="projection").value == "t-SNE"
    app.radio(key="projection").set_value("PCA").run()
    assert any("PCA axes hold" in c.value for c in app.caption)
    app.selectbox(key="alphabet").set_value("Tengwar").run()
    assert not app.exception


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def test_two_drawings_page_decides_and_refuses_bad_uploads() -> None:
    app = start("views/distance.py")
    assert app.success[0].value.startswith("**Same character**")  # two drawers of one character
    app.selectbox(key="character2").set_value(5).run()
    assert app.warning[0].value.startswith("**Different characters**")

    app.radio(key="source2").set_value("Upload an image").run()
    app.file_uploader(key="pair_upload_2").upload("notes.png", b"this is text, not a picture").run()
    assert not app.exception
    assert "notes.png is not an image" in app.error[0].value
    ink = np.zeros((210, 210), dtype=np.uint8) + 255
    ink[40:170, 100:110] = 0  # a thick vertical stroke
    app.file_uploader(key="pair_upload_2").set_value(("stroke.png", png(ink), "image/png")).run()
    assert not app.exception and not app.error
    assert any("resized from 210x210" in c for c in image_captions(app))
    assert len(app.success) + len(app.warning) == 1
