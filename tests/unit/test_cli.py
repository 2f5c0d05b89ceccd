from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lab.cli import main
from tests.conftest import REPO


def test_data_check_on_the_real_files(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "OK     background: 30 alphabets, 964 characters, 19280 drawings" in out
    assert "OK     evaluation: 20 alphabets, 659 characters, 13180 drawings" in out
    assert "OK     runs: 20 runs" in out


def test_data_check_on_an_empty_folder_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count("FAILED") == 3 and "OMNIGLOT_DIR" in out


def test_data_info_json(capsys: pytest.CaptureFixture[str], omniglot_dir: Path) -> None:
    assert main(["data", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["data_dir"] == str(omniglot_dir)
    assert info["files"]["evaluation"]["characters_per_alphabet"]["Angelic"] == 20
    assert sum(info["files"]["background"]["characters_per_alphabet"].values()) == 964


def test_data_fetch_with_files_present(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--set", "runs"]) == 0
    assert "already present" in capsys.readouterr().out


def test_data_extract_reports_an_existing_folder(writable_omniglot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (writable_omniglot / "images_background").mkdir()
    assert main(["data", "extract", "--set", "background", "--data-dir", str(writable_omniglot)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_module_entry_point_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lab", "data", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("fetch", "check", "info", "extract"):
        assert command in result.stdout
    bad = subprocess.run([sys.executable, "-m", "lab", "nonsense"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_evaluate_lake_with_the_shipped_model(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "lake", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["model"] == "default" and len(figures["lake_run_accuracy"]) == 20
    assert figures["lake_accuracy"] >= 0.92
    assert figures["published"]["Humans"] == 0.955


def test_evaluate_pairs_text_output(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "pairs", "--pairs", "2000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "2,000 random evaluation pairs (seed 3, different pairs from any alphabet)" in out
    line = next(line for line in out.splitlines() if "model's threshold" in line)
    assert float(line.rsplit(":", 1)[1].strip().rstrip("%")) > 90


def test_train_stores_a_model_with_its_figures(omniglot_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["train", "--steps", "20", "--batch-size", "16", "--eval-every", "10", "--name", "cli-test",
                 "--models-dir", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "step 20/20" in out and "validation: pairs" in out and "Lake's 20 runs" in out
    metadata = json.loads((tmp_path / "cli-test.json").read_text())
    assert metadata["config"]["steps"] == 20 and 0 <= metadata["metrics"]["lake_accuracy"] <= 1
    assert (tmp_path / "cli-test.keras").is_file()


def test_train_and_evaluate_refuse_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--name", "../escape", "--steps", "5"]) == 2
    assert "not a valid model name" in capsys.readouterr().err
    assert main(["train", "--name", "x", "--batch-size", "7"]) == 2
    assert main(["evaluate", "lake", "--model", "no-such-model"]) == 1
    assert "No model named 'no-such-model'" in capsys.readouterr().err


def test_evaluate_pairs_json_has_roc_figures(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "pairs", "--pairs", "2000", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["auc"] > 0.97 and 0 < figures["eer"] < 0.1 and 0 < figures["eer_threshold"] < 1


def test_evaluate_nway_json_and_text(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "nway", "--way", "20", "2", "--tasks", "300", "--within-alphabet", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    rows = figures["results"]
    assert [row["way"] for row in rows] == [2, 20] and all(row["tasks"] == 300 for row in rows)
    assert rows[0]["accuracy"] > rows[1]["accuracy"] > 0.8  # 2-way is easier than 20-way
    assert rows[1]["ci95_low"] < rows[1]["accuracy"] < rows[1]["ci95_high"]
    assert main(["evaluate", "nway", "--way", "16", "--tasks", "100"]) == 0
    assert "16-way:" in capsys.readouterr().out
    assert main(["evaluate", "nway", "--way", "25"]) == 2
    assert "from 2 to 20" in capsys.readouterr().err


def test_evaluate_nn_and_lake_baseline(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "nn", "--one-shot", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["templates_per_character"] == 1 and figures["queries"] == 6590
    assert 0.3 < figures["accuracy"] < 1 and len(figures["alphabet_accuracy"]) == 20
    assert figures["confusions"][0]["count"] >= figures["confusions"][-1]["count"]
    assert main(["evaluate", "lake"]) == 0
    out = capsys.readouterr().out
    assert "modified Hausdorff distance, computed here: 61.2%" in out


def embed_drawings(tmp_path: Path, images, picks: list[tuple[int, int]], capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``python -m lab embed`` on the drawings ``picks`` (character, drawer) saved as PNGs: (codes, expected codes)."""
    import numpy as np
    from PIL import Image

    from lab.siamese.store import load_model

    paths = []
    for i, (character, drawer) in enumerate(picks):
        path = tmp_path / f"{i}.png"
        Image.fromarray(np.where(images[character, drawer], 0, 255).astype(np.uint8)).save(path)
        paths.append(str(path))
    out = tmp_path / "codes.npy"
    assert main(["embed", *paths, "--out", str(out)]) == 0
    assert f"{len(picks)} rows" in capsys.readouterr().out
    model, _ = load_model()
    characters, drawers = zip(*picks)
    return np.load(out), model.embed(images[list(characters), list(drawers)])


def test_embed_writes_one_row_per_image_in_order(tmp_path: Path, evaluation, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    codes, expected = embed_drawings(tmp_path, evaluation.images, [(5, 0), (100, 3), (5, 1)], capsys)
    np.testing.assert_allclose(codes, expected, atol=1e-5)
    # Two drawings of character 5 are closer to each other than to character 100.
    assert np.linalg.norm(codes[0] - codes[2]) < np.linalg.norm(codes[0] - codes[1])


def test_embed_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a drawing")
    out = tmp_path / "codes.npy"
    assert main(["embed", str(text), "--out", str(out)]) == 1
    assert "notes.txt is not an image" in capsys.readouterr().err and not out.exists()
    assert main(["embed", str(tmp_path / "missing.png"), "--out", str(out)]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["embed", str(text), "--out", str(tmp_path / "no" / "codes.npy")]) == 1


def test_cli_verify_json_detect_and_roc(faces_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faces", "verify", str(faces_dir / "train/biden/biden.jpg"), str(faces_dir / "train/biden/biden2.jpg"),
                 "--model", "Dlib", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["verified"] is True and 0 <= answer["distance"] < answer["threshold"] == 0.07
    assert main(["faces", "detect", str(faces_dir / "test/kit_with_rose.jpg"), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["faces"]) == 2
    assert main(["faces", "detect", str(faces_dir / "test/kit_with_rose.jpg"), "--detector", "mediapipe"]) == 1
    assert "pip install mediapipe" in capsys.readouterr().err  # DeepFace's own hint for an optional detector
    assert main(["faces", "detect", str(faces_dir / "test/kit_with_rose.jpg"), "--scale-factor", "1.2"]) == 2
    assert "opencv" in capsys.readouterr().err
    assert main(["faces", "roc", str(faces_dir / "train"), "--model", "Dlib", "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)["reports"]
    assert [r["distance_metric"] for r in reports] == ["cosine", "euclidean", "euclidean_l2", "angular"]
    assert reports[0]["auc"] == pytest.approx(reports[2]["auc"])  # cosine and euclidean_l2 rank pairs alike
    missing = faces_dir / "nowhere.jpg"
    assert main(["faces", "verify", str(missing), str(missing)]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_cli_enrol_list_identify_import_remove_and_clear(faces_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ONESHOT_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    db = ["--db", "demo"]
    for person in ("obama", "biden"):
        assert main(["faces", "enrol", person, *map(str, (faces_dir / "train" / person).iterdir()), *db]) == 0
    assert "2 people, 4 faces" in capsys.readouterr().out
    assert main(["faces", "identify", str(faces_dir / "test" / "obama_and_biden.jpg"), *db, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [f["person"] for f in answer["faces"]] == ["biden", "obama"]
    assert main(["faces", "list", *db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["database"], listed["model"], listed["detector"]) == ("demo", "Facenet", "yunet")
    assert listed["people"] == [{"person": "obama", "photos": 2}, {"person": "biden", "photos": 2}]
    assert main(["faces", "remove", "biden", *db]) == 0 and "1 people, 2 faces left" in capsys.readouterr().out
    assert main(["faces", "identify", str(faces_dir / "misc" / "two_people.jpg"), *db, "--face", "9"]) == 2
    assert "choose a face from 1 to" in capsys.readouterr().err
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert main(["faces", "identify", str(empty), *db]) == 1
    assert "empty" in capsys.readouterr().err

    # A face database file of an earlier version: imported once; a second import adds nothing and says so.
    import numpy as np

    old = tmp_path / "lecture.npz"
    np.savez(old, format=np.array(1), model=np.array("Facenet"), detector=np.array("yunet"),
             people=np.array(["ada", "obama"]), sources=np.array(["a.jpg", "o.jpg"]),
             embeddings=np.ones((2, 128), np.float32), thumbnails=np.zeros((2, 96, 96, 3), np.uint8))
    assert main(["faces", "import", str(old)]) == 0
    assert "Imported 2 people (2 faces)" in capsys.readouterr().out
    assert main(["faces", "import", str(old), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped"] == ["ada", "obama"]
    assert main(["faces", "import", str(old), *db]) == 0  # into demo: obama is there already
    out = capsys.readouterr().out
    assert "Imported 1 people" in out and "Skipped 1 people already in demo" in out and "obama" in out

    assert main(["faces", "clear", *db]) == 1 and "--yes" in capsys.readouterr().err
    assert main(["faces", "clear", *db, "--yes"]) == 0 and "Deleted 3 faces of demo" in capsys.readouterr().out
    assert main(["faces", "list", *db, "--json"]) == 0 and json.loads(capsys.readouterr().out)["people"] == []
    assert main(["faces", "list", "--db", "ghost"]) == 1 and "no face database 'ghost'" in capsys.readouterr().err
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, people=np.array([object()], dtype=object))
    assert main(["faces", "import", str(pickled)]) == 1 and "not a face database" in capsys.readouterr().err


# ------------------------------------------------------------------ on the miniature Omniglot (no data needed)


def test_data_check_on_the_miniature_files(miniature_omniglot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", "--data-dir", str(miniature_omniglot)]) == 0
    out = capsys.readouterr().out
    assert "OK     background: 4 alphabets, 20 characters, 400 drawings" in out
    assert "OK     evaluation: 3 alphabets, 21 characters, 420 drawings" in out
    assert "OK     runs: 20 runs" in out


def test_data_info_json_on_the_miniature_files(miniature_omniglot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--json", "--data-dir", str(miniature_omniglot)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["data_dir"] == str(miniature_omniglot)
    assert info["files"]["evaluation"]["characters_per_alphabet"]["Epsilon"] == 7
    assert sum(info["files"]["background"]["characters_per_alphabet"].values()) == 20


def test_data_fetch_and_extract_on_the_miniature_files(miniature_omniglot: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--set", "runs", "--data-dir", str(miniature_omniglot)]) == 0
    assert "already present" in capsys.readouterr().out
    (miniature_omniglot / "images_background").mkdir()
    assert main(["data", "extract", "--set", "background", "--data-dir", str(miniature_omniglot)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_embed_generated_drawings_with_the_shipped_model(tmp_path: Path, mini_evaluation,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    codes, expected = embed_drawings(tmp_path, mini_evaluation.images, [(5, 0), (20, 3), (5, 1)], capsys)
    assert codes.shape == expected.shape and codes.shape[0] == 3
    np.testing.assert_allclose(codes, expected, atol=1e-5)


def test_data_info_shows_the_data_folder_resolved(miniature_omniglot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--json", "--data-dir", str(miniature_omniglot / ".." / "omniglot")]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["data_dir"] == str(miniature_omniglot)
    assert all("/../" not in entry["path"] for entry in info["files"].values())


def test_step_progress_prints_a_line_per_tenth_of_each_stage(capsys: pytest.CaptureFixture[str]) -> None:
    from lab.cli.common import StepProgress

    progress = StepProgress()  # stderr is not a terminal under pytest: plain lines
    for done in range(0, 101):
        progress("embedding", done, 100)
    for epoch in (1, 2):
        progress("training", epoch, 2)
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["embedding: 0 of 100", "embedding: 10 of 100"] and lines[10] == "embedding: 100 of 100"
    assert lines[11:] == ["training: 1 of 2", "training: 2 of 2"]


def test_cli_roc_and_experiment_on_lfw_photos(lfw_sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faces", "roc", str(lfw_sample), "--metric", "cosine"]) == 0
    captured = capsys.readouterr()
    assert "detecting and embedding the photos: 24 of 24" in captured.err  # progress on stderr, not in the table
    assert "same-person and" in captured.out and "different-person pairs" in captured.out
    assert "AUC 95% CI" in captured.out and "95% CI: bootstrap over the 4 people (" in captured.out
    # With 4 people about 1 redraw in 60 holds one person only, hence no different pair: it is left out.
    assert 950 < int(captured.out.split("bootstrap over the 4 people (")[1].split(" redraws")[0]) <= 1000
    assert main(["faces", "experiment", str(lfw_sample), "--epochs", "2", "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["people"] == 4 and result["chance_error"] == 0.75 and len(result["folds"]) == 2
    assert "training the CNN, fold 2 of 2 (epochs): 2 of 2" in captured.err
