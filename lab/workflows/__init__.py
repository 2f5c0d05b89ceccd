"""The lab's jobs, one function each: what a page shows and what a command prints come from the same call.

Each takes plain inputs and returns a frozen dataclass with ``as_dict()`` (the command line's ``--json``).
Pages wrap them in Streamlit's caches and draw; commands call them and print.

| job | function |
|---|---|
| pair verification, ROC, EER | :func:`lab.workflows.pairs.pair_roc` |
| N-way one-shot tasks | :func:`lab.workflows.nway.nway_accuracy` |
| the N-way quiz (a task the model answered; the quiz's steps) | :mod:`lab.workflows.quiz` |
| two drawings, one distance | :func:`lab.workflows.pairs.compare_drawings` |
| Lake's 20 runs | :func:`lab.workflows.nway.lake_evaluation` |
| nearest-neighbour exercise | :func:`lab.workflows.nearest.nearest_neighbour` |
| embedding map | :func:`lab.workflows.embedding_map.embedding_map` |
| training run (train, test, store) | :func:`lab.workflows.training.training_run` |
| verify two photos | :func:`lab.faces.pipeline.verify_photos` |
| identify a photo | :func:`lab.workflows.faces.identify_photo` |
| enrol a person | :func:`lab.workflows.faces.enrol_photos` |
| a face gallery: open, remove, clear, share thumbnails | :mod:`lab.workflows.gallery` |
| threshold analysis | :func:`lab.workflows.faces.threshold_analysis` |
| one metric's pair distances (threshold lab slider, histogram) | :func:`lab.faces.calibration.metric_pairs` |
| CNN-or-embedding experiment | :func:`lab.workflows.faces.face_experiment` |
| a live class: join, remove a player | :func:`lab.workflows.classroom.join`, :func:`lab.workflows.classroom.remove` |
| Omniglot files into the data folder | :func:`lab.workflows.data_files.upload_archive`, ``download_official`` |
"""
