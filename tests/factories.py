"""Factories with no surprises: every field a test relies on is set explicitly there."""

import factory
from django.contrib.auth.models import Group

from ace_portal.accounts.models import User
from ace_portal.accounts.roles import Role
from experts.models import Expert, Language, MemberAdministration, ThematicArea

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@customs.example")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))
        if create:
            self.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    user = factory.SubFactory(UserFactory, roles=[Role.EXPERT])
    given_names = "Ana"
    family_name = factory.Sequence(lambda n: f"Expert{n}")
    home_administration = factory.LazyFunction(
        lambda: MemberAdministration.objects.get(iso_code="KE")
    )


def language(code: str) -> Language:
    return Language.objects.get(code=code)


def area(code: str) -> ThematicArea:
    return ThematicArea.objects.get(code=code)
