"""The model chooser of the evaluation pages, and the per-server caches of models and codes behind it.

The codes of the 13,180 evaluation drawings are computed once per model file and data version and kept on disk
beside the model (lab.siamese.code_store), so a restarted server reads them instead of running the network again;
in memory they are shared by every session (``st.cache_resource``), keyed by the model's name and the stamp of
its file, so a retrained model of the same name is never served stale. The network itself (and TensorFlow) is
loaded only when drawings must go through it: everything a slider changes is NumPy on those codes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import numpy as np
import streamlit as st

from lab.config import omniglot_dir
from lab.errors import LabError
from lab.files import file_stamp
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.siamese.model import LazyModel, SiameseModel
from lab.siamese.store import DEFAULT_MODEL, ModelInfo, find_model, list_models
from lab.workflows.coded_set import CodedSet, lazy_model, stored_set_codes
from ui.names import short_names
from ui.omniglot_data import cached_set, load_set_or_explain
from ui.settings import Setting

CHOSEN = "chosen_model"  # survives page changes, unlike the widget's own state
KEY = "model"  # the select box's key, and the model's parameter in the URL (?model=default)
# Streamlit cannot hash a model; a CodedSet is identified by its model's name and file stamp instead, so
# cached page computations take the CodedSet itself (``@st.cache_resource(hash_funcs=BY_MODEL)``).
BY_MODEL = {CodedSet: lambda evaluation: evaluation.key}


# No spinner texts on the caches: they are shared by sessions in different languages, and a cache's spinner text
# is fixed when the module is imported. evaluation_or_explain shows translated ones.
@st.cache_resource(show_spinner=False, max_entries=4)
def cached_model(name: str, stamp: tuple[int, int]) -> tuple[SiameseModel, ModelInfo]:
    """The network (TensorFlow is imported here), once per model file and server."""
    from lab.siamese.store import load_model

    loaded = load_model(name)
    # Once Keras is imported, Streamlit calls keras.backend.clear_session() after every script run, and that
    # runs a full garbage collection over TensorFlow's hundreds of thousands of objects: 0.2 s of every
    # rerun on a 2-core CPU. Freezing what exists now (modules, the model) takes them out of those
    # collections; they live as long as the server anyway.
    gc.freeze()
    return loaded


def network_loader(name: str, stamp: tuple[int, int]) -> Callable[[], SiameseModel]:
    return lambda: cached_model(name, stamp)[0]


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_lazy_model(name: str, stamp: tuple[int, int]) -> tuple[SiameseModel | LazyModel, ModelInfo]:
    """The model as the pages use it: its network is loaded (:func:`cached_model`) only when drawings must go
    through it, so the pages that score stored codes open without importing TensorFlow."""
    info = find_model(name)
    return lazy_model(info, network_loader(name, stamp)), info


EMBEDDING_SPINNER = N_("Computing the codes of all 13,180 evaluation drawings, once per model: they are then kept on "
                       "disk beside it (seconds for a compact model, minutes for Koch's on a CPU)...")


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_codes(name: str, stamp: tuple[int, int], layer: str, data_dir: str) -> np.ndarray:
    return stored_set_codes(find_model(name), cached_set("evaluation", data_dir), layer, network_loader(name, stamp))


def model_names() -> list[str]:
    """The stored models' names, the shipped default first: the select box's default, so a link without
    ``model`` means the default model for everyone."""
    names = [m.name for m in list_models()]
    return sorted(names, key=lambda name: name != DEFAULT_MODEL)


def model_setting() -> Setting:
    """``?model=``: a stored model, as the select box shows it (long names are shortened)."""
    names = model_names()
    return Setting(KEY, "selectbox", N_("Model"), options=names, shown=short_names(names).get)


def remember_choice() -> None:
    st.session_state[CHOSEN] = st.session_state[KEY]


def model_ui() -> ModelInfo | None:
    """A sidebar choice of stored model (the shipped default first); the choice follows the user across pages and
    is kept in the URL (``?model=``)."""
    models = {m.name: m for m in list_models()}
    if not models:
        st.warning(_("The model store is empty: train a model on the training page first."))
        return None
    setting = model_setting()
    names = list(setting.options)
    # Each page has its own select box: the choice made on another page is handed over through the session state
    # (a link's ?model= still wins on the page it opens).
    if st.session_state.get(CHOSEN) in names:
        st.session_state[KEY] = st.session_state[CHOSEN]
    current = st.session_state.get(KEY)
    current = current if current in names else names[0]
    # A long name is cut in the box, so help shows it whole.
    name = setting.draw(
        st.sidebar, on_change=remember_choice,
        help=_("Now: **{model}**. Every figure on this page is computed with this model. Train more on the training "
               "page.").format(model=current),
    )
    st.session_state[CHOSEN] = name
    return models[name]


def evaluation_or_explain() -> CodedSet | None:
    """The chosen model with the evaluation set and its codes, or None after telling the user what is wrong."""
    info = model_ui()
    if info is None:
        return None
    data = load_set_or_explain("evaluation")
    if data is None:
        return None
    try:
        stamp = file_stamp(info.path)
        with st.spinner(_("Loading the model...")):
            model, info = cached_lazy_model(info.name, stamp)
        with st.spinner(_(EMBEDDING_SPINNER)):
            codes = cached_codes(info.name, stamp, "embedding", str(omniglot_dir()))
    except LabError as exc:
        st.error(_("Model {name!r} cannot be used: {error}").format(name=info.name, error=exc))
        return None
    st.sidebar.caption(format_message(_(
        "Model **{name}**: {architecture} tower, {loss} loss, threshold {threshold:.3f} on its similarity score."
    ), name=info.name, architecture=info.metadata.get("architecture", "?"), loss=info.metadata.get("loss", "?"),
             threshold=info.threshold))
    return CodedSet(model, info, data, codes)
