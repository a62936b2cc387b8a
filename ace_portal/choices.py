"""The label of a choice field's value, read from a dictionary made once per field.

Django's ``get_FOO_display`` rebuilds a dictionary of every choice at each call, hashing each
lazy label (which translates it): a list of 50 missions spends milliseconds there. The labels
stay lazy, so each call still gives the active language's words.
"""

from functools import cache

from django.utils.encoding import force_str


@cache
def _labels(field) -> dict:
    return dict(field.flatchoices)


class ChoiceLabels:
    """Mixed into a model before ``models.Model``: its ``get_FOO_display`` methods use it."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(value, value), strings_only=True)
