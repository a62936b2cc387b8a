"""seed_demo builds a pool that behaves like a real one: found by text in the directory."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from experts.demo import pool as demo
from experts.models import Expert
from experts.services import search
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", experts=40, seed=7, verbosity=0)
    return Expert.objects.filter(user__in=demo.pool_users())


def test_seed_demo_fills_every_search_vector(seeded):
    assert seeded.count() == 40
    assert not seeded.filter(search_vector__isnull=True).exists()
    assert not Expert.objects.filter(search_vector__isnull=True).exists()


def test_seeded_expert_is_found_by_a_word_of_their_profile(seeded, client, officer):
    expert = seeded.exclude(biography="").order_by("pk").first()
    # A word of the biography that is not a common one: the expert must be among the hits.
    words = [w for w in re.findall(r"[A-Za-z]{7,}", expert.biography)]
    rare = min(words, key=lambda w: search.search(seeded, w, rank=False).count())
    assert expert in search.search(seeded, rare, rank=False)
    assert expert in search.search(seeded, expert.family_name, rank=False)
    sign_in(client, officer)
    page = client.get(reverse("secretariat:directory"), {"q": expert.family_name})
    assert page.status_code == 200
    assert expert.family_name in page.content.decode()
