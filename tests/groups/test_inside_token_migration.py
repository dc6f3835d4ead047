"""Groups that existed before inside addresses by token each get their own token."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from groups.models import Group
from tests.factories import GroupFactory

BEFORE = [("groups", "0011_theme_names_in_nynorsk")]


@pytest.mark.django_db(transaction=True)
def test_existing_groups_get_distinct_tokens():
    pks = [GroupFactory().pk for _ in range(3)]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # drops the column: the rows are as before the change

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    tokens = list(Group.objects.filter(pk__in=pks).values_list("inside_token", flat=True))
    assert len(set(tokens)) == 3
    assert all(len(token) == 16 for token in tokens)
