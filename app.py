"""One-Shot Lab: the landing page and the navigation (``streamlit run app.py``).

This file is both the server and the script. ``streamlit run app.py`` finds the ``app = st.App(...)`` below and
serves it under uvicorn: the app, plus the live class's HTTP routes (:mod:`api.classroom`) that push a class's rounds
to students' devices without rerunning their pages. Streamlit then runs this same file as the page script of every
session (as ``__main__``), which draws the navigation and the page.

Heavy libraries (TensorFlow, DeepFace) are imported only by the pages that need them, so this page opens
within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from lab.config import array_cache_dir, omniglot_dir
from lab.data.fetch import OFFICIAL_FILES, FileStatus, status
from lab.i18n import N_, _
from lab.siamese.model_table import models_table
from lab.siamese.store import list_models
from ui.language import language_ui
from ui.lesson import follow_ui
from ui.omniglot_data import data_missing_panel
from ui.projector import projector_toggle
from ui.roles import session_owner, sign_in_ui
from ui.url_state import link_to_view_ui

# A shipped picture, not an emoji or a :material/...: icon: for those the browser fetches a font or an emoji image
# from the internet, which fails in a classroom without one.
FAVICON = Path(__file__).resolve().parent / "ui" / "favicon.png"

@dataclass(frozen=True)
class PageSpec:
    """A page of the navigation: its file (named after its URL path), URL path, title, icon, section, and its line on
    the home page. Titles and texts are English marked with N_(), translated on each run (a session's language)."""

    file: str
    path: str  # the URL path (/quiz), which also names the page wherever one is referred to (lab.lesson's steps)
    title: str
    icon: str
    section: str
    link: str  # what the home page says about it


OMNIGLOT, FACES, CLASS = N_("Omniglot and Siamese networks"), N_("Face recognition with DeepFace"), N_("The class")
# The page files live in views/, not pages/: a pages/ folder switches on Streamlit's legacy multipage mode,
# in which a fresh server answers a bookmarked URL with a "Page not found" dialog (or runs the page file
# without this entry point, its navigation and its sidebar).
PAGES = (
    PageSpec("views/omniglot.py", "omniglot", N_("Omniglot dataset"), ":material/grid_view:", OMNIGLOT,
             N_("Omniglot dataset: browse alphabets, characters, drawings and pairs")),
    PageSpec("views/train.py", "train", N_("Train a Siamese network"), ":material/model_training:", OMNIGLOT,
             N_("Train a Siamese network: Koch's BCE, contrastive or triplet loss, live curves")),
    PageSpec("views/roc.py", "roc", N_("Verification and ROC"), ":material/rule:", OMNIGLOT,
             N_("Verification and ROC: a live threshold on 10,000 evaluation pairs, AUC, EER, worst errors")),
    PageSpec("views/quiz.py", "quiz", N_("N-way one-shot quiz"), ":material/quiz:", OMNIGLOT,
             N_("N-way one-shot: quiz yourself against the model, accuracy against N, Lake's 20 official runs")),
    PageSpec("views/nearest.py", "nearest", N_("Nearest-neighbour classification"), ":material/hub:", OMNIGLOT,
             N_("Nearest-neighbour classification: 659 characters from 10 or 1 templates each, no training")),
    PageSpec("views/map.py", "map", N_("Embedding map"), ":material/scatter_plot:", OMNIGLOT,
             N_("Embedding map: PCA and t-SNE of an alphabet's drawings, coloured by character")),
    PageSpec("views/distance.py", "distance", N_("Two drawings, one distance"), ":material/compare:", OMNIGLOT,
             N_("Two drawings, one distance: pick or upload two drawings and see the model's decision")),
    PageSpec("views/detect.py", "detect", N_("Detect and align faces"), ":material/face:", FACES,
             N_("Detect and align faces: Viola-Jones with its parameters, and DeepFace's other detectors, timed")),
    PageSpec("views/verify.py", "verify", N_("Verify two photos"), ":material/how_to_reg:", FACES,
             N_("Verify two photos: sample, upload or selfie; distance, threshold slider, verdict")),
    PageSpec("views/database.py", "database", N_("Face database"), ":material/badge:", FACES,
             N_("Face database: enrol and remove people without retraining; identify a new photo or selfie")),
    PageSpec("views/threshold.py", "threshold", N_("Threshold lab"), ":material/tune:", FACES,
             N_("Threshold lab: ROC, EER and a threshold for your own labelled photos")),
    PageSpec("views/experiment.py", "experiment", N_("Experiment: CNN or embedding?"), ":material/science:", FACES,
             N_("Experiment: a small CNN from scratch against DeepFace embeddings + nearest neighbour")),
    PageSpec("views/face_models.py", "face-models", N_("Face models"), ":material/inventory_2:", FACES,
             N_("Face models: every DeepFace model and detector, and which run offline here")),
    PageSpec("views/lesson.py", "lesson", N_("Lesson"), ":material/school:", CLASS,
             N_("Lesson: the lecture step by step, with its exercises; in a live class, students' devices follow the "
                "teacher's steps")),
    PageSpec("views/class.py", "class", N_("Live class"), ":material/groups:", CLASS,
             N_("Live class: the lecturer runs quiz rounds on the projector, every student answers on their own "
                "device, the model plays too")),
)


def sections() -> dict[str, list[tuple[PageSpec, st.Page]]]:
    """The pages by section, made on every run, after the session's language is known (their titles are
    translated)."""
    grouped: dict[str, list[tuple[PageSpec, st.Page]]] = {}
    for spec in PAGES:
        page = st.Page(spec.file, title=_(spec.title), icon=spec.icon, url_path=spec.path)
        grouped.setdefault(spec.section, []).append((spec, page))
    return grouped


def home() -> None:
    st.title("One-Shot Lab")
    st.markdown(_(
        "Learning a new class from **one example**: a child who has seen one drawing of a new letter can pick out "
        "other drawings of it. This lab lets you try it, and see how a machine does it.\n\n"
        "1. **Omniglot and Siamese networks**: 1,623 handwritten characters from 50 alphabets, each drawn by 20 "
        "people (Lake et al., 2015). A Siamese network (Koch et al., 2015) learns whether two drawings show the "
        "same character, from the 30 *background* alphabets, and is tested on the 20 *evaluation* alphabets it "
        "has never seen.\n"
        "2. **Face recognition with DeepFace**: detect, align, embed, match, the same idea applied to faces."
    ))
    for section, pages in sections().items():
        st.header(_(section))
        for spec, page in pages:
            st.page_link(page, label=_(spec.link))
    data_ui()
    models_ui()


def data_ui() -> None:
    st.header(_("Data"))
    states = status()
    rows = [{_("file"): OFFICIAL_FILES[state.key].file_name, _("status"): data_state(state), _("path"): str(state.path)}
            for state in states]
    st.table(pd.DataFrame(rows).set_index(_("file")))
    st.caption(_("Data folder: `{folder}` (environment variable `OMNIGLOT_DIR`). Decoded arrays are cached in "
                 "`{cache}`.").format(folder=omniglot_dir(), cache=array_cache_dir()))
    if not all(state.available for state in states):
        st.warning(_("Some Omniglot files are missing, so the pages that need them cannot run yet."))
        data_missing_panel()
    else:
        st.success(_("All Omniglot files are in place."))


def data_state(state: FileStatus) -> str:
    if state.present:
        return _("zip")
    return _("extracted folder") if state.extracted else _("missing")


def models_ui() -> None:
    st.header(_("Models"))
    models = list_models()
    if models:
        st.table(models_table(models, session_owner()))
    else:
        st.info(_("No trained model found. Train one on the training page."))


def main() -> None:
    st.set_page_config(page_title="One-Shot Lab", page_icon=str(FAVICON), layout="wide")
    lesson_slot = st.sidebar.container()  # the top of the sidebar: a joined student's "Follow the teacher"
    language_ui()  # first: every string after it is in the session's language
    projector_toggle()
    sign_in_ui()  # the lecturer's password, when one is set; students see what is the teacher's, explained
    with st.sidebar:
        link_to_view_ui()  # the URL holds the page's settings (bound widgets), the language and projector mode
    navigation = st.navigation({
        "One-Shot Lab": [st.Page(home, title=_("Home"), icon=":material/home:", default=True)],
        **{_(section): [page for _spec, page in pages] for section, pages in sections().items()},
    })
    if follow_ui(navigation.url_path, lesson_slot):  # a joined student follows the teacher (ui/lesson.py)
        return  # on the way to the teacher's step: this run draws no page
    navigation.run()


if __name__ == "__main__":  # a session's script run
    main()
else:  # imported by `streamlit run app.py` (uvicorn): the server, with the class's routes beside the app
    import asyncio
    from contextlib import asynccontextmanager

    from starlette.middleware import Middleware

    from api.classroom import lifespan as class_routes, routes
    from api.widget_states import ForgedWidgetStates
    from lab.faces.embedding import warm_up
    from lab.memory import give_back_periodically
    from ui.roles import announce_teacher_link

    @asynccontextmanager
    async def lifespan(server: object):  # type: ignore[no-untyped-def]
        """The server's start and stop: the teacher link, the face model, memory housekeeping, the class routes."""
        announce_teacher_link(int(st.get_option("server.port")), https=bool(st.get_option("server.sslCertFile")))
        warm_up("Facenet")  # in the background: a class's first photo verifications do not wait for the model
        trimming = asyncio.get_running_loop().create_task(give_back_periodically(), name="give back freed memory")
        try:
            async with class_routes(server):
                yield
        finally:
            trimming.cancel()

    app = st.App("app.py", routes=routes(), lifespan=lifespan, middleware=[Middleware(ForgedWidgetStates)])
