"""End to end: two app servers behind HAProxy (``./run.sh cluster 2``), as a large course runs the lab.

Streamlit keeps a browser's session and its uploads in one server process, so HAProxy must send every request of
one browser, the WebSocket included, to the same replica; these tests watch which replica answered each request
(HAProxy's X-Oneshot-Replica header) and the sticky cookie it set.
"""

from __future__ import annotations

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser import metric_value, verify_uploads
from tests.support.cluster import REPLICA_HEADER

BROKEN = ("Connection error", "Connection lost", "Is Streamlit still running?")


class Watched:
    """A page whose responses from the balancer and WebSockets are recorded."""

    def __init__(self, browser, cluster) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)
        self.replicas: list[tuple[str, str | None]] = []  # (url, replica) of every HTTP answer through the balancer
        self.sockets: list = []
        self.frames: dict[str, int] = {}

        def answered(response) -> None:  # type: ignore[no-untyped-def]
            if response.url.startswith(cluster.url):
                self.replicas.append((response.url, response.headers.get(REPLICA_HEADER)))

        def opened(socket) -> None:  # type: ignore[no-untyped-def]
            self.sockets.append(socket)
            key = f"{len(self.sockets)}:{socket.url}"
            self.frames[key] = 0

            def received(_payload) -> None:  # type: ignore[no-untyped-def]
                self.frames[key] += 1

            socket.on("framereceived", received)

        # Routing every request turns the browser's cache off: a cached file would be reported with the headers of
        # the replica that first sent it.
        self.page.route("**/*", lambda route: route.continue_())
        self.page.on("response", answered)
        self.page.on("websocket", opened)

    def served_by(self) -> set[str | None]:
        return {replica for _, replica in self.replicas}

    def assert_rendered(self) -> None:
        self.page.get_by_role("heading", name="One-Shot Lab").wait_for()
        for text in BROKEN:
            assert self.page.get_by_text(text, exact=False).count() == 0, f"the page shows {text!r}"

    def close(self) -> None:
        self.context.close()


def test_each_browser_sticks_to_one_replica_and_its_websocket_works(cluster_url, browser) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_url
    students = [Watched(browser, cluster), Watched(browser, cluster)]
    try:
        stuck = []
        for number, student in enumerate(students, 1):
            student.page.goto(cluster.url)
            student.assert_rendered()
            replica = cluster.replica_of(student.context)
            assert replica in cluster.names, f"HAProxy's cookie names a replica: {replica!r}"
            for _ in range(2):  # reloads (new WebSockets) stay on the same replica
                student.page.reload()
                student.assert_rendered()
                assert cluster.replica_of(student.context) == replica
            assert student.served_by() == {replica}, student.replicas
            # The WebSocket went through the balancer, and the live one carries the app's messages.
            streams = [s for s in student.sockets if s.url.startswith(cluster.url.replace("http", "ws", 1))]
            assert streams and all("/_stcore/stream" in s.url for s in streams), [s.url for s in student.sockets]
            assert not streams[-1].is_closed()
            assert list(student.frames.values())[-1] > 0, student.frames
            student.page.screenshot(path=str(ARTIFACTS / f"cluster-student{number}.png"))
            stuck.append(replica)
        # leastconn: the second browser arrives while the first one's WebSocket holds a connection to its replica.
        assert sorted(stuck) == cluster.names, f"two browsers, two replicas: {stuck}"
    finally:
        for student in students:
            student.close()


def test_replicas_answer_directly_and_a_pinned_browser_reaches_its_replica(cluster_url, browser) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_url
    student = Watched(browser, cluster)
    try:
        for name, url in cluster.replicas.items():
            student.page.goto(url)  # a replica's own address: no balancer, no cookie
            student.assert_rendered()
        for name in reversed(cluster.names):
            cluster.pin(student.context, name)
            student.page.goto("about:blank")  # the last page's late requests (lazy scripts) must not count here
            student.page.wait_for_timeout(500)
            student.replicas.clear()
            student.page.goto(cluster.url)
            student.assert_rendered()
            assert cluster.replica_of(student.context) == name
            assert student.served_by() == {name}, student.replicas
    finally:
        student.close()


def test_uploaded_photos_are_verified_through_the_balancer(cluster_url, browser, faces_dir) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_url
    student = Watched(browser, cluster)
    try:
        page = student.page
        page.set_default_timeout(240_000)  # the replica imports TensorFlow and DeepFace on its first face page
        verify_uploads(cluster.url, page, faces_dir / "train/kit_harington/john1.jpeg",
                       faces_dir / "test/johnsnow_test1.jpg")
        page.get_by_text("the same person", exact=False).first.wait_for()
        assert metric_value(page, "verdict") == "same person"
        assert float(metric_value(page, "cosine distance between the faces")) < 0.40
        replica = cluster.replica_of(student.context)
        uploads = [(url, r) for url, r in student.replicas if "/_stcore/upload_file" in url]
        assert len(uploads) >= 2 and {r for _, r in uploads} == {replica}, uploads
        assert student.served_by() == {replica}, student.replicas
        for text in BROKEN:
            assert page.get_by_text(text, exact=False).count() == 0, f"the page shows {text!r}"
        page.screenshot(path=str(ARTIFACTS / "cluster-verify.png"), full_page=True)
    finally:
        student.close()
