"""Query-count guards: a page costs the same number of queries whatever the size of the data."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.models import ExpertDocument, UnavailablePeriod
from experts.services.search import refresh_search_vectors
from tests.conftest import sign_in
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    client.get(url)  # warm up: session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_extras(expert, count, pdf_bytes):
    for index in range(count):
        UnavailablePeriod.objects.create(
            expert=expert,
            start_date=date(2031, 1, 1) + timedelta(days=10 * index),
            end_date=date(2031, 1, 5) + timedelta(days=10 * index),
        )
        document = ExpertDocument(expert=expert, kind="cv", original_name=f"cv{index}.pdf", size=1)
        document.file.save("cv.pdf", ContentFile(pdf_bytes), save=False)
        document.save()


def test_profile_page_query_count_independent_of_rows(
    client, alice, bob, add_profile_rows, pdf_bytes, django_assert_num_queries
):
    add_profile_rows(alice, 1)
    add_extras(alice, 1, pdf_bytes)
    add_profile_rows(bob, 10)
    add_extras(bob, 10, pdf_bytes)
    url = reverse("experts:profile")

    client.force_login(alice.user)
    small = queries_for(client, url)

    client.force_login(bob.user)
    client.get(url)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["expert"].languages.count() == 10


def test_expert_detail_query_count_independent_of_rows(
    client, officer, alice, bob, add_profile_rows, pdf_bytes, django_assert_num_queries
):
    add_profile_rows(alice, 1)
    add_extras(alice, 1, pdf_bytes)
    add_profile_rows(bob, 10)
    add_extras(bob, 10, pdf_bytes)
    sign_in(client, officer)
    small = queries_for(client, reverse("secretariat:expert_detail", args=[alice.pk]))
    with django_assert_num_queries(small):
        client.get(reverse("secretariat:expert_detail", args=[bob.pk]))


def test_directory_query_count_independent_of_size(client, officer, django_assert_num_queries):
    url = reverse("secretariat:directory")
    sign_in(client, officer)
    ExpertFactory.create_batch(3)
    small = queries_for(client, url)

    ExpertFactory.create_batch(27)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["page"].rows) == 25  # the default page size


def test_directory_search_query_count_independent_of_size(
    client, officer, django_assert_num_queries
):
    url = reverse("secretariat:directory") + "?q=Ana"  # every ExpertFactory expert
    sign_in(client, officer)
    ExpertFactory.create_batch(3)
    refresh_search_vectors()
    small = queries_for(client, url)
    ExpertFactory.create_batch(27)
    refresh_search_vectors()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["page"].rows) == 25


def test_admin_expert_changelist_query_count_independent_of_size(
    client, admin_user, django_assert_num_queries
):
    url = reverse("admin:experts_expert_changelist")
    sign_in(client, admin_user)
    ExpertFactory.create_batch(3)
    small = queries_for(client, url)
    ExpertFactory.create_batch(27)
    with django_assert_num_queries(small):
        client.get(url)
