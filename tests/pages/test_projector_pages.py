"""AppTest tests of projector mode (``?projector=1``) on the pages whose layout it changes, and of its figures."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.support.pages import metrics, start


def element_types(app: AppTest) -> list[str]:
    """The main area's elements in page order, by type ("metric", "image", "plotly_chart", ...)."""
    found: list[str] = []

    def visit(node: object) -> None:
        kind = getattr(node, "type", None)
        if kind and not getattr(node, "children", None):
            found.append(kind)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(app.main)
    return found


def test_verify_puts_the_verdict_above_the_photos_on_a_projector() -> None:
    for projector, verdict_first in (("1", True), ("0", False)):
        app = start("views/verify.py", params={"projector": projector})
        assert metrics(app)["verdict"] == "same person"
        kinds = element_types(app)
        assert (kinds.index("metric") < kinds.index("image")) is verdict_first, kinds


def test_figures_are_drawn_large_and_black_on_a_projector() -> None:
    app = start("views/threshold.py", params={"projector": "1"})
    charts = app.get("plotly_chart")
    assert len(charts) == 2 and not app.exception
    for chart in charts:
        layout = json.loads(chart.proto.spec)["layout"]
        assert layout["font"] == {"size": 18, "color": "#000"}, layout["font"]
    plain = start("views/threshold.py")
    assert "size" not in json.loads(plain.get("plotly_chart")[0].proto.spec)["layout"].get("font", {})


def test_identify_on_a_projector() -> None:
    app = start("views/database.py", params={"projector": "1"})
    app.selectbox(key="database").set_value("+ new database").run()  # other tests may have made databases before
    app.text_input(key="db_new").set_value("projected").run()
    app.button(key="enrol_samples").click().run()
    assert any(s.value.startswith("**kit_harington**") for s in app.success)  # the default sample, johnsnow_test1.jpg
    app.slider(key="threshold_facenet_cosine").set_value(0.05).run()
    assert any(w.value.startswith("**Unknown**") for w in app.warning) and not app.exception
