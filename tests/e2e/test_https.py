"""HTTPS for phones' cameras: ``./run.sh app --https`` on a machine with no certificate yet makes one and serves the
app and its class routes over TLS; over plain HTTP from another device (a host name that is not localhost, mapped to
127.0.0.1 inside Chromium: no traffic leaves this machine) the camera is replaced by the upload box, with the reason."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO
from tests.e2e.conftest import ARTIFACTS, CHROMIUM_FLAGS, chromium_path, free_port


def get(url: str) -> tuple[int, bytes]:
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE  # the certificate is self-signed: what is checked is that TLS is spoken
    try:
        with urllib.request.urlopen(url, timeout=5, context=unverified) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_run_sh_app_https_makes_a_certificate_and_answers_over_tls(tmp_path: Path, face_environment) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    environment = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "ONESHOT_WARM_FACES": "0"}
    log = ARTIFACTS / "run-sh-https.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "w") as output:
        server = subprocess.Popen(["./run.sh", "app", "--https", "--server.port", str(port), "--server.address",
                                   "127.0.0.1", "--server.headless", "true"], cwd=REPO, env=environment,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                status, body = get(f"https://127.0.0.1:{port}/_stcore/health")
                if status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.5)
        certificate = tmp_path / "config" / "oneshot-lab" / "tls" / "cert.pem"
        assert certificate.is_file() and b"BEGIN CERTIFICATE" in certificate.read_bytes()
        status, body = get(f"https://127.0.0.1:{port}/api/class/NOPE99/stage")
        assert status == 404 and json.loads(body)["error"] == "no_class"
        try:
            get(f"http://127.0.0.1:{port}/_stcore/health")  # plain HTTP gets no answer from a TLS server
            raise AssertionError("the server answered plain HTTP")
        except (OSError, ssl.SSLError):
            pass
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_over_plain_http_from_another_device_the_camera_gives_way_to_uploads(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    port = server_url.rsplit(":", 1)[1]
    # A second Chromium of the session's Playwright, whose resolver maps a name that is not localhost to 127.0.0.1.
    phone_browser = browser.browser_type.launch(executable_path=chromium_path(), headless=True, args=[
        *CHROMIUM_FLAGS, "--host-resolver-rules=MAP phone-view.test 127.0.0.1"])
    try:
        page = phone_browser.new_page(viewport={"width": 390, "height": 844})
        page.set_default_timeout(90_000)
        page.goto(f"http://phone-view.test:{port}/verify?first_source=Camera")
        page.get_by_text("Your browser gives the camera only to pages served over HTTPS").wait_for()
        page.locator("[data-testid='stFileUploader']").first.wait_for()  # drawn just after the reason
        assert page.locator("[data-testid='stCameraInput']").count() == 0
    finally:
        phone_browser.close()
