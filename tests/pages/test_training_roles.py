"""Roles on the training page: with a lecturer password set, a student sees the store and the running training but
not the controls that change them (each explained instead); signing in with the password reveals them, a wrong
password does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lab.roles import PASSWORD_ENV
from tests.conftest import REPO
from tests.support.models import store_with_the_shipped_model

pytest.importorskip("tensorflow")

TEACHER_CONTROLS = ("store_delete", "store_rename", "store_upload_button", "store_gdown")


@pytest.fixture
def store_with_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return store_with_the_shipped_model(tmp_path, monkeypatch)


def open_page() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    app.switch_page("views/train.py").run()
    assert not app.exception, app.exception
    return app


def button_keys(app: AppTest) -> set[str]:
    return {b.key for b in app.button if b.key} | {b.key for b in app.get("form_submit_button") if b.key}


def button_labels(app: AppTest) -> list[str]:
    return [b.label for b in app.button] + [b.proto.label for b in app.get("form_submit_button")]


def notes(app: AppTest) -> str:
    return " ".join(i.value for i in app.info)


def sign_in(app: AppTest, password: str) -> None:
    app.text_input(key="teacher_password_input").input(password).run()
    assert not app.exception, app.exception


def test_a_student_sees_explanations_instead_of_the_teachers_controls(
        store_with_a_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "lecture-7")
    app = open_page()
    assert not set(TEACHER_CONTROLS) & button_keys(app)
    assert "Start training" not in button_labels(app) and not app.get("form")
    assert "Only the teacher may start or stop a training." in notes(app)
    assert "Only the teacher may rename, delete or upload models." in notes(app)
    assert list(app.table[0].value.index) == ["default", "mine"], "the store is listed for everyone"
    assert list(app.table[0].value["owner"]) == ["shipped with the lab", "-"]
    assert app.selectbox(key="store_card_model").options == ["default", "mine"], "and every model's card"

    sign_in(app, "lecture-8")  # wrong
    assert "Wrong password." in [e.value for e in app.error]
    assert not set(TEACHER_CONTROLS) & button_keys(app) and "Start training" not in button_labels(app)

    sign_in(app, "lecture-7")
    assert {"store_delete", "store_rename"} <= button_keys(app) and "Start training" in button_labels(app)
    assert "Only the teacher may" not in notes(app) and "Signed in as the teacher." in [c.value for c in app.caption]
    app.button(key="store_delete").click().run()
    assert (store_with_a_model / "mine.keras").is_file(), "even the teacher is asked first"
    app.button(key="store_delete_confirm").click().run()
    assert not (store_with_a_model / "mine.keras").exists() and list(app.table[0].value.index) == ["default"]


def test_without_a_password_everyone_is_the_teacher(store_with_a_model: Path) -> None:
    app = open_page()
    assert {"store_delete", "store_rename"} <= button_keys(app) and "Start training" in button_labels(app)
    assert "Only the teacher may" not in notes(app)
    assert "teacher_password_input" not in {t.key for t in app.text_input}, "no sign-in without a password"


def test_the_home_page_lists_each_models_owner(store_with_a_model: Path) -> None:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    assert not app.exception, app.exception
    models = next(t.value for t in app.table if "owner" in t.value.columns)
    assert models["owner"].to_dict() == {"default": "shipped with the lab", "mine": "-"}
