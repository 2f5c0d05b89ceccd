// The live class on a device, without script reruns (ui/class_live.py mounts it; api/classroom.py serves it).
//
// Every mounted copy holds one long poll on /api/class/CODE/stage. A student's copy draws the round itself: on a new
// stage it waits 0-500 ms (so that 100 phones do not ask in the same millisecond), fetches its view of the round
// (with the drawings once per round), and posts the answer on a click. The projector's copy shows the live counts.
// Either asks Streamlit for one rerun only when the page's own content must change: the projector on every new
// stage (in the face round: every face given or deleted), a student when the class ends, the device is no longer in
// it, the face round opens or closes (its form is the page's), or the teacher moved the lesson to another step (the
// "follow" mode: a joined student's watcher on the other pages). After an error it waits 1, 2, 4... 15 s;
// when the page becomes visible again (a phone woken up) it asks at once.
// (fetchWithin, element, sentence and watch come from ui/class_live_watch.js, placed before this file.)
// What the projector's page draws: the stage, and in the face round the number of faces too (its results change with
// every face given or deleted).
const drawnKey = (stage) => (stage.activity === "faces" ? `${stage.version}/${stage.faces}` : stage.version);

function projector(root, data, setTriggerValue) {
  const t = data.texts;
  const counts = element("div", "counts");
  const trouble = element("p", "trouble");
  root.replaceChildren(counts, trouble);
  let asked = "";
  let first = true;

  function metric(label, value) {
    const box = element("div", "metric");
    box.append(element("div", "label", label), element("div", "value", value));
    return box;
  }

  return watch(data, true, async (stage) => {
    counts.replaceChildren(metric(t.students, stage.players));
    if (stage.activity === "faces") counts.appendChild(metric(t.faces, stage.faces));
    else if (stage.round !== null) {
      counts.appendChild(metric(t.answers.replace("{number}", stage.round), `${stage.answered} / ${stage.players}`));
    }
    const drawnNow = drawnKey(stage);
    if (drawnNow !== data.drawn && drawnNow !== asked) {
      if (first) { // just mounted by the page's own rerun: the server's copy may be a refresh behind the page
        first = false;
        await sleep(700);
        const again = await fetchWithin(`${data.api}/${encodeURIComponent(data.code)}/stage?live=1`,
          { cache: "no-store" }, REQUEST_MS);
        if (again.ok && drawnKey(await again.json()) === data.drawn) return;
      }
      asked = drawnNow; // one rerun per new stage: the page draws the round, the reveal or the end
      setTriggerValue("stage", drawnNow);
    }
    first = false;
  }, (state) => {
    trouble.textContent = state === "offline" ? t.offline : "";
  });
}

