"""Two drawings, one distance: the lecture's last exercise, on drawings picked from Omniglot or uploaded."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab.data.omniglot import display_character, display_name
from lab.errors import LabError
from lab.formatting import format_decimal, format_message
from lab.i18n import N_, _
from lab.images import read_drawing, to_display
from lab.limits import DRAWER
from lab.siamese.preprocess import downsample
from lab.workflows.coded_set import CodedSet
from lab.workflows.pairs import compare_drawings
from ui.model_chooser import evaluation_or_explain
from ui.settings import Setting, check_link, in_language

SOURCES = (N_("From the evaluation set"), N_("Upload an image"))
# Both drawings start in the first alphabet, on its first character, by two different people (a "same" pair).
DEFAULT_CHARACTER = 0
DEFAULT_DRAWER = {1: 1, 2: 2}


def drawing_settings(evaluation: CodedSet, side: int, alphabet: str) -> list[Setting]:
    """Drawing ``side``'s settings (``source1``, ``alphabet1``, ``character1``, ``drawer1``...): a character of
    ``alphabet``, shown and linked by its folder name ("character05"; its alphabet has a box of its own)."""
    data = evaluation.data
    start, stop = data.alphabets[alphabet]
    first = DEFAULT_CHARACTER if start <= DEFAULT_CHARACTER < stop else start
    return [Setting(f"source{side}", "radio", N_("Source"), options=SOURCES, shown=in_language(), translated=True,
                    extra={"horizontal": True}),
            Setting(f"alphabet{side}", "selectbox", N_("Alphabet"), options=data.alphabet_names,
                    default=data.alphabet_of(DEFAULT_CHARACTER), shown=display_name),
            Setting(f"character{side}", "selectbox", N_("Character"), options=range(start, stop), default=first,
                    shown=data.character_label),
            Setting(f"drawer{side}", "slider", N_("Drawer"), bounds=DRAWER, default=DEFAULT_DRAWER[side])]


def explain_link(evaluation: CodedSet) -> None:
    """The link's refused values, on the page's first run (later the widgets hold the values); a character is
    checked against the alphabet that its drawing will show."""
    data = evaluation.data
    shown = {display_name(name): name for name in data.alphabet_names}
    check_link([setting for side in DEFAULT_DRAWER for setting in drawing_settings(
        evaluation, side, shown.get(st.query_params.get(f"alphabet{side}", ""), data.alphabet_of(DEFAULT_CHARACTER)))])


def drawing_ui(evaluation: CodedSet, side: int) -> tuple[np.ndarray, str, np.ndarray | None] | None:
    """Drawing ``side`` (1 or 2, 105x105 bool), a description and its code if the evaluation set's codes hold it,
    or None after saying why an upload cannot be used. The choice is in the URL (``alphabet1``, ``character1``,
    ``drawer1``...); an upload is not."""
    data = evaluation.data
    source_setting, alphabet_setting = drawing_settings(evaluation, side, data.alphabet_of(DEFAULT_CHARACTER))[:2]
    if source_setting.draw() == SOURCES[0]:
        alphabet = alphabet_setting.draw()
        character_setting, drawer_setting = drawing_settings(evaluation, side, alphabet)[2:]
        character, drawer = character_setting.draw(), drawer_setting.draw()
        return data.images[character, drawer - 1], _("{character}, drawer {drawer}").format(
            character=display_character(data.character_names[character]), drawer=drawer), \
            evaluation.codes[character, drawer - 1]
    upload = st.file_uploader(_("A drawing: dark strokes on a light background (PNG, JPEG, ...)"),
                              type=["png", "jpg", "jpeg", "bmp", "gif", "webp"], key=f"pair_upload_{side}")
    if upload is None:
        st.info(_("Upload a drawing, for example one of Omniglot's 105x105 PNG files."))
        return None
    try:
        drawing = read_drawing(upload.getvalue(), upload.name)
    except LabError as exc:
        st.error(str(exc))
        return None
    return drawing.ink, f"{upload.name} ({drawing.note})", None


def main() -> None:
    st.title(_("Two drawings, one distance"))
    st.markdown(_("Pick or upload two drawings. The network turns each into a code; the distance between the codes "
                  "gives a similarity score, and the model's threshold turns it into a decision."))
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    explain_link(evaluation)
    chosen = []
    for column, side, heading in zip(st.columns(2), DEFAULT_DRAWER, (_("First drawing"), _("Second drawing"))):
        with column:
            st.subheader(heading)
            chosen.append(drawing_ui(evaluation, side))
    if any(c is None for c in chosen):
        return
    (left, left_name, left_code), (right, right_name, right_code) = chosen
    model = evaluation.model
    # A drawing of the set has its code already; only an upload goes through the network (loaded now, once).
    with st.spinner(_("Loading the model...")):
        comparison = compare_drawings(model, left, right, evaluation.threshold, (left_code, right_code))
    similarity, threshold, same = comparison.similarity, comparison.threshold, comparison.same

    factor = model.downsample
    views = [to_display(left), to_display(right)]
    captions = [left_name, right_name]
    if factor > 1:
        views += [np.round(255 * (1 - downsample(d[None], factor)[0])).astype(np.uint8) for d in (left, right)]
        captions += [_("as the network sees it ({size}x{size} pixels)").format(size=105 // factor)] * 2
    st.image(views, caption=captions, width=160, output_format="PNG")
    cells = st.columns(3)
    cells[0].metric(_("Similarity score (0 to 1)"), format_decimal(similarity, 3))
    if comparison.logit is None:
        cells[1].metric(_("Euclidean distance between the codes"), format_decimal(comparison.distance, 3),
                        help=_("The codes have length 1, so distances lie between 0 and 2; similarity = 1 - "
                               "distance / 2."))
    else:
        cells[1].metric(_("Weighted L1 distance (logit of the head)"), format_decimal(comparison.logit, 2))
    cells[2].metric(_("Model's threshold on the similarity"), format_decimal(threshold, 3))
    verdict = (_("**Same character** (similarity {similarity:.3f} > threshold {threshold:.3f})") if same
               else _("**Different characters** (similarity {similarity:.3f} <= threshold {threshold:.3f})"))
    (st.success if same else st.warning)(format_message(verdict, similarity=similarity, threshold=threshold))


main()
