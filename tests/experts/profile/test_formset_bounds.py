"""No POST makes the server build more forms than a person could fill in.

Django builds as many forms as TOTAL_FORMS says, up to ``absolute_max`` (by default max_num +
1 000): a 1 KB POST of ``languages-TOTAL_FORMS=1030`` tied a worker up for 80 s and answered
8.9 MB. Every formset class in the project is found by walking its modules, so a new one without
a bound fails here.
"""

import importlib
import pkgutil
import time

import pytest
from django.forms import BaseFormSet
from django.urls import reverse

import ace_portal
import experts
import missions
from experts.models import ExpertLanguage
from experts.views.sections import SECTIONS

pytestmark = pytest.mark.django_db

# absolute_max may exceed max_num by this little: the error still needs the rows to show.
SLACK = 0


def project_formsets():
    found = {}
    for package in (ace_portal, experts, missions):
        for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                # A formset class made by a factory has its form (the base classes have none).
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseFormSet)
                    and hasattr(value, "form")
                ):
                    found[f"{module.__name__}.{name}"] = value
    return found


def test_every_formset_is_bounded_near_its_max_num():
    formsets = project_formsets()
    assert "experts.forms.profile.LanguageFormSet" in formsets
    assert "experts.forms.workshops.OutcomeFormSet" in formsets
    unbounded = {
        name: (formset.max_num, formset.absolute_max)
        for name, formset in formsets.items()
        if formset.absolute_max > formset.max_num + SLACK
    }
    assert unbounded == {}


@pytest.mark.parametrize(
    "section", [s for s in SECTIONS if s.formset_class], ids=lambda section: section.slug
)
def test_profile_formset_with_1030_forms_answers_fast_small_and_changes_nothing(
    client, alice, section
):
    client.force_login(alice.user)
    languages_before = list(ExpertLanguage.objects.filter(expert=alice).values_list("pk"))
    data = {
        f"{section.slug}-TOTAL_FORMS": "1030",
        f"{section.slug}-INITIAL_FORMS": "0",
        f"{section.slug}-MIN_NUM_FORMS": "0",
        f"{section.slug}-MAX_NUM_FORMS": "30",
    }
    started = time.perf_counter()
    response = client.post(reverse("experts:edit_section", args=[section.slug]), data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400  # the form again, with its error
    assert "Please submit at most 30 forms." in response.text
    assert len(response.content) < 400_000
    # Generous for a loaded CI machine; before the bound it took tens of seconds.
    assert elapsed < 3, elapsed
    assert list(ExpertLanguage.objects.filter(expert=alice).values_list("pk")) == languages_before