function student(root, data, setTriggerValue) {
  const t = data.texts;
  const header = element("div", "header");
  const trouble = element("p", "trouble");
  const body = element("div", "round");
  root.replaceChildren(header, trouble, body);
  let images = null;
  let view = null;
  let sending = false;
  let notice = "";

  let asked = null;
  function rerunOnce(version) {
    if (version === data.drawn || version === asked) return;
    asked = version; // one rerun per stage, however many times the poll reports it
    setTriggerValue("stage", version);
  }

  // Whether the page must be drawn again for this stage, not just the component: the face round opened or closed
  // (its form is the page's), or the teacher moved the lesson.
  const pageChanged = (stage) => lessonMoved(data, stage) || (stage.activity === "faces") !== (data.activity === "faces");
  let first = true;
  async function rerunIfPageChanged(stage) {
    const mounted = first;
    first = false;
    if (!pageChanged(stage)) return;
    if (mounted) { // just mounted by the page's own run: this server's copy of the stage may be a refresh behind it
      await sleep(700);
      const again = await fetchWithin(`${data.api}/${encodeURIComponent(data.code)}/stage`, { cache: "no-store" },
        REQUEST_MS);
      if (again.ok && !pageChanged(await again.json())) return;
    }
    await sleep(Math.random() * 500); // a whole class's reruns spread over half a second
    rerunOnce(stage.version);
  }

  function draw() {
    header.replaceChildren(sentence("p", "score", t.you, {
      nickname: view.nickname, code: view.code, correct: view.correct, answered: view.answered,
    }));
    body.replaceChildren();
    if (view.round === null) {
      body.appendChild(element("div", "box info", t.waiting));
      return;
    }
    body.appendChild(element("h3", "", t.round.replace("{number}", view.round)));
    if (view.revealed) {
      const right = view.answer + 1;
      if (view.choice === null) body.appendChild(element("div", "box warning", t.missed.replace("{number}", right)));
      else if (view.choice === view.answer) body.appendChild(element("div", "box success", t.right.replace("{number}", right)));
      else body.appendChild(element("div", "box error", t.wrong.replace("{choice}", view.choice + 1).replace("{number}", right)));
      body.appendChild(element("p", "caption", t.model.replace("{choice}", view.model_answer + 1)));
    } else if (view.choice !== null) {
      body.appendChild(element("div", "box info", t.answered.replace("{choice}", view.choice + 1)));
    }
    if (notice) body.appendChild(element("div", "box error", notice));
    if (!images || images.round !== view.round) return;
    const query = element("figure", "query");
    const picture = element("img");
    picture.src = images.query;
    picture.alt = t.query;
    query.append(picture, element("figcaption", "", t.query));
    body.appendChild(query);
    const grid = element("div", "candidates");
    const open = !view.revealed && view.choice === null;
    images.candidates.forEach((source, i) => {
      const cell = element("figure", "candidate");
      const drawing = element("img");
      drawing.src = source;
      drawing.alt = String(i + 1);
      const marks = [];
      if (view.revealed && i === view.answer) marks.push(t.right_mark);
      if (view.revealed && i === view.model_answer) marks.push(t.model_mark);
      if (view.revealed && i === view.answer) cell.classList.add("answer");
      cell.append(drawing, element("figcaption", "", marks.length ? `${i + 1} (${marks.join(", ")})` : String(i + 1)));
      if (open) {
        const button = element("button", "", String(i + 1));
        button.type = "button";
        button.title = t.answer_help.replace("{number}", i + 1);
        button.disabled = sending;
        button.addEventListener("click", () => answer(i));
        cell.appendChild(button);
      }
      grid.appendChild(cell);
    });
    body.appendChild(grid);
  }

  // Fetches and draws this player's view of the round; false once the page must take over (no more watching).
  async function fetchView() {
    const have = images ? images.round : "";
    const response = await fetchWithin(`${data.api}/${encodeURIComponent(data.code)}/round?have=${have}`,
      { headers: { "X-Player-Token": data.token }, cache: "no-store" }, REQUEST_MS);
    if (response.status === 403 || (await classGone(response))) {
      rerunOnce("gone"); // the page says what happened (left the class, or it is gone)
      return false;
    }
    if (!response.ok) throw new Error(`round: HTTP ${response.status}`);
    view = await response.json();
    if (view.images) images = view.images;
    if (view.ended) {
      rerunOnce("ended");
      return false;
    }
    draw();
    return true;
  }

  async function answer(choice) {
    if (sending || !view) return;
    sending = true;
    notice = "";
    draw();
    try {
      const response = await fetchWithin(`${data.api}/${encodeURIComponent(data.code)}/answer`, {
        method: "POST", cache: "no-store",
        headers: { "X-Player-Token": data.token, "Content-Type": "application/json" },
        body: JSON.stringify({ round: view.round, choice }),
      }, REQUEST_MS);
      if (response.status === 409) notice = t.closed;
      else if (!response.ok) notice = t.failed;
      // As the server has it now: the answer that stands (another tab's, if it came first), or the closed round.
      if (response.ok || response.status === 409) await fetchView();
    } catch (problem) {
      notice = t.failed;
    } finally {
      sending = false;
      if (view) draw();
    }
  }

  return watch(data, false, async (stage) => {
    if (stage.ended) {
      rerunOnce("ended");
      return false;
    }
    if (data.activity === "faces" || stage.activity === "faces") { // the page draws the face round's form itself
      body.replaceChildren();
      await rerunIfPageChanged(stage);
      return true; // watching on: a removal or a new face changes nothing on this page
    }
    await rerunIfPageChanged(stage); // the teacher moved the lesson: the page follows
    notice = "";
    await sleep(Math.random() * 500); // spread a whole class's requests over half a second
    return fetchView();
  }, (state) => {
    trouble.textContent = state === "offline" ? t.offline : state === "gone" ? t.gone : "";
    if (state === "gone") rerunOnce("gone");
  });
}

// Whether the class's lesson step differs from the one the page drew (``data.lesson``; absent: the page ignores it).
function lessonMoved(data, stage) {
  return data.lesson !== undefined && (stage.lesson ?? null) !== data.lesson;
}

// A joined student's watcher on a page other than the class page: it draws nothing (a line when offline) and asks
// for one rerun when the teacher moves the lesson to another step or the class ends; the page then follows.
function follow(root, data, setTriggerValue) {
  const trouble = element("p", "trouble");
  root.replaceChildren(trouble);
  if (data.go) { // on the way to the teacher's step: the next run switches there
    const timer = setTimeout(() => setTriggerValue("lesson", data.go), 0);
    return () => clearTimeout(timer);
  }
  let asked = null;
  let first = true;
  return watch(data, false, async (stage) => {
    if (!stage.ended && !lessonMoved(data, stage)) {
      first = false;
      return true;
    }
    if (first && !stage.ended) { // just mounted by the page's rerun: the server's copy may be a refresh behind
      first = false;
      await sleep(700);
      const again = await fetchWithin(`${data.api}/${encodeURIComponent(data.code)}/stage`,
        { cache: "no-store" }, REQUEST_MS);
      if (again.ok && !lessonMoved(data, await again.json())) return true;
    }
    if (stage.version !== asked) {
      asked = stage.version;
      await sleep(Math.random() * 500); // a whole class's reruns spread over half a second
      setTriggerValue("lesson", stage.lesson ?? "");
    }
    return !stage.ended;
  }, (state) => {
    trouble.textContent = state === "offline" ? data.texts.offline : "";
  });
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".oneshot-live");
  if (!root) {
    root = element("div", "oneshot-live");
    parentElement.appendChild(root);
  }
  if (root.__stop) root.__stop(); // mounted again with new data (a rerun): one watcher per element
  const modes = { projector, student, follow };
  const stop = (modes[data.mode] || student)(root, data, setTriggerValue);
  root.__stop = stop;
  return () => {
    stop();
    if (root.__stop === stop) root.__stop = null;
  };
}
