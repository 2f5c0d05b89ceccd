"""Every Plotly figure of the lab, and their look.

- :mod:`lab.figures.style`: the palette, margins and legends, the two registered templates (``oneshot`` and
  ``oneshot_projector``) and :func:`~lab.figures.style.for_screen`, which draws a figure in the one projector mode
  chooses;
- :mod:`lab.figures.omniglot`: the data set, ROC, quiz, embedding map and training figures;
- :mod:`lab.figures.faces`: the face threshold lab's and the experiment's;
- :mod:`lab.figures.classroom`: the live class's, for the projector.

Pages pass every figure through ``ui.projector.projected``; no module outside this package sets a Plotly layout,
margin, template or colour (tests/unit/test_architecture.py).
"""
