"""The PostgreSQL fixtures: the tests' server answers, and a fresh database is empty, private and dropped after."""

from __future__ import annotations

import psycopg

from tests.support.postgres import database_of, fresh_database, with_database


def test_postgres_url_answers(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("select current_database()").fetchone() == (database_of(postgres_url),)


def test_fresh_database_takes_a_table(fresh_postgres_url: str) -> None:
    with psycopg.connect(fresh_postgres_url) as connection:
        tables = connection.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()
        assert tables == (0,), "a fresh database is empty"
        connection.execute("create table answers (id serial primary key, student text not null, choice int)")
        connection.execute("insert into answers (student, choice) values (%s, %s), (%s, %s)", ("ana", 3, "bo", 1))
        connection.commit()
    with psycopg.connect(fresh_postgres_url) as connection:  # committed: another connection sees the rows
        rows = connection.execute("select student, choice from answers order by id").fetchall()
    assert rows == [("ana", 3), ("bo", 1)]


def test_fresh_database_is_dropped_afterwards_even_with_a_connection_open(postgres_url: str) -> None:
    with fresh_database(postgres_url) as url:
        left_open = psycopg.connect(url)  # a pool a test forgot to close must not stop the drop
        left_open.execute("create table t (x int)")
        left_open.commit()
    with psycopg.connect(with_database(postgres_url, "postgres")) as admin:
        found = admin.execute("select count(*) from pg_database where datname = %s", (database_of(url),)).fetchone()
    assert found == (0,)
    left_open.close()
