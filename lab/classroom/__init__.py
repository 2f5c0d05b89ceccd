"""A live class: the lecturer starts a class with a join code, runs rounds of the N-way one-shot quiz, every
student answers on their own device, and the model plays too. State lives in the shared database (lab.db), so
every server behind a balancer sees the same class."""
