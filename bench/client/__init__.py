"""A light Streamlit client at the protocol level: one WebSocket per session, protobuf messages, no browser.

Built for :mod:`bench.classroom`: 30 headless Chromium contexts saturate a 2-core machine before the server
does, so the load comes from this client, which costs a few milliseconds of CPU per rerun. It speaks what the
browser speaks to a Streamlit 1.67 server (Starlette/uvicorn), inferred from the server's side
(``streamlit/web/server/starlette/starlette_websocket.py``, ``runtime/app_session.py`` and the in-process agent
client ``runtime/agent/interaction.py``, which applies the frontend's rules to a message list):

- ``GET /_stcore/health`` sets the ``_streamlit_xsrf`` cookie. The WebSocket ``/_stcore/stream`` is opened with
  ``Sec-WebSocket-Protocol: streamlit, <xsrf token>`` (a third entry would be a session id to resume), the cookie and
  an ``Origin``; the server does not ask for the token to connect, only uploads check it (``X-Xsrftoken`` header).
- Every message is binary protobuf. The client sends ``BackMsg``: ``rerun_script`` (a ``ClientState``: query string,
  page by ``page_name`` the first time and by ``page_script_hash`` after, ``fragment_id`` for a fragment's own rerun,
  and ``widget_states``, which the runtime merges into the session's widget state, so only the widgets a user
  changed need to be sent) and ``file_urls_request``. ForwardMsgs need no acknowledgement; the client sends no
  ``cached_message_hashes``, so the server never answers with a ``ref_hash``.
- The server answers a run with ``new_session`` (``metadata.run``: the run's id and its fragments), ``delta``
  messages at ``metadata.delta_path``, maybe ``page_info_changed`` (the query string of widgets bound to the URL),
  ``auto_rerun`` (a fragment with ``run_every``: the *client* must ask for its reruns, as the frontend's timer does)
  and ``script_finished``; after a completed run, elements the run did not write again are stale and dropped
  (the frontend's ClearStaleNodeVisitor rule, as the agent client applies it).
- A widget's element carries its ``id``; a widget with a key has an id ending in ``-<key>``. Values go in a
  ``WidgetState`` of the widget's type: sliders ``double_array_value``, text inputs, radios and select boxes
  ``string_value`` (the option as shown), buttons ``trigger_value``, file uploaders ``file_uploader_state_value``
  (after ``file_urls_request`` / ``file_urls_response`` and a multipart ``PUT`` to each file's upload URL).
- A custom component of ``st.components.v2`` is a ``bidi_component`` element, with an ``id`` like a widget's (ending
  in ``-<key>``) and its ``data`` as JSON text (``json``, or ``mixed.json`` when the data holds dataframes):
  :meth:`~bench.client.session.StreamlitSession.component_data`. Its ``setTriggerValue(event, value)`` is a rerun with
  a trigger widget of its own (:meth:`StreamlitSession.trigger`). What its JavaScript fetches from HTTP routes the app
  serves beside Streamlit, the client fetches with :func:`json_request` (:meth:`StreamlitSession.get_json`,
  :meth:`StreamlitSession.post_json`), with the session's cookies, as the browser's ``fetch`` sends them.

Modules: :mod:`.http_client` (HTTP/1.1 requests), :mod:`.page` (the page as the frontend keeps it), :mod:`.connection`
(the WebSocket, its messages and runs) and :mod:`.session` (what a user does: widgets, uploads, components,
navigation). Nothing here imports the app; it needs ``websockets`` and the ``streamlit`` package's protobuf modules
only.
"""
