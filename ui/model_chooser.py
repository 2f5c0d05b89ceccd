"""The model chooser of the evaluation pages, and the per-server caches of models and codes behind it.

A model and the codes of the 13,180 evaluation drawings are computed once per server process and shared by
every session (``st.cache_resource``), keyed by the model's name and the modification stamp of its file, so a
retrained model of the same name is never served stale. Everything a slider changes is NumPy on those codes.
"""

from __future__ import annotations

import gc

import numpy as np
import streamlit as st

from lab.config import omniglot_dir
from lab.errors import LabError
from lab.files import file_stamp
from lab.siamese.model import SiameseModel
from lab.siamese.store import DEFAULT_MODEL, ModelInfo, list_models
from lab.workflows.evaluation import Evaluation, set_codes
from ui.names import short_names
from ui.omniglot_data import cached_set, load_set_or_explain

CHOSEN = "chosen_model"  # survives page changes, unlike a widget's own key
# Streamlit cannot hash a model; an Evaluation is identified by its model's name and file stamp instead, so
# cached page computations take the Evaluation itself (``@st.cache_resource(hash_funcs=BY_MODEL)``).
BY_MODEL = {Evaluation: lambda evaluation: evaluation.key}


@st.cache_resource(show_spinner="Loading the model...", max_entries=4)
def cached_model(name: str, stamp: tuple[int, int]) -> tuple[SiameseModel, ModelInfo]:
    from lab.siamese.store import load_model

    loaded = load_model(name)
    # Once Keras is imported, Streamlit calls keras.backend.clear_session() after every script run, and that
    # runs a full garbage collection over TensorFlow's hundreds of thousands of objects: 0.2 s of every
    # rerun on a 2-core CPU. Freezing what exists now (modules, the model) takes them out of those
    # collections; they live as long as the server anyway.
    gc.freeze()
    return loaded


EMBEDDING_SPINNER = ("Computing the codes of all 13,180 evaluation drawings, once per model (seconds for a compact "
                     "model, minutes for Koch's on a CPU)...")


@st.cache_resource(show_spinner=EMBEDDING_SPINNER, max_entries=8)
def cached_codes(name: str, stamp: tuple[int, int], layer: str, data_dir: str) -> np.ndarray:
    model, _ = cached_model(name, stamp)
    return set_codes(model, cached_set("evaluation", data_dir), layer)


def model_ui() -> ModelInfo | None:
    """A sidebar choice of stored model (the shipped default first); the choice follows the user across pages."""
    models = list_models()
    if not models:
        st.warning("The model store is empty: train a model on the training page first.")
        return None
    names = [m.name for m in models]
    chosen = st.session_state.get(CHOSEN, DEFAULT_MODEL)
    index = names.index(chosen) if chosen in names else 0
    # The widget's own state holds a choice made in this run; a long name is cut in the box, so help shows it whole.
    current = st.session_state.get("model_select")
    current = current if current in names else names[index]
    name = st.sidebar.selectbox(
        "Model", names, index=index, key="model_select", format_func=short_names(names).get,
        help=f"Now: **{current}**. Every figure on this page is computed with this model. Train more on the training page.",
    )
    st.session_state[CHOSEN] = name
    return models[names.index(name)]


def evaluation_or_explain() -> Evaluation | None:
    """The chosen model with the evaluation set and its codes, or None after telling the user what is wrong."""
    info = model_ui()
    if info is None:
        return None
    data = load_set_or_explain("evaluation")
    if data is None:
        return None
    try:
        stamp = file_stamp(info.path)
        model, info = cached_model(info.name, stamp)
        codes = cached_codes(info.name, stamp, "embedding", str(omniglot_dir()))
    except LabError as exc:
        st.error(f"Model {info.name!r} cannot be used: {exc}")
        return None
    st.sidebar.caption(
        f"Model **{info.name}**: {info.metadata.get('architecture', '?')} tower, {info.metadata.get('loss', '?')} "
        f"loss, threshold {info.threshold:.3f} on its similarity score."
    )
    return Evaluation(model, info, data, codes)
