"""A class of N students on one server: N concurrent sessions driven at the protocol level, a few real browsers.

Each simulated student is one WebSocket session of :mod:`bench.client` (asyncio, one process: a rerun costs the
client a few milliseconds of CPU, where a headless Chromium context costs seconds), and does what a student does in
a lesson, with a human pause (``--think``) between actions:

1. **join** the class: open ``/class?class=CODE``, type a nickname (``nickname``) and click Join (``class_join``);
   timed from the click until the page shows the student in the class, its component (``class_live``, an
   ``st.components.v2`` component) mounted with the student's token in its data;
2. **answer** ``--rounds`` questions as the component does in the browser, with no script run per round: long-poll
   ``GET /api/class/CODE/stage?seen=VERSION`` (the server holds it until the stage changes, about 25 s at most); on
   a change wait up to 0.5 s, then ``GET /api/class/CODE/round?have=N`` (``X-Player-Token``) for the round and its
   images (``round_visible``: from the teacher's start of the round until the student has them); think, then
   ``POST /api/class/CODE/answer`` (``answer``: timed until the server's answer); after a failed request wait 1 s,
   doubling up to 15 s. The teacher (this script, through ``lab.classroom`` on the same database) starts the first
   round once every student (and browser) is in, and reveals each round once every student answered (or after
   ``--round-timeout``); when the stage says the class ended, the component asks for one rerun of the page
   (``class_end``). The projector's page is open too, its component long-polling with ``live=1`` and rerunning the
   page when the stage's version changes;
3. **slider**: on ``/roc``, moves the threshold slider (``threshold``, views/roc.py) ``--slider-moves``
   times, each timed until the page's caption shows the new threshold;
4. **verify**: on ``/verify``, switches both photos to Upload and uploads a pair of photos of ``$FACES_DIR`` (each
   student another pair), timed from the second upload until the verdict is shown (``verify``) and from the first
   upload (``verify_pair``).

Alongside, ``--browsers`` real headless Chromium sessions (Playwright, the e2e tests' Chromium and flags) check that
the pages still render for a browser under that load: each joins the class and sees every round drawn by the
component (its title, seconds from the round's start), then ``/roc`` shows its figure and ``/verify`` its verdict.
The bench finds widgets by their keys and elements by kind, never by the page's (translated) text.

``--idle-poll S``: before the first round, with every student in and long-polling, the server's CPU for S seconds
(``idle_class_page``: cores, % of a core per student, stage requests answered meanwhile). Each round prints how
many students had it within 2 s and 3 s, p95 ``round_visible`` and ``answer`` and the server's CPU (``rounds``);
``script_runs_per_student_round`` shows the script runs of the students' sessions while the rounds ran.

Without ``--url`` the script starts its own ``streamlit run app.py`` with a fresh SQLite database
(``ONESHOT_DATABASE_URL``, also used here for the teacher's side) and an empty model store, and samples the server's
process tree (CPU seconds, peak RSS; psutil if installed, else /proc). With ``--url`` it drives that server; set
``ONESHOT_DATABASE_URL`` to the server's database for the class part, and ``--server-pid`` (else the process
listening on the URL's port is looked up in /proc) for the server's figures. The client's own CPU seconds are
reported beside the server's, so a reader sees which side was the limit.

    .venv/bin/python -m bench.classroom --sessions 30 [--url URL] [--json FILE]
    .venv/bin/python -m bench.classroom --sessions 30 --cold [--json FILE]

(``python bench/bench_classroom.py ...`` is the same, once the project is installed: ``pip install -e .``.)

``--cold``: a fresh server, the shipped model's stored codes removed; all N sessions open ``--cold-page`` (``/roc``)
at once, then N new sessions again on the now warm server: each session's time to the first render, the server's
CPU seconds per wave, and how many code files were written (one per kind of codes: computed once, not N times).

Targets (one server, 30 sessions): no errors; p95 at most 1 s for an answer and a slider move, 3 s for a verify.

Modules: :mod:`.main` (the command line), :mod:`.lesson` (what the class shares), :mod:`.students`,
:mod:`.projector`, :mod:`.teacher`, :mod:`.component` (the class page's component, less its drawing), :mod:`.idle`
(the class page at rest), :mod:`.browsers` (the real browsers' checks), :mod:`.cold` (``--cold``) and
:mod:`.report`.
"""
