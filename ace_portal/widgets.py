"""Form widgets that render in Python instead of through Django's widget templates.

The directory's filter form has ~900 <option> elements and a dozen inputs; Django's templates
cost ~20 us per option, which dominated a page at 100 000 experts. The output is the same HTML
(tests/experts/directory/test_directory.py compares it with Django's own).
"""

from html import escape

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def escape_text(value) -> str:
    """A value escaped as Django's templates do (conditional_escape), with the standard library's
    escape: Django's (lazy-aware) costs ~8 us a call, and a page makes hundreds."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def options_html(choices, chosen) -> str:
    """<option> elements for flat ``choices``, those whose value is in ``chosen`` selected."""
    return mark_safe(
        "".join(
            f'<option value="{escape_text(value)}"{" selected" if str(value) in chosen else ""}>'
            f"{escape_text(label)}</option>"
            for value, label in choices
        )
    )


class FixedChoices(BaseChoiceIterator):
    """Choices that never change once made, shared by every form instead of deep-copied with
    each (Django copies a form's fields for every instance: ~0.3 ms for the lazy labels of the
    filter form's lists). Labels stay lazy: translated when rendered."""

    def __init__(self, choices):
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class OptionList(FixedChoices):
    """A field's choices with their <option> elements rendered once (per language and version
    of the reference data, see DirectoryForm): a selection is marked by replacing the tag of each
    chosen value, ~1 us, instead of rendering the ~900 options of the filter form each request.
    Values are unique within a list, so the first occurrence is the only one."""

    def __init__(self, choices):
        super().__init__(choices)
        self.html = options_html(self.choices, ())

    def render(self, chosen) -> str:
        html = self.html
        for value in chosen:
            tag = f'<option value="{escape_text(value)}">'
            html = html.replace(tag, tag[:-1] + " selected>", 1)
        return mark_safe(html)


def attrs_html(attrs) -> str:
    """Django's widgets/attrs.html in Python: in order, True bare, False left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class LeanSelectMixin:
    """Renders the options in Python. Django's widget templates cost ~20 us per <option> and
    the filter form has ~900 of them (188 Member administrations, 3 x 185 languages)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        choices = self.choices
        if isinstance(choices, OptionList):
            options = choices.render(chosen)
        else:
            options = options_html(choices, chosen)
        return mark_safe(
            f'<select name="{escape_text(name)}"{attrs_html(attrs)}>{options}</select>'
        )


class LeanSelect(LeanSelectMixin, forms.Select):
    pass


class LeanSelectMultiple(LeanSelectMixin, forms.SelectMultiple):
    pass


def input_html(input_type, name, value, attrs) -> str:
    """Django's widgets/input.html in Python (value as format_value returns it)."""
    shown = "" if value is None else f' value="{escape_text(value)}"'
    input_type, name = escape_text(input_type), escape_text(name)
    return f'<input type="{input_type}" name="{name}"{shown}{attrs_html(attrs)}>'


class LeanInputMixin:
    """An input rendered in Python, as Django's template would (~0.2 ms a template)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(input_html(self.input_type, name, self.format_value(value), attrs))


class LeanTextInput(LeanInputMixin, forms.TextInput):
    pass


class LeanDateInput(LeanInputMixin, DateInput):
    pass


class LeanRadioSelect(forms.RadioSelect):
    """Django's widgets/radio.html (multiple_input.html, input_option.html) in Python, flat
    choices only: the templates cost ~1.5 ms for the two options of area_mode."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        widget_id, css = attrs.get("id"), attrs.get("class")
        parts = [
            "<div",
            f' id="{escape_text(widget_id)}"' if widget_id else "",
            f' class="{escape_text(css)}"' if css else "",
            ">",
        ]
        chosen = self.format_value(value)
        selected = False
        for index, (option_value, label) in enumerate(self.choices):
            option_value = "" if option_value is None else option_value
            checked = not selected and str(option_value) in chosen
            selected |= checked
            option_attrs = dict(attrs)
            if checked:
                option_attrs["checked"] = True
            if "id" in option_attrs:
                option_attrs["id"] = self.id_for_label(option_attrs["id"], str(index))
            target = option_attrs.get("id")
            parts += [
                "<div>\n    <label",
                f' for="{escape_text(target)}"' if target else "",
                ">",
                input_html(self.input_type, name, option_value, option_attrs),
                f"\n {escape_text(label)}</label>\n\n</div>",
            ]
        parts.append("\n</div>")
        return mark_safe("".join(parts))


def field_group(bound) -> str:
    """The markup of includes/field.html for one field, built in Python: the filter form's 13
    includes (each rendering a label template) cost ~2.5 ms a page."""
    widget = bound.field.widget
    checkbox = getattr(widget, "input_type", None) == "checkbox"
    errors = bound.errors
    auto_id = bound.auto_id
    label = str(bound.label)
    suffix = bound.form.label_suffix
    if suffix and label and label[-1] not in ":?.!" and not checkbox:
        label += suffix
    target = widget.id_for_label(auto_id) if auto_id else ""
    label = (
        f'<label for="{escape(target)}">{escape(label)}</label>'
        if target
        else (f"<label>{escape(label)}</label>")
    )
    classes = "field" + (" field-error" if errors else "") + (" field-checkbox" if checkbox else "")
    parts = [f'<div class="{classes}">']
    parts += [str(bound), " ", label] if checkbox else [label, str(bound)]
    if bound.help_text:
        parts.append(f'<p class="help" id="{auto_id}_helptext">{bound.help_text}</p>')
    parts += [f'<p class="error" id="{auto_id}_error">{escape(str(e))}</p>' for e in errors]
    parts.append("</div>")
    return mark_safe("".join(parts))


class FieldGroups:
    """``form.groups.<name>`` in a template: the field's group, rendered by field_group."""

    def __init__(self, form):
        self.form = form

    def __getitem__(self, name):
        return field_group(self.form[name])
